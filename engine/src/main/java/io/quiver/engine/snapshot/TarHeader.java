package io.quiver.engine.snapshot;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One 512-byte POSIX ustar header block, encoded and parsed.
 *
 * <pre>
 * offset size field
 *      0  100 name       NUL-terminated unless 100 bytes long
 *    100    8 mode       octal
 *    108    8 uid, 116 8 gid (octal, written as 0)
 *    124   12 size       octal (up to 8 GiB - 1), or GNU base-256: first byte 0x80, then the
 *                        value big-endian in the remaining 11 bytes
 *    136   12 mtime      octal seconds since the epoch
 *    148    8 chksum     octal sum of all 512 header bytes, this field counted as spaces
 *    156    1 typeflag   '0' (or NUL) file, '5' directory, 'x' PAX extended header, ...
 *    157  100 linkname
 *    257    6 magic      "ustar\0" (POSIX; GNU's "ustar " + " \0" is also read)
 *    263    2 version    "00"
 *    265   32 uname, 297 32 gname, 329 8 devmajor, 337 8 devminor (written empty)
 *    345  155 prefix     the path's leading folders, joined to name with '/' (POSIX magic only)
 * </pre>
 */
record TarHeader(String name, char type, long size, long mode, long mtime, String linkName) {

  static final int BLOCK = 512;
  static final char REGULAR = '0';
  static final char REGULAR_OLD = '\0';
  static final char DIRECTORY = '5';
  static final char PAX = 'x';

  /** The largest size the 11 octal digits of the size field hold: 8 GiB - 1. */
  static final long MAX_OCTAL_SIZE = 077777777777L;

  static final int NAME_LENGTH = 100;
  static final int PREFIX_LENGTH = 155;

  private static final int SIZE_OFFSET = 124;
  private static final int CHECKSUM_OFFSET = 148;
  private static final int MAGIC_OFFSET = 257;
  private static final int PREFIX_OFFSET = 345;
  private static final byte[] POSIX_MAGIC = {'u', 's', 't', 'a', 'r', 0, '0', '0'};
  private static final byte[] GNU_MAGIC = {'u', 's', 't', 'a', 'r', ' ', ' ', 0};

  /**
   * The {@code (prefix, name)} split of a path for the ustar fields, or null if the path does not
   * fit and needs a PAX {@code path} record.
   */
  static String[] split(String path) {
    byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= NAME_LENGTH) {
      return new String[] {"", path};
    }
    for (int i = path.indexOf('/'); i >= 0; i = path.indexOf('/', i + 1)) {
      int prefixBytes = path.substring(0, i).getBytes(StandardCharsets.UTF_8).length;
      int nameBytes = bytes.length - prefixBytes - 1;
      if (prefixBytes <= PREFIX_LENGTH && nameBytes <= NAME_LENGTH && nameBytes > 0) {
        return new String[] {path.substring(0, i), path.substring(i + 1)};
      }
    }
    return null;
  }

  /**
   * Encodes this header. The name must fit the ustar fields ({@link #split}); a size above {@link
   * #MAX_OCTAL_SIZE} is written in base-256.
   */
  byte[] encode() {
    String[] parts = split(name);
    if (parts == null) {
      throw new IllegalArgumentException(
          "tar entry name does not fit a ustar header; use a PAX path record: " + name);
    }
    byte[] b = new byte[BLOCK];
    putString(b, 0, NAME_LENGTH, parts[1]);
    putOctal(b, 100, 8, mode);
    putOctal(b, 108, 8, 0);
    putOctal(b, 116, 8, 0);
    if (size < 0) {
      throw new IllegalArgumentException("tar entry size must be >= 0; got " + size);
    } else if (size <= MAX_OCTAL_SIZE) {
      putOctal(b, SIZE_OFFSET, 12, size);
    } else {
      b[SIZE_OFFSET] = (byte) 0x80;
      for (int i = 0; i < 8; i++) {
        b[SIZE_OFFSET + 11 - i] = (byte) (size >>> (8 * i));
      }
    }
    putOctal(b, 136, 12, mtime);
    b[156] = (byte) type;
    putString(b, 157, 100, linkName == null ? "" : linkName);
    System.arraycopy(POSIX_MAGIC, 0, b, MAGIC_OFFSET, POSIX_MAGIC.length);
    putString(b, PREFIX_OFFSET, PREFIX_LENGTH, parts[0]);
    Arrays.fill(b, CHECKSUM_OFFSET, CHECKSUM_OFFSET + 8, (byte) ' ');
    long sum = 0;
    for (byte x : b) {
      sum += x & 0xff;
    }
    putOctal(b, CHECKSUM_OFFSET, 7, sum); // six digits and a NUL, then the space already there
    return b;
  }

  /** Whether a block is all zeros (half of the end-of-archive marker). */
  static boolean isZero(byte[] block) {
    for (byte x : block) {
      if (x != 0) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses a header block.
   *
   * @param where names the entry for error messages
   * @throws IllegalArgumentException if the block is not a valid ustar header
   */
  static TarHeader parse(byte[] b, String where) {
    boolean posix = Arrays.equals(b, MAGIC_OFFSET, MAGIC_OFFSET + 8, POSIX_MAGIC, 0, 8);
    boolean gnu = Arrays.equals(b, MAGIC_OFFSET, MAGIC_OFFSET + 8, GNU_MAGIC, 0, 8);
    if (!posix && !gnu) {
      throw new IllegalArgumentException(where + ": not a ustar header (bad magic)");
    }
    long stored = octal(b, CHECKSUM_OFFSET, 8, where, "chksum");
    long unsigned = 0;
    long signed = 0;
    for (int i = 0; i < BLOCK; i++) {
      int v = i >= CHECKSUM_OFFSET && i < CHECKSUM_OFFSET + 8 ? ' ' : b[i];
      unsigned += v & 0xff;
      signed += (byte) v;
    }
    if (stored != unsigned && stored != signed) {
      throw new IllegalArgumentException(
          where + ": header checksum is " + stored + ", the header's bytes sum to " + unsigned);
    }
    String name = string(b, 0, NAME_LENGTH);
    if (posix) {
      String prefix = string(b, PREFIX_OFFSET, PREFIX_LENGTH);
      if (!prefix.isEmpty()) {
        name = prefix + "/" + name;
      }
    }
    long size;
    if ((b[SIZE_OFFSET] & 0x80) != 0) {
      if (b[SIZE_OFFSET] != (byte) 0x80) {
        throw new IllegalArgumentException(where + ": negative or oversized base-256 size");
      }
      size = 0;
      for (int i = 1; i < 12; i++) {
        if (size >>> 55 != 0) {
          throw new IllegalArgumentException(where + ": base-256 size does not fit 63 bits");
        }
        size = (size << 8) | (b[SIZE_OFFSET + i] & 0xff);
      }
    } else {
      size = octal(b, SIZE_OFFSET, 12, where, "size");
    }
    return new TarHeader(
        name,
        (char) (b[156] & 0xff),
        size,
        octal(b, 100, 8, where, "mode"),
        octal(b, 136, 12, where, "mtime"),
        string(b, 157, 100));
  }

  private static void putString(byte[] b, int offset, int length, String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length > length) {
      throw new IllegalArgumentException("'" + s + "' is longer than " + length + " bytes");
    }
    System.arraycopy(bytes, 0, b, offset, bytes.length);
  }

  /** Writes {@code value} as {@code length - 1} zero-padded octal digits and a NUL. */
  private static void putOctal(byte[] b, int offset, int length, long value) {
    String digits = Long.toOctalString(value);
    if (digits.length() > length - 1) {
      throw new IllegalArgumentException(value + " does not fit " + (length - 1) + " octal digits");
    }
    int pad = length - 1 - digits.length();
    for (int i = 0; i < pad; i++) {
      b[offset + i] = '0';
    }
    for (int i = 0; i < digits.length(); i++) {
      b[offset + pad + i] = (byte) digits.charAt(i);
    }
    b[offset + length - 1] = 0;
  }

  private static String string(byte[] b, int offset, int length) {
    int end = offset;
    while (end < offset + length && b[end] != 0) {
      end++;
    }
    return new String(b, offset, end - offset, StandardCharsets.UTF_8);
  }

  /** An octal field: optional leading spaces, digits, then NULs or spaces. */
  private static long octal(byte[] b, int offset, int length, String where, String field) {
    int i = offset;
    int end = offset + length;
    while (i < end && b[i] == ' ') {
      i++;
    }
    long value = 0;
    int digits = 0;
    for (; i < end && b[i] >= '0' && b[i] <= '7'; i++, digits++) {
      if (value >>> 60 != 0) {
        throw new IllegalArgumentException(where + ": " + field + " field overflows");
      }
      value = (value << 3) | (b[i] - '0');
    }
    for (; i < end; i++) {
      if (b[i] != 0 && b[i] != ' ') {
        throw new IllegalArgumentException(where + ": " + field + " field is not an octal number");
      }
    }
    return value;
  }
}
