package io.quiver.engine.point;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.math.BigInteger;
import java.util.UUID;

/**
 * A point's external id: an unsigned 64-bit integer or a UUID, as in Qdrant. Numeric ids order
 * before UUIDs; numbers compare unsigned, UUIDs by their 128 bits read as an unsigned number.
 */
public final class PointId implements Comparable<PointId> {

  private static final BigInteger MAX_UNSIGNED =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final boolean uuid;
  private final long high;
  private final long low;

  private PointId(boolean uuid, long high, long low) {
    this.uuid = uuid;
    this.high = high;
    this.low = low;
  }

  /** A numeric id; {@code value} is read as unsigned, so -1 is 2^64 - 1. */
  public static PointId of(long value) {
    return new PointId(false, 0, value);
  }

  public static PointId of(UUID value) {
    return new PointId(true, value.getMostSignificantBits(), value.getLeastSignificantBits());
  }

  /** Rebuilds an id from its stored parts ({@link #isUuid()}, {@link #high()}, {@link #low()}). */
  public static PointId fromParts(boolean uuid, long high, long low) {
    if (!uuid && high != 0) {
      throw new IllegalArgumentException("a numeric id has no high bits; got " + high);
    }
    return new PointId(uuid, high, low);
  }

  /** Parses a decimal unsigned 64-bit number or a UUID string; {@code field} names it in errors. */
  public static PointId parse(String text, String field) {
    if (text == null || text.isEmpty()) {
      throw new IllegalArgumentException(field + " must be an unsigned integer or a UUID; got ''");
    }
    if (text.indexOf('-') > 0 || text.length() == 32) {
      try {
        return of(parseUuid(text));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            field + " must be an unsigned integer or a UUID; got '" + text + "'");
      }
    }
    try {
      return of(Long.parseUnsignedLong(text));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          field + " must be an unsigned integer or a UUID; got '" + text + "'");
    }
  }

  /** Reads an id the way Qdrant's JSON carries it: a non-negative integer or a UUID string. */
  public static PointId fromJson(JsonNode node, String field) {
    if (node != null && node.isIntegralNumber()) {
      BigInteger value = node.bigIntegerValue();
      if (value.signum() < 0 || value.compareTo(MAX_UNSIGNED) > 0) {
        throw new IllegalArgumentException(
            field + " must be an unsigned 64-bit integer or a UUID; got " + node);
      }
      return of(value.longValue());
    }
    if (node != null && node.isTextual()) {
      try {
        return of(parseUuid(node.textValue()));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            field + " must be an unsigned 64-bit integer or a UUID; got " + node);
      }
    }
    throw new IllegalArgumentException(
        field + " must be an unsigned 64-bit integer or a UUID; got " + node);
  }

  private static UUID parseUuid(String text) {
    if (text.length() == 32) {
      // Qdrant also accepts the simple form without dashes.
      text =
          text.substring(0, 8)
              + '-'
              + text.substring(8, 12)
              + '-'
              + text.substring(12, 16)
              + '-'
              + text.substring(16, 20)
              + '-'
              + text.substring(20);
    }
    if (text.length() != 36) {
      throw new IllegalArgumentException("not a UUID: " + text);
    }
    return UUID.fromString(text);
  }

  public boolean isUuid() {
    return uuid;
  }

  /** The numeric value (unsigned); only for numeric ids. */
  public long num() {
    if (uuid) {
      throw new IllegalStateException("id " + this + " is a UUID, not a number");
    }
    return low;
  }

  public UUID uuid() {
    if (!uuid) {
      throw new IllegalStateException("id " + this + " is a number, not a UUID");
    }
    return new UUID(high, low);
  }

  /** The high 64 bits of a UUID; 0 for a numeric id. */
  public long high() {
    return high;
  }

  /** The low 64 bits of a UUID, or the numeric value. */
  public long low() {
    return low;
  }

  public JsonNode toJson() {
    return uuid
        ? JsonNodeFactory.instance.textNode(toString())
        : JsonNodeFactory.instance.numberNode(new BigInteger(Long.toUnsignedString(low)));
  }

  @Override
  public int compareTo(PointId o) {
    if (uuid != o.uuid) {
      return uuid ? 1 : -1;
    }
    int c = Long.compareUnsigned(high, o.high);
    return c != 0 ? c : Long.compareUnsigned(low, o.low);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PointId p && p.uuid == uuid && p.high == high && p.low == low;
  }

  @Override
  public int hashCode() {
    long h = high * 0x9E3779B97F4A7C15L ^ low ^ (uuid ? 0x5bd1e995L : 0);
    return Long.hashCode(h * 0xC2B2AE3D27D4EB4FL);
  }

  @Override
  public String toString() {
    return uuid ? new UUID(high, low).toString() : Long.toUnsignedString(low);
  }
}
