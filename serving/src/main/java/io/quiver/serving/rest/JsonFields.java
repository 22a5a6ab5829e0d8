package io.quiver.serving.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigInteger;

/**
 * Typed reads of request-body fields. Every refusal is an {@link IllegalArgumentException} naming
 * the field by its path in the body ({@code searches[2].params.hnsw_ef}) and the value sent, so the
 * client sees what to fix. A field that is absent or JSON {@code null} takes its default, as
 * Qdrant's optional fields do.
 */
final class JsonFields {
  private static final BigInteger LONG_MAX = BigInteger.valueOf(Long.MAX_VALUE);

  private JsonFields() {}

  /** {@code name} under {@code at}: {@code "limit"}, or {@code "searches[0].limit"}. */
  static String path(String at, String name) {
    return at.isEmpty() ? name : at + "." + name;
  }

  /** The body, which must be a JSON object; {@code what} names the request in the error. */
  static ObjectNode object(JsonNode body, String what) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException(
          what + " must be a JSON object; got " + (body == null ? "nothing" : abbreviate(body)));
    }
    return (ObjectNode) body;
  }

  /** The field's value, or null when it is absent or JSON null. */
  static JsonNode get(JsonNode body, String name) {
    JsonNode value = body.get(name);
    return value == null || value.isNull() ? null : value;
  }

  static boolean has(JsonNode body, String name) {
    return get(body, name) != null;
  }

  /** A non-negative integer field (limits, offsets, counts). */
  static long nonNegative(JsonNode body, String at, String name, long fallback) {
    JsonNode value = get(body, name);
    if (value == null) {
      return fallback;
    }
    if (!value.isIntegralNumber()
        || value.bigIntegerValue().signum() < 0
        || value.bigIntegerValue().compareTo(LONG_MAX) > 0) {
      throw new IllegalArgumentException(
          path(at, name) + " must be a non-negative integer; got " + abbreviate(value));
    }
    return value.longValue();
  }

  static boolean bool(JsonNode body, String at, String name, boolean fallback) {
    JsonNode value = get(body, name);
    if (value == null) {
      return fallback;
    }
    if (!value.isBoolean()) {
      throw new IllegalArgumentException(
          path(at, name) + " must be true or false; got " + abbreviate(value));
    }
    return value.booleanValue();
  }

  /** A number that must fit a finite 32-bit float; null when absent. */
  static Float finiteFloat(JsonNode body, String at, String name) {
    JsonNode value = get(body, name);
    if (value == null) {
      return null;
    }
    return finiteFloat(value, path(at, name));
  }

  static float finiteFloat(JsonNode value, String field) {
    if (!value.isNumber()) {
      throw new IllegalArgumentException(field + " must be a number; got " + abbreviate(value));
    }
    float f = value.floatValue();
    if (!Float.isFinite(f)) {
      throw new IllegalArgumentException(
          field + " must be a finite 32-bit float; got " + abbreviate(value));
    }
    return f;
  }

  /** A finite number; null when absent. */
  static Double number(JsonNode body, String at, String name) {
    JsonNode value = get(body, name);
    if (value == null) {
      return null;
    }
    if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
      throw new IllegalArgumentException(
          path(at, name) + " must be a finite number; got " + abbreviate(value));
    }
    return value.doubleValue();
  }

  static String text(JsonNode body, String at, String name, String fallback) {
    JsonNode value = get(body, name);
    if (value == null) {
      return fallback;
    }
    if (!value.isTextual()) {
      throw new IllegalArgumentException(
          path(at, name) + " must be a string; got " + abbreviate(value));
    }
    return value.textValue();
  }

  static String requiredText(JsonNode body, String at, String name) {
    String value = text(body, at, name, null);
    if (value == null) {
      throw new IllegalArgumentException(path(at, name) + " is required");
    }
    return value;
  }

  static JsonNode requiredArray(JsonNode body, String at, String name) {
    JsonNode value = get(body, name);
    if (value == null) {
      throw new IllegalArgumentException(path(at, name) + " is required");
    }
    if (!value.isArray()) {
      throw new IllegalArgumentException(
          path(at, name) + " must be a list; got " + abbreviate(value));
    }
    return value;
  }

  static ObjectNode optionalObject(JsonNode body, String at, String name) {
    JsonNode value = get(body, name);
    if (value == null) {
      return null;
    }
    if (!value.isObject()) {
      throw new IllegalArgumentException(
          path(at, name) + " must be an object; got " + abbreviate(value));
    }
    return (ObjectNode) value;
  }

  /**
   * Refuses a field Qdrant defines but Quiver does not implement, rather than ignoring it and
   * answering something else than asked.
   */
  static void unsupported(JsonNode body, String at, String name, String why) {
    if (has(body, name)) {
      throw new IllegalArgumentException(path(at, name) + ": " + why);
    }
  }

  /** A value for an error message, cut short: a request may carry megabytes. */
  static String abbreviate(JsonNode value) {
    String text = value.toString();
    return text.length() <= 120 ? text : text.substring(0, 117) + "...";
  }
}
