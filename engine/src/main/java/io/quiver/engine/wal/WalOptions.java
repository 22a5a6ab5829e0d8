package io.quiver.engine.wal;

/**
 * Settings of a {@link Wal}.
 *
 * @param segmentSize the size in bytes a WAL file may reach before appends roll over to a new one;
 *     a file holding a single record larger than this is allowed
 * @param maxRecordSize the largest record, in bytes, that {@link Wal#append} accepts
 * @param writeBufferSize bytes of records buffered before they are handed to the operating system;
 *     {@link Wal#sync} hands them over earlier
 * @param startSequence the sequence of the first record when the directory holds no WAL file yet,
 *     so that a new log can continue from a shard's flushed state; ignored when files exist (their
 *     headers say where the log stands)
 */
public record WalOptions(
    long segmentSize, int maxRecordSize, int writeBufferSize, long startSequence) {

  public static final long DEFAULT_SEGMENT_SIZE = 32L << 20;
  public static final int DEFAULT_MAX_RECORD_SIZE = 16 << 20;
  public static final int DEFAULT_WRITE_BUFFER_SIZE = 64 << 10;

  /** 32 MiB files, records up to 16 MiB, a 64 KiB write buffer, sequences starting at 1. */
  public static final WalOptions DEFAULT =
      new WalOptions(DEFAULT_SEGMENT_SIZE, DEFAULT_MAX_RECORD_SIZE, DEFAULT_WRITE_BUFFER_SIZE, 1);

  private static final long MIN_SEGMENT_SIZE = WalFormat.HEADER_LENGTH + 64;
  private static final long MAX_SEGMENT_SIZE = 1L << 30;

  public WalOptions {
    if (segmentSize < MIN_SEGMENT_SIZE || segmentSize > MAX_SEGMENT_SIZE) {
      throw new IllegalArgumentException(
          "wal segmentSize must be in ["
              + MIN_SEGMENT_SIZE
              + ", "
              + MAX_SEGMENT_SIZE
              + "] bytes; got "
              + segmentSize);
    }
    if (maxRecordSize < 0 || maxRecordSize > WalFormat.MAX_RECORD_SIZE) {
      throw new IllegalArgumentException(
          "wal maxRecordSize must be in [0, "
              + WalFormat.MAX_RECORD_SIZE
              + "] bytes; got "
              + maxRecordSize);
    }
    if (writeBufferSize < 4096 || writeBufferSize > (64 << 20)) {
      throw new IllegalArgumentException(
          "wal writeBufferSize must be in [4096, "
              + (64 << 20)
              + "] bytes; got "
              + writeBufferSize);
    }
    if (startSequence < 1) {
      throw new IllegalArgumentException("wal startSequence must be >= 1; got " + startSequence);
    }
  }

  public WalOptions withSegmentSize(long bytes) {
    return new WalOptions(bytes, maxRecordSize, writeBufferSize, startSequence);
  }

  public WalOptions withMaxRecordSize(int bytes) {
    return new WalOptions(segmentSize, bytes, writeBufferSize, startSequence);
  }

  public WalOptions withWriteBufferSize(int bytes) {
    return new WalOptions(segmentSize, maxRecordSize, bytes, startSequence);
  }

  public WalOptions withStartSequence(long sequence) {
    return new WalOptions(segmentSize, maxRecordSize, writeBufferSize, sequence);
  }
}
