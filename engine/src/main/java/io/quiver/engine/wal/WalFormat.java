package io.quiver.engine.wal;

import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.store.FileFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * The byte layout of a WAL file. A log is a directory of files named {@code
 * wal-<firstSequence>.log} (the sequence zero-padded to 20 digits, so names sort in sequence
 * order); each holds the records with consecutive sequences from its first sequence up to the next
 * file's first sequence minus one. All numbers are little-endian.
 *
 * <pre>
 * header:  magic          int32   0x51565246 ("QVRF", {@link FileFormat#MAGIC})
 *          nameLength     uint8   10
 *          name           "quiver.wal" (ASCII)
 *          version        int32   1
 *          firstSequence  int64   sequence of the file's first record; the log's last sequence
 *                                 before this file is firstSequence - 1, also when the file holds
 *                                 no record (so a log emptied by truncation still knows where it
 *                                 stood)
 *          headerCrc      int32   CRC32 of the header bytes before this field
 * frames:  length         int32   payload length n, 0 &lt;= n &lt;= 2^30
 *          crc            int32   CRC32 of length, sequence and payload (every frame byte but this
 *                                 field)
 *          sequence       int64   firstSequence + index of the frame in the file
 *          payload        n bytes
 * </pre>
 *
 * <p>A file has no footer: it grows by whole frames and is never rewritten. A new file appears
 * under its final name only complete with its header (written to a temporary file, fsynced and
 * renamed), and only after the previous file was fsynced, so every file but the last ends on a
 * whole frame. Only the last file can end in a torn frame, which recovery cuts off.
 */
final class WalFormat {

  static final String NAME = "quiver.wal";
  static final int VERSION = 1;
  static final int HEADER_LENGTH = 4 + 1 + NAME.length() + 4 + 8 + 4;
  static final int FRAME_HEADER_LENGTH = 4 + 4 + 8;

  /** The largest payload the format allows; {@link WalOptions#maxRecordSize()} is at most this. */
  static final int MAX_RECORD_SIZE = 1 << 30;

  private static final String PREFIX = "wal-";
  private static final String SUFFIX = ".log";
  private static final String TEMP_SUFFIX = ".tmp";

  private WalFormat() {}

  static String fileName(long firstSequence) {
    return String.format("%s%020d%s", PREFIX, firstSequence, SUFFIX);
  }

  /** The first sequence encoded in a WAL file's name, or -1 when the name is not a WAL file's. */
  static long parseFileName(String name) {
    int digits = name.length() - PREFIX.length() - SUFFIX.length();
    if (digits != 20 || !name.startsWith(PREFIX) || !name.endsWith(SUFFIX)) {
      return -1;
    }
    long value = 0;
    for (int i = PREFIX.length(); i < PREFIX.length() + digits; i++) {
      char c = name.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  /** Whether {@code name} is a temporary file left by a {@link #createFile} that did not finish. */
  static boolean isTempFile(String name) {
    return name.startsWith("." + PREFIX) && name.endsWith(TEMP_SUFFIX);
  }

  static ByteBuffer header(long firstSequence) {
    ByteBuffer out = ByteBuffer.allocate(HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(FileFormat.MAGIC)
        .put((byte) NAME.length())
        .put(NAME.getBytes(StandardCharsets.US_ASCII))
        .putInt(VERSION)
        .putLong(firstSequence);
    CRC32 crc = new CRC32();
    crc.update(out.array(), 0, out.position());
    out.putInt((int) crc.getValue());
    return out.flip();
  }

  /**
   * Checks a header ({@code in} holds its {@link #HEADER_LENGTH} bytes from position 0) and returns
   * the file's first sequence.
   */
  static long checkHeader(ByteBuffer in, Path file) throws CorruptFileException {
    in = in.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    if (in.limit() < HEADER_LENGTH) {
      throw new CorruptFileException(
          file,
          "WAL header is truncated: "
              + in.limit()
              + " bytes is shorter than the "
              + HEADER_LENGTH
              + "-byte header");
    }
    int magic = in.getInt(0);
    if (magic != FileFormat.MAGIC) {
      throw new CorruptFileException(
          file,
          String.format(
              "not a Quiver file: header magic is 0x%08x, expected 0x%08x",
              magic, FileFormat.MAGIC));
    }
    int nameLength = in.get(4) & 0xff;
    byte[] name = new byte[Math.min(nameLength, NAME.length())];
    in.get(5, name);
    String actualName = new String(name, StandardCharsets.US_ASCII);
    if (nameLength != NAME.length() || !actualName.equals(NAME)) {
      throw new CorruptFileException(
          file,
          "format is '" + actualName + "' (length " + nameLength + "), expected '" + NAME + "'");
    }
    CRC32 crc = new CRC32();
    crc.update(in.duplicate().position(0).limit(HEADER_LENGTH - 4));
    int expectedCrc = in.getInt(HEADER_LENGTH - 4);
    if ((int) crc.getValue() != expectedCrc) {
      throw new CorruptFileException(
          file,
          String.format(
              "WAL header checksum mismatch: header says 0x%08x, content is 0x%08x",
              expectedCrc, (int) crc.getValue()));
    }
    int version = in.getInt(5 + NAME.length());
    if (version != VERSION) {
      throw new CorruptFileException(
          file,
          "format '" + NAME + "' version " + version + " is not supported; expected " + VERSION);
    }
    long firstSequence = in.getLong(5 + NAME.length() + 4);
    if (firstSequence < 1) {
      throw new CorruptFileException(
          file, "WAL header first sequence must be >= 1; got " + firstSequence);
    }
    return firstSequence;
  }

  /**
   * CRC32 of a frame: the length and sequence fields of the {@link #FRAME_HEADER_LENGTH}-byte frame
   * header at {@code headAt} in {@code head}, then {@code payload}'s remaining bytes. Neither
   * buffer's position moves.
   */
  static int frameCrc(CRC32 crc, ByteBuffer head, int headAt, ByteBuffer payload) {
    crc.reset();
    crc.update(head.duplicate().limit(headAt + 4).position(headAt));
    crc.update(head.duplicate().limit(headAt + FRAME_HEADER_LENGTH).position(headAt + 8));
    crc.update(payload.duplicate());
    return (int) crc.getValue();
  }

  /**
   * Creates the WAL file starting at {@code firstSequence} in {@code dir}: header written to a
   * temporary file, fsynced, renamed into place, and the directory fsynced, so the file exists
   * under its name only with a whole header.
   */
  static Path createFile(Path dir, long firstSequence) throws IOException {
    Path target = dir.resolve(fileName(firstSequence));
    if (Files.exists(target)) {
      throw new IllegalStateException("WAL file already exists: " + target);
    }
    Path temp = dir.resolve("." + fileName(firstSequence) + TEMP_SUFFIX);
    boolean success = false;
    try (FileChannel channel =
        FileChannel.open(
            temp,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      ByteBuffer header = header(firstSequence);
      while (header.hasRemaining()) {
        channel.write(header);
      }
      channel.force(true);
      success = true;
    } finally {
      if (!success) {
        Files.deleteIfExists(temp);
      }
    }
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, target);
    }
    syncDirectory(dir);
    return target;
  }

  static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems cannot fsync a directory; the rename itself is already durable there.
    }
  }
}
