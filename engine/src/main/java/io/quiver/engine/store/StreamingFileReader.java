package io.quiver.engine.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * Reads a Quiver file front to back onto the heap, checksumming as it goes, for files that are
 * loaded rather than mapped and may exceed one mapping's 2 GiB. The header is checked on {@link
 * #open}; {@link #finish} checks that the body was consumed exactly and that the footer's CRC32
 * matches. Callers must not publish anything they read before {@code finish} returns.
 */
public final class StreamingFileReader implements Closeable {

  private static final int BUFFER_SIZE = 1 << 16;

  private final Path path;
  private final FileChannel channel;
  private final CRC32 crc = new CRC32();
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
  private final FileFormat.Header header;
  private final long bodyEnd;
  private long position;

  private StreamingFileReader(
      Path path, FileChannel channel, FileFormat.Header header, long bodyEnd) {
    this.path = path;
    this.channel = channel;
    this.header = header;
    this.bodyEnd = bodyEnd;
    this.position = header.length;
    buffer.limit(0);
  }

  /** Opens {@code path} and checks its header against the format name and version range. */
  public static StreamingFileReader open(
      Path path, String formatName, int minVersion, int maxVersion) throws IOException {
    FileChannel channel = FileChannel.open(path, StandardOpenOption.READ);
    boolean success = false;
    try {
      long size = channel.size();
      int headerLength = FileFormat.headerLength(formatName);
      if (size < headerLength + FileFormat.FOOTER_LENGTH) {
        throw new CorruptFileException(
            path, "file is truncated: " + size + " bytes is shorter than header + footer");
      }
      ByteBuffer head = ByteBuffer.allocate(headerLength + FileFormat.FOOTER_LENGTH);
      readFully(channel, head, 0, path);
      head.flip();
      FileFormat.Header header =
          FileFormat.checkHeader(head, path, formatName, minVersion, maxVersion, null);
      channel.position(header.length);
      StreamingFileReader reader =
          new StreamingFileReader(path, channel, header, size - FileFormat.FOOTER_LENGTH);
      reader.crc.update(head.array(), 0, header.length);
      success = true;
      return reader;
    } finally {
      if (!success) {
        channel.close();
      }
    }
  }

  public Path path() {
    return path;
  }

  public FileFormat.Header header() {
    return header;
  }

  /** Body bytes not yet read. */
  public long remaining() {
    return buffer.remaining() + (bodyEnd - position);
  }

  /** The next byte, unsigned. */
  public int readByte() throws IOException {
    ensure(1);
    return buffer.get() & 0xff;
  }

  public int readInt() throws IOException {
    ensure(4);
    return buffer.getInt();
  }

  public long readLong() throws IOException {
    ensure(8);
    return buffer.getLong();
  }

  public float readFloat() throws IOException {
    ensure(4);
    return buffer.getFloat();
  }

  public void readFloats(float[] dst, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      dst[i] = readFloat();
    }
  }

  public void readBytes(byte[] dst, int offset, int length) throws IOException {
    while (length > 0) {
      if (!buffer.hasRemaining()) {
        ensure(1);
      }
      int n = Math.min(length, buffer.remaining());
      buffer.get(dst, offset, n);
      offset += n;
      length -= n;
    }
  }

  /** Checks that the body was read to its end and that the file's checksum is right. */
  public void finish() throws IOException {
    if (remaining() != 0) {
      throw new CorruptFileException(path, remaining() + " bytes of the body were not expected");
    }
    ByteBuffer footer = ByteBuffer.allocate(FileFormat.FOOTER_LENGTH);
    readFully(channel, footer, bodyEnd, path);
    footer.flip();
    crc.update(footer.array(), 0, 8);
    ByteBuffer view = footer.order(ByteOrder.LITTLE_ENDIAN);
    if (view.getInt(0) != FileFormat.FOOTER_MAGIC) {
      throw new CorruptFileException(
          path, String.format("footer magic is 0x%08x (file truncated?)", view.getInt(0)));
    }
    long expected = view.getLong(8);
    if (crc.getValue() != expected) {
      throw new CorruptFileException(
          path,
          String.format(
              "checksum mismatch: footer says 0x%08x, content is 0x%08x",
              expected, crc.getValue()));
    }
  }

  /** Makes at least {@code n} bytes (n <= buffer size) available, or fails on a short body. */
  private void ensure(int n) throws IOException {
    if (buffer.remaining() >= n) {
      return;
    }
    if (buffer.remaining() + (bodyEnd - position) < n) {
      throw new CorruptFileException(path, "body ends early: file is truncated or corrupt");
    }
    buffer.compact();
    int want = (int) Math.min(buffer.remaining(), bodyEnd - position);
    int start = buffer.position();
    ByteBuffer window = buffer.duplicate();
    window.limit(start + want);
    readFully(channel, window, position, path);
    crc.update(buffer.array(), start, want);
    position += want;
    buffer.position(start + want);
    buffer.flip();
  }

  private static void readFully(FileChannel channel, ByteBuffer dst, long at, Path path)
      throws IOException {
    while (dst.hasRemaining()) {
      int n = channel.read(dst, at);
      if (n < 0) {
        throw new CorruptFileException(path, "file shrank while it was being read");
      }
      at += n;
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
