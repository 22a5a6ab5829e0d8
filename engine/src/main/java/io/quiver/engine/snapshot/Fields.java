package io.quiver.engine.snapshot;

import java.util.regex.Pattern;

/**
 * Checks shared by the manifest's value classes. Messages have the shape {@code "<field>: <what was
 * expected>; got <value>"} with the manifest's JSON field names, so that {@link ManifestCodec} can
 * put the JSON path of the enclosing object in front.
 */
final class Fields {

  private static final Pattern SEGMENT_ID = Pattern.compile("[0-9a-f]{32}");
  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  private Fields() {}

  static IllegalArgumentException invalid(String field, String expected, Object got) {
    return new IllegalArgumentException(field + ": " + expected + "; got " + quote(got));
  }

  static <T> T required(T value, String field) {
    if (value == null) {
      throw new IllegalArgumentException(field + ": required; got null");
    }
    return value;
  }

  static long nonNegative(long value, String field) {
    if (value < 0) {
      throw invalid(field, "expected a non-negative integer", value);
    }
    return value;
  }

  static String nonEmpty(String value, String field) {
    required(value, field);
    if (value.isEmpty()) {
      throw invalid(field, "expected a non-empty string", value);
    }
    return value;
  }

  static String segmentId(String value, String field) {
    required(value, field);
    if (!SEGMENT_ID.matcher(value).matches()) {
      throw invalid(field, "expected 32 lowercase hex characters (a 16-byte segment id)", value);
    }
    return value;
  }

  static String sha256(String value, String field) {
    required(value, field);
    if (!SHA256.matcher(value).matches()) {
      throw invalid(field, "expected 64 lowercase hex characters (a sha256 digest)", value);
    }
    return value;
  }

  static String path(String value, String field) {
    required(value, field);
    try {
      return SnapshotPaths.check(value);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
    }
  }

  /** Strings in double quotes (as in JSON), everything else as {@code toString()}. */
  static String quote(Object value) {
    if (value instanceof String) {
      return "\"" + SnapshotPaths.printable((String) value) + "\"";
    }
    return String.valueOf(value);
  }
}
