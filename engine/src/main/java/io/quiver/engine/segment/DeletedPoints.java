package io.quiver.engine.segment;

import io.quiver.engine.store.AtomicFileWriter;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.store.StreamingFileReader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Which offsets of a segment are deleted, and since which operation sequence. Searches read the
 * bits without locks; deletes come from the shard's single writer. A delete newer than the last
 * checkpoint keeps its sequence, so a checkpoint at sequence {@code s} can write exactly the
 * deletes up to {@code s}, and the log replayed after {@code s} re-applies the rest.
 *
 * <p>File layout (format {@value #FORMAT}, version 1, little-endian), inside {@code FileFormat}'s
 * header and CRC footer: {@code size int32} (offsets covered), {@code words int32}, then {@code
 * words x int64} bit words (bit {@code i % 64} of word {@code i / 64} set = offset {@code i}
 * deleted).
 */
public final class DeletedPoints {

  public static final String FORMAT = "quiver.deleted";
  public static final int VERSION = 1;

  /**
   * Deleted-points files are named {@code deleted-<sequence>.qv}, after the operation sequence they
   * hold the deletes up to; a segment folder in a snapshot holds at most one.
   */
  public static final String FILE_PREFIX = "deleted-";

  /** The name of the deleted-points file holding the deletes up to {@code sequence}. */
  public static String fileName(long sequence) {
    return FILE_PREFIX + sequence + ".qv";
  }

  private volatile AtomicLongArray words;
  private volatile int size;
  private int count;
  private final Map<Integer, Long> sinceCheckpoint = new ConcurrentHashMap<>();

  public DeletedPoints(int size) {
    this.size = size;
    this.words = new AtomicLongArray(wordsFor(size));
  }

  private static int wordsFor(int size) {
    return (size + 63) >>> 6;
  }

  /** Whether {@code offset} is deleted; safe to call from any thread. */
  public boolean isDeleted(int offset) {
    return (words.get(offset >>> 6) & (1L << offset)) != 0;
  }

  /** The number of deleted offsets. Writer thread only. */
  public int count() {
    return count;
  }

  public int size() {
    return size;
  }

  /** Grows to cover {@code newSize} offsets (mutable segments). Writer thread only. */
  public void grow(int newSize) {
    if (newSize <= size) {
      return;
    }
    if (wordsFor(newSize) > words.length()) {
      AtomicLongArray old = words;
      AtomicLongArray grown = new AtomicLongArray(Math.max(wordsFor(newSize), old.length() * 2));
      for (int i = 0; i < old.length(); i++) {
        grown.set(i, old.get(i));
      }
      words = grown;
    }
    size = newSize;
  }

  /** Marks {@code offset} deleted by the operation at {@code sequence}; false if it already was. */
  public boolean delete(int offset, long sequence) {
    if (offset < 0 || offset >= size) {
      throw new IndexOutOfBoundsException("offset " + offset + " of " + size);
    }
    if (isDeleted(offset)) {
      return false;
    }
    int w = offset >>> 6;
    words.set(w, words.get(w) | (1L << offset));
    count++;
    sinceCheckpoint.put(offset, sequence);
    return true;
  }

  /**
   * Whether {@code offset} was live as of {@code sequence}: not deleted, or deleted by a later
   * operation.
   */
  public boolean liveAsOf(int offset, long sequence) {
    if (!isDeleted(offset)) {
      return true;
    }
    Long at = sinceCheckpoint.get(offset);
    return at != null && at > sequence;
  }

  /** The deletes newer than {@code sequence}, offset to sequence. Writer thread only. */
  public Map<Integer, Long> deletesAfter(long sequence) {
    Map<Integer, Long> out = new java.util.HashMap<>();
    sinceCheckpoint.forEach(
        (offset, seq) -> {
          if (seq > sequence) {
            out.put(offset, seq);
          }
        });
    return out;
  }

  /** Writes the deletes up to {@code sequence} and forgets their sequences. Writer thread only. */
  public void checkpoint(Path file, byte[] segmentId, long sequence) throws IOException {
    writeAsOf(file, segmentId, sequence);
    for (Iterator<Long> it = sinceCheckpoint.values().iterator(); it.hasNext(); ) {
      if (it.next() <= sequence) {
        it.remove();
      }
    }
  }

  /**
   * Writes the deletes up to {@code sequence} to {@code file} (for a snapshot) and changes nothing
   * here; returns how many there are. Writer thread only.
   */
  public int writeAsOf(Path file, byte[] segmentId, long sequence) throws IOException {
    AtomicLongArray current = words;
    int n = wordsFor(size);
    long[] snapshot = new long[n];
    for (int i = 0; i < n; i++) {
      snapshot[i] = current.get(i);
    }
    sinceCheckpoint.forEach(
        (offset, seq) -> {
          if (seq > sequence) {
            snapshot[offset >>> 6] &= ~(1L << offset);
          }
        });
    int deleted = 0;
    try (AtomicFileWriter out = new AtomicFileWriter(file, FORMAT, VERSION, segmentId)) {
      out.writeInt(size).writeInt(n);
      for (long word : snapshot) {
        out.writeLong(word);
        deleted += Long.bitCount(word);
      }
      out.commit();
    }
    return deleted;
  }

  public static DeletedPoints read(Path file, int expectedSize) throws IOException {
    try (StreamingFileReader in = StreamingFileReader.open(file, FORMAT, VERSION, VERSION)) {
      int size = in.readInt();
      int n = in.readInt();
      if (size != expectedSize || n != wordsFor(size) || in.remaining() != 8L * n) {
        throw new CorruptFileException(
            file,
            "deleted-points file covers " + size + " offsets; the segment has " + expectedSize);
      }
      DeletedPoints deleted = new DeletedPoints(size);
      for (int i = 0; i < n; i++) {
        long word = in.readLong();
        deleted.words.set(i, word);
        deleted.count += Long.bitCount(word);
      }
      in.finish();
      if (n > 0 && (size & 63) != 0 && (deleted.words.get(n - 1) >>> (size & 63)) != 0) {
        throw new CorruptFileException(file, "bits set past the end of the segment");
      }
      return deleted;
    }
  }
}
