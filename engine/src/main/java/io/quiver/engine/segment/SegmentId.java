package io.quiver.engine.segment;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;

/** A segment's 16-byte random id; written into the header of each of its files. */
public final class SegmentId {

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final HexFormat HEX = HexFormat.of();

  private final byte[] bytes;

  private SegmentId(byte[] bytes) {
    this.bytes = bytes;
  }

  public static SegmentId random() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return new SegmentId(b);
  }

  /** Parses the 32 lowercase hex characters of {@link #toString()}. */
  public static SegmentId parse(String hex) {
    if (hex == null || hex.length() != 32 || !hex.equals(hex.toLowerCase(java.util.Locale.ROOT))) {
      throw new IllegalArgumentException("segment id must be 32 lowercase hex digits; got " + hex);
    }
    try {
      return new SegmentId(HEX.parseHex(hex));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("segment id must be 32 lowercase hex digits; got " + hex);
    }
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SegmentId s && Arrays.equals(s.bytes, bytes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(bytes);
  }

  @Override
  public String toString() {
    return HEX.formatHex(bytes);
  }
}
