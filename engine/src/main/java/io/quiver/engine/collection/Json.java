package io.quiver.engine.collection;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Set;

/** Small typed readers for configuration JSON; every error names the field's path and value. */
final class Json {

  private Json() {}

  static void checkObject(JsonNode node, String at) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(at + " must be an object; got " + node);
    }
  }

  static void checkFields(JsonNode body, String at, Set<String> known) {
    checkObject(body, at);
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw new IllegalArgumentException(at + " has unknown field '" + name + "'");
      }
    }
  }

  static long integer(JsonNode body, String at, String field, long fallback, long min, long max) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isIntegralNumber() || !v.canConvertToLong()) {
      throw new IllegalArgumentException(at + "." + field + " must be an integer; got " + v);
    }
    long value = v.longValue();
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          at + "." + field + " must be in [" + min + ", " + max + "]; got " + value);
    }
    return value;
  }

  static double number(JsonNode body, String at, String field, double fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber()) {
      throw new IllegalArgumentException(at + "." + field + " must be a number; got " + v);
    }
    return v.doubleValue();
  }

  static boolean bool(JsonNode body, String at, String field, boolean fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(at + "." + field + " must be a boolean; got " + v);
    }
    return v.booleanValue();
  }

  static String text(JsonNode body, String at, String field, String fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(at + "." + field + " must be a string; got " + v);
    }
    return v.textValue();
  }
}
