package io.quiver.spark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Small helpers that read string options and name the option and the value in every error. */
public final class OptionParsing {

  private OptionParsing() {}

  /**
   * Refuses options this source does not know, so that a misspelt option fails instead of being
   * silently ignored.
   */
  public static void checkKnown(
      Map<String, String> options, java.util.Set<String> known, String what) {
    for (String key : options.keySet()) {
      if (!known.contains(key.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "unknown "
                + what
                + " option '"
                + key
                + "'; the options are "
                + new java.util.TreeSet<>(known));
      }
    }
  }

  public static String required(Map<String, String> options, String key) {
    String value = options.get(key);
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException("option '" + key + "' is required");
    }
    return value.trim();
  }

  public static String text(Map<String, String> options, String key, String fallback) {
    String value = options.get(key);
    return value == null || value.isBlank() ? fallback : value.trim();
  }

  public static int integer(
      Map<String, String> options, String key, int fallback, int min, int max) {
    String value = options.get(key);
    if (value == null || value.isBlank()) {
      return fallback;
    }
    int parsed;
    try {
      parsed = Integer.parseInt(value.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "option '"
              + key
              + "' must be an integer in ["
              + min
              + ", "
              + max
              + "]; got '"
              + value
              + "'");
    }
    if (parsed < min || parsed > max) {
      throw new IllegalArgumentException(
          "option '" + key + "' must be in [" + min + ", " + max + "]; got " + parsed);
    }
    return parsed;
  }

  /** One of {@code allowed} (case-insensitive), returned in lower case. */
  public static String choice(
      Map<String, String> options, String key, String fallback, List<String> allowed) {
    String value = text(options, key, fallback).toLowerCase(Locale.ROOT);
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException(
          "option '" + key + "' must be one of " + allowed + "; got '" + options.get(key) + "'");
    }
    return value;
  }

  /** A comma-separated list, trimmed, without empty items. */
  public static List<String> list(String value) {
    List<String> out = new ArrayList<>();
    if (value == null) {
      return out;
    }
    for (String item : value.split(",")) {
      if (!item.isBlank()) {
        out.add(item.trim());
      }
    }
    return out;
  }

  /** {@code a:x,b:y} as an ordered map; every item needs exactly one colon. */
  public static Map<String, String> pairs(String key, String value) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String item : list(value)) {
      int colon = item.indexOf(':');
      if (colon <= 0 || colon == item.length() - 1 || item.indexOf(':', colon + 1) >= 0) {
        throw new IllegalArgumentException(
            "option '" + key + "' must look like 'name:value,name2:value2'; got '" + value + "'");
      }
      String name = item.substring(0, colon).trim();
      if (out.put(name, item.substring(colon + 1).trim()) != null) {
        throw new IllegalArgumentException(
            "option '" + key + "' names '" + name + "' twice: '" + value + "'");
      }
    }
    return out;
  }
}
