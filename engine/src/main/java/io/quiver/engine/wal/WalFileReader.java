package io.quiver.engine.wal;

import io.quiver.engine.store.CorruptFileException;
import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.zip.CRC32;

/**
 * Reads one WAL file's frames through a window onto the heap. It checks the header on {@link #open}
 * and each frame's length and checksum on {@link #checkFrame}, and says what is wrong with a bad
 * frame; what a bad frame means (a torn tail or corruption) is for the caller to decide.
 */
final class WalFileReader implements Closeable {

  private static final int WINDOW_SIZE = 1 << 20;

  private final Path file;
  private final FileChannel channel;
  private final long size;
  private final long firstSequence;
  private final CRC32 crc = new CRC32();
  private ByteBuffer window = ByteBuffer.allocate(WINDOW_SIZE).order(ByteOrder.LITTLE_ENDIAN);
  private long windowStart;

  // The frame last accepted by checkFrame.
  private int frameLength;
  private long frameSequence;
  private int framePayloadAt;

  private WalFileReader(Path file, FileChannel channel, long size) throws IOException {
    this.file = file;
    this.channel = channel;
    this.size = size;
    window.limit(0);
    ByteBuffer head = ByteBuffer.allocate((int) Math.min(size, WalFormat.HEADER_LENGTH));
    readFully(head, 0);
    this.firstSequence = WalFormat.checkHeader(head.flip(), file);
  }

  /** Opens {@code file}, reading it up to its present size, and checks its header. */
  static WalFileReader open(Path file) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
    boolean success = false;
    try {
      WalFileReader reader = new WalFileReader(file, channel, channel.size());
      success = true;
      return reader;
    } finally {
      if (!success) {
        channel.close();
      }
    }
  }

  Path file() {
    return file;
  }

  /** The file's size when it was opened; bytes appended later are not read. */
  long size() {
    return size;
  }

  long firstSequence() {
    return firstSequence;
  }

  /**
   * Checks the frame at byte offset {@code pos}: returns null when it is whole and its checksum
   * matches (its fields are then available from {@link #length}, {@link #sequence} and {@link
   * #payload}), otherwise a description of what is wrong with it.
   */
  String checkFrame(long pos) throws IOException {
    long available = size - pos;
    if (available < WalFormat.FRAME_HEADER_LENGTH) {
      return "incomplete frame header: "
          + available
          + " of "
          + WalFormat.FRAME_HEADER_LENGTH
          + " bytes";
    }
    int at = load(pos, WalFormat.FRAME_HEADER_LENGTH);
    int length = window.getInt(at);
    if (length < 0 || length > WalFormat.MAX_RECORD_SIZE) {
      return "frame length " + length + " is outside [0, " + WalFormat.MAX_RECORD_SIZE + "]";
    }
    if (length > available - WalFormat.FRAME_HEADER_LENGTH) {
      return "incomplete frame: length "
          + length
          + " but only "
          + (available - WalFormat.FRAME_HEADER_LENGTH)
          + " bytes follow the frame header";
    }
    at = load(pos, WalFormat.FRAME_HEADER_LENGTH + length);
    int payloadAt = at + WalFormat.FRAME_HEADER_LENGTH;
    ByteBuffer payload = window.duplicate().limit(payloadAt + length).position(payloadAt);
    int actual = WalFormat.frameCrc(crc, window, at, payload);
    int expected = window.getInt(at + 4);
    if (actual != expected) {
      return String.format(
          "frame checksum mismatch: frame says 0x%08x, content is 0x%08x", expected, actual);
    }
    frameLength = length;
    frameSequence = window.getLong(at + 8);
    framePayloadAt = payloadAt;
    return null;
  }

  /** Total bytes of the frame last accepted by {@link #checkFrame}, header included. */
  int frameSize() {
    return WalFormat.FRAME_HEADER_LENGTH + frameLength;
  }

  long sequence() {
    return frameSequence;
  }

  /** The payload of the frame last accepted; valid until the next call on this reader. */
  ByteBuffer payload() {
    return window.duplicate().limit(framePayloadAt + frameLength).position(framePayloadAt).slice();
  }

  /**
   * Looks for a valid frame that starts after {@code badFrame} and could belong to the log: its
   * sequence is at least {@code expectedSequence} (the bad frame's) and no larger than the number
   * of whole frames that fit between. Returns its offset, or -1 when none exists, in which case
   * everything from {@code badFrame} on is a torn tail rather than damaged data.
   */
  long findValidFrameAfter(long badFrame, long expectedSequence) throws IOException {
    for (long pos = badFrame + 1; pos <= size - WalFormat.FRAME_HEADER_LENGTH; pos++) {
      int at = load(pos, WalFormat.FRAME_HEADER_LENGTH);
      int length = window.getInt(at);
      long sequence = window.getLong(at + 8);
      long maxSequence = expectedSequence + (pos - badFrame) / WalFormat.FRAME_HEADER_LENGTH;
      if (length >= 0
          && length <= size - pos - WalFormat.FRAME_HEADER_LENGTH
          && sequence >= expectedSequence
          && sequence <= maxSequence
          && checkFrame(pos) == null) {
        return pos;
      }
    }
    return -1;
  }

  /** Makes bytes [pos, pos + length) of the file available in the window; returns pos's index. */
  private int load(long pos, int length) throws IOException {
    if (pos >= windowStart && pos + length <= windowStart + window.limit()) {
      return (int) (pos - windowStart);
    }
    if (length > window.capacity()) {
      window = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    }
    window.clear().limit((int) Math.min(window.capacity(), size - pos));
    windowStart = pos;
    try {
      readFully(window, pos);
    } finally {
      window.flip();
    }
    return 0;
  }

  private void readFully(ByteBuffer dst, long pos) throws IOException {
    while (dst.hasRemaining()) {
      int n = channel.read(dst, pos);
      if (n < 0) {
        throw new EOFException(
            "WAL file " + file + " ended at offset " + pos + " while it was being read");
      }
      pos += n;
    }
  }

  /** A {@link CorruptFileException} about the byte at {@code offset}. */
  CorruptFileException corrupt(long offset, String problem) {
    return new CorruptFileException(file, problem + " at byte offset " + offset);
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }
}
