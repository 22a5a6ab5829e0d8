package io.quiver.engine.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The header and footer every Quiver file carries, and the checks readers make on them (after
 * Lucene's {@code CodecUtil}). All numbers are little-endian.
 *
 * <pre>
 * header:  magic       int32   0x51565246 ("QVRF")
 *          nameLength  uint8
 *          name        nameLength ASCII bytes, the format's name (e.g. "quiver.hnsw")
 *          version     int32   the format's version
 *          segmentId   16 bytes, the id of the segment the file belongs to
 * ...      body        the format's own bytes
 * footer:  magic       int32   ~0x51565246
 *          algorithm   int32   0 = CRC32
 *          checksum    int64   CRC32 of every byte before this field
 * </pre>
 *
 * <p>A reader checks the header (magic, name, supported version, segment id when it knows it) and
 * the footer (magic, algorithm and the checksum of the whole file) before it trusts any byte of the
 * body, and refuses a mismatch with a {@link CorruptFileException} that names the file.
 */
public final class FileFormat {

  public static final int MAGIC = 0x51565246;
  public static final int FOOTER_MAGIC = ~MAGIC;
  public static final int FOOTER_LENGTH = 16;
  public static final int SEGMENT_ID_LENGTH = 16;
  private static final int ALGORITHM_CRC32 = 0;

  private FileFormat() {}

  public static int headerLength(String formatName) {
    return 4 + 1 + formatName.length() + 4 + SEGMENT_ID_LENGTH;
  }

  /** Writes the header into {@code out} (which must be little-endian). */
  public static void writeHeader(ByteBuffer out, String formatName, int version, byte[] segmentId) {
    byte[] name = formatName.getBytes(StandardCharsets.US_ASCII);
    if (name.length == 0 || name.length > 255) {
      throw new IllegalArgumentException(
          "format name must be 1..255 bytes; got '" + formatName + "'");
    }
    if (segmentId.length != SEGMENT_ID_LENGTH) {
      throw new IllegalArgumentException(
          "segment id must be " + SEGMENT_ID_LENGTH + " bytes; got " + segmentId.length);
    }
    out.putInt(MAGIC).put((byte) name.length).put(name).putInt(version).put(segmentId);
  }

  /** The parts of a header a reader needs after checking it. */
  public static final class Header {
    public final int version;
    public final byte[] segmentId;
    public final int length;

    Header(int version, byte[] segmentId, int length) {
      this.version = version;
      this.segmentId = segmentId;
      this.length = length;
    }
  }

  /**
   * Checks the header at the start of {@code file} ({@code buf} holds the whole file, position 0).
   *
   * @param expectedSegmentId the segment id the file must carry, or null to accept any
   */
  public static Header checkHeader(
      ByteBuffer buf,
      Path file,
      String formatName,
      int minVersion,
      int maxVersion,
      byte[] expectedSegmentId)
      throws CorruptFileException {
    ByteBuffer in = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    in.position(0);
    if (in.remaining() < headerLength(formatName) + FOOTER_LENGTH) {
      throw new CorruptFileException(
          file, "file is truncated: " + in.remaining() + " bytes is shorter than header + footer");
    }
    int magic = in.getInt();
    if (magic != MAGIC) {
      throw new CorruptFileException(
          file,
          String.format(
              "not a Quiver file: header magic is 0x%08x, expected 0x%08x", magic, MAGIC));
    }
    int nameLength = in.get() & 0xff;
    byte[] name = new byte[nameLength];
    if (nameLength > in.remaining()) {
      throw new CorruptFileException(
          file, "header format name length " + nameLength + " is too long");
    }
    in.get(name);
    String actualName = new String(name, StandardCharsets.US_ASCII);
    if (!actualName.equals(formatName)) {
      throw new CorruptFileException(
          file, "format is '" + actualName + "', expected '" + formatName + "'");
    }
    int version = in.getInt();
    if (version < minVersion || version > maxVersion) {
      throw new CorruptFileException(
          file,
          "format '"
              + formatName
              + "' version "
              + version
              + " is not supported; this reader supports "
              + minVersion
              + ".."
              + maxVersion);
    }
    byte[] segmentId = new byte[SEGMENT_ID_LENGTH];
    in.get(segmentId);
    if (expectedSegmentId != null && !java.util.Arrays.equals(segmentId, expectedSegmentId)) {
      throw new CorruptFileException(file, "file belongs to another segment");
    }
    return new Header(version, segmentId, in.position());
  }

  /** Verifies the footer and the CRC32 of the whole file held in {@code buf}. */
  public static void checkFooter(ByteBuffer buf, Path file) throws CorruptFileException {
    ByteBuffer in = buf.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    int length = in.limit();
    if (length < FOOTER_LENGTH) {
      throw new CorruptFileException(file, "file is truncated: no room for a footer");
    }
    int footerStart = length - FOOTER_LENGTH;
    int magic = in.getInt(footerStart);
    if (magic != FOOTER_MAGIC) {
      throw new CorruptFileException(
          file,
          String.format(
              "footer magic is 0x%08x, expected 0x%08x (file truncated or overwritten)",
              magic, FOOTER_MAGIC));
    }
    int algorithm = in.getInt(footerStart + 4);
    if (algorithm != ALGORITHM_CRC32) {
      throw new CorruptFileException(file, "unknown checksum algorithm " + algorithm);
    }
    long expected = in.getLong(footerStart + 8);
    CRC32 crc = new CRC32();
    ByteBuffer covered = in.duplicate();
    covered.position(0).limit(footerStart + 8);
    crc.update(covered);
    if (crc.getValue() != expected) {
      throw new CorruptFileException(
          file,
          String.format(
              "checksum mismatch: footer says 0x%08x, content is 0x%08x",
              expected, crc.getValue()));
    }
  }

  /**
   * Checks the header and the whole-file CRC of {@code file} by streaming it through {@code ch},
   * without mapping or loading it: for files too large to map in one piece that are then read
   * piecewise (payload blocks).
   */
  public static Header checkStreaming(
      java.nio.channels.FileChannel ch,
      Path file,
      String formatName,
      int minVersion,
      int maxVersion)
      throws java.io.IOException {
    long size = ch.size();
    int headLength = headerLength(formatName) + FOOTER_LENGTH;
    if (size < headLength) {
      throw new CorruptFileException(
          file, "file is truncated: " + size + " bytes is shorter than header + footer");
    }
    ByteBuffer head = ByteBuffer.allocate(headLength).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, head, 0, file);
    head.flip();
    Header header = checkHeader(head, file, formatName, minVersion, maxVersion, null);
    ByteBuffer footer = ByteBuffer.allocate(FOOTER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    readFully(ch, footer, size - FOOTER_LENGTH, file);
    if (footer.getInt(0) != FOOTER_MAGIC || footer.getInt(4) != ALGORITHM_CRC32) {
      throw new CorruptFileException(file, "footer is missing or damaged (file truncated?)");
    }
    CRC32 crc = new CRC32();
    ByteBuffer buf = ByteBuffer.allocate(1 << 20);
    long covered = size - 8;
    for (long pos = 0; pos < covered; ) {
      buf.clear().limit((int) Math.min(buf.capacity(), covered - pos));
      readFully(ch, buf, pos, file);
      buf.flip();
      pos += buf.remaining();
      crc.update(buf);
    }
    if (crc.getValue() != footer.getLong(8)) {
      throw new CorruptFileException(
          file,
          String.format(
              "checksum mismatch: footer says 0x%08x, content is 0x%08x",
              footer.getLong(8), crc.getValue()));
    }
    return header;
  }

  /** Reads {@code dst.remaining()} bytes at {@code position}, or fails naming the file. */
  public static void readFully(
      java.nio.channels.FileChannel ch, ByteBuffer dst, long position, Path file)
      throws java.io.IOException {
    while (dst.hasRemaining()) {
      int n = ch.read(dst, position);
      if (n < 0) {
        throw new CorruptFileException(file, "unexpected end of file at byte " + position);
      }
      position += n;
    }
  }

  /**
   * Appends the footer, checksumming everything written to {@code crc} so far plus the footer head.
   */
  static void writeFooter(ByteBuffer out, CRC32 crc) {
    ByteBuffer head = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
    head.putInt(FOOTER_MAGIC).putInt(ALGORITHM_CRC32).flip();
    crc.update(head.duplicate());
    out.put(head).putLong(crc.getValue());
  }
}
