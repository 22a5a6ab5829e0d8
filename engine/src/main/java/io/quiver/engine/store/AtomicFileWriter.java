package io.quiver.engine.store;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * Writes one Quiver file: header, body, checksum footer, into a temporary file beside the target
 * that becomes visible under the target name only after it is complete and fsynced. If the writer
 * is closed without {@link #commit()}, the temporary file is deleted and the target is untouched.
 */
public final class AtomicFileWriter implements Closeable {

  private static final int BUFFER_SIZE = 1 << 16;

  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
  private final CRC32 crc = new CRC32();
  private boolean committed;

  public AtomicFileWriter(Path target, String formatName, int version, byte[] segmentId)
      throws IOException {
    this.target = target;
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    this.temp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
    this.channel = FileChannel.open(temp, StandardOpenOption.WRITE);
    FileFormat.writeHeader(buffer, formatName, version, segmentId);
  }

  public AtomicFileWriter writeByte(int v) throws IOException {
    ensure(1);
    buffer.put((byte) v);
    return this;
  }

  public AtomicFileWriter writeInt(int v) throws IOException {
    ensure(4);
    buffer.putInt(v);
    return this;
  }

  public AtomicFileWriter writeLong(long v) throws IOException {
    ensure(8);
    buffer.putLong(v);
    return this;
  }

  public AtomicFileWriter writeInts(int[] values, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      writeInt(values[i]);
    }
    return this;
  }

  /** Writes the remaining bytes of {@code src} (its byte order does not matter). */
  public AtomicFileWriter writeBytes(ByteBuffer src) throws IOException {
    ByteBuffer in = src.duplicate();
    while (in.hasRemaining()) {
      if (!buffer.hasRemaining()) {
        flushBuffer();
      }
      int n = Math.min(in.remaining(), buffer.remaining());
      ByteBuffer slice = in.duplicate();
      slice.limit(slice.position() + n);
      buffer.put(slice);
      in.position(in.position() + n);
    }
    return this;
  }

  public AtomicFileWriter writeFloats(float[] values, int from, int to) throws IOException {
    for (int i = from; i < to; i++) {
      ensure(4);
      buffer.putFloat(values[i]);
    }
    return this;
  }

  /** Bytes written so far, header included. */
  public long position() throws IOException {
    return channel.position() + buffer.position();
  }

  /** Writes the footer, fsyncs, and moves the file into place. */
  public void commit() throws IOException {
    ensure(FileFormat.FOOTER_LENGTH);
    crc.update(buffer.array(), 0, buffer.position());
    writeRaw();
    FileFormat.writeFooter(buffer, crc);
    writeRaw();
    channel.force(true);
    channel.close();
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
    }
    committed = true;
    syncDirectory(target.toAbsolutePath().getParent());
  }

  private void ensure(int bytes) throws IOException {
    if (buffer.remaining() < bytes) {
      flushBuffer();
    }
  }

  private void flushBuffer() throws IOException {
    crc.update(buffer.array(), 0, buffer.position());
    writeRaw();
  }

  private void writeRaw() throws IOException {
    buffer.flip();
    while (buffer.hasRemaining()) {
      channel.write(buffer);
    }
    buffer.clear();
  }

  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot fsync a directory; the rename itself is already durable there.
    }
  }

  @Override
  public void close() throws IOException {
    if (!committed) {
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(temp);
      }
    }
  }
}
