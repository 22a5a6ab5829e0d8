package io.quiver.engine.wal;

import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A shard's write-ahead log: records appended under consecutive sequence numbers, made durable on
 * request, replayed after a restart, and dropped file by file once the shard's flushed state covers
 * them. The byte layout is in {@code WalFormat}.
 *
 * <p>The shard appends and applies under its own lock, so that the order it applies operations in
 * is sequence order, and waits for durability outside that lock, so that concurrent writers share
 * one fsync (group commit):
 *
 * <pre>{@code
 * long seq;
 * synchronized (shard) {
 *   seq = wal.append(bytes);
 *   apply(seq, op);
 * }
 * if (wait) {
 *   wal.sync(seq);
 * }
 * }</pre>
 *
 * <p>Recovery and flushing: on start the shard calls {@link #replay} with the last sequence its
 * flushed state covers. Before it persists state covering sequence {@code S} it must {@link #sync}
 * {@code S} (otherwise a crash could leave state ahead of the log, which {@code replay} refuses),
 * and after persisting it may call {@link #truncateUpTo}{@code (S)}.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Sequences are consecutive and never reused: the first is 1 (or {@link
 *       WalOptions#startSequence()} for a new directory), and every file's header records where the
 *       log stood, so a log reopened after {@link #truncateUpTo} dropped all its records continues
 *       from its last sequence.
 *   <li>When {@link #sync} returns, every record up to the sequence given is fsynced. Records not
 *       synced may be lost in a crash, but only from the end: after a reopen the log is a prefix of
 *       what was appended, holding every synced record intact.
 *   <li>Opening cuts a torn tail (a frame a crash left half-written at the end of the newest file)
 *       and refuses anything else that is damaged with a {@link
 *       io.quiver.engine.store.CorruptFileException} naming the file and byte offset; no record is
 *       ever skipped (see {@code WalRecovery}).
 *   <li>All methods are thread-safe. One process at a time may open a directory (a file lock on
 *       {@code wal.lock} keeps others out).
 * </ul>
 *
 * <p>After an I/O error while writing or syncing, the state of the files is unknown (an fsync that
 * failed cannot be retried), so the log refuses further appends and syncs; reopening it recovers
 * what reached the disk.
 */
public final class Wal implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(Wal.class);
  static final String LOCK_FILE = "wal.lock";

  private final Path dir;
  private final WalOptions options;
  private final FileChannel lockChannel;

  /**
   * Guards {@link #syncing}, the role of the one thread at a time that fsyncs, deletes files or
   * closes. The role is taken before {@link #appendLock}. Syncers wait on this monitor while
   * another forces the file; when it finishes, all wake together, those it covered return, and one
   * of the others syncs everything appended meanwhile in one go.
   */
  private final Object syncState = new Object();

  private boolean syncing;

  private final ReentrantLock appendLock = new ReentrantLock();

  // Guarded by appendLock.
  private final List<WalSegment> segments;
  private final ByteBuffer buffer;
  private final CRC32 crc = new CRC32();
  private FileChannel active;
  private long activeSize;
  // Files rolled over while a syncer may still force them; the next syncer closes them.
  private final List<FileChannel> retired = new ArrayList<>();
  private boolean closed;

  // Written under appendLock.
  private volatile long lastSequence;
  private volatile IOException failure;

  private final AtomicLong durableSequence;
  private final AtomicLong syncCount = new AtomicLong();

  private Wal(
      Path dir,
      WalOptions options,
      FileChannel lockChannel,
      WalRecovery.Result recovered,
      FileChannel active) {
    this.dir = dir;
    this.options = options;
    this.lockChannel = lockChannel;
    this.segments = new ArrayList<>(recovered.segments());
    this.buffer =
        ByteBuffer.allocateDirect(options.writeBufferSize()).order(ByteOrder.LITTLE_ENDIAN);
    this.active = active;
    this.activeSize = recovered.lastFileEnd();
    this.lastSequence = recovered.lastSequence();
    this.durableSequence = new AtomicLong(recovered.lastSequence());
  }

  /**
   * Opens the log in {@code dir}, creating the directory and the first file when there are none,
   * and recovers it: every frame is checked, a torn tail is cut off, damage is refused.
   *
   * @throws io.quiver.engine.store.CorruptFileException when a file is damaged other than by a torn
   *     tail
   * @throws IllegalStateException when the directory is already open
   */
  public static Wal open(Path dir, WalOptions options) throws IOException {
    Files.createDirectories(dir);
    FileChannel lockChannel =
        FileChannel.open(
            dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileChannel active = null;
    boolean success = false;
    try {
      FileLock lock;
      try {
        lock = lockChannel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        throw new IllegalStateException(
            "WAL directory " + dir + " is already open, in this or another process");
      }
      WalRecovery.Result recovered = WalRecovery.recover(dir, options.startSequence());
      WalSegment newest = recovered.segments().get(recovered.segments().size() - 1);
      active = FileChannel.open(newest.path(), StandardOpenOption.WRITE);
      active.position(recovered.lastFileEnd());
      // What a killed process wrote may still be only in the page cache.
      active.force(false);
      Wal wal = new Wal(dir, options, lockChannel, recovered, active);
      LOG.info(
          "Opened WAL {}: {} file(s) from sequence {}, last sequence {}",
          dir,
          recovered.segments().size(),
          recovered.segments().get(0).firstSequence(),
          recovered.lastSequence());
      success = true;
      return wal;
    } finally {
      if (!success) {
        closeQuietly(active);
        closeQuietly(lockChannel);
      }
    }
  }

  /** Appends {@code record} and returns its sequence; see {@link #append(ByteBuffer)}. */
  public long append(byte[] record) throws IOException {
    return append(ByteBuffer.wrap(record));
  }

  /**
   * Appends the remaining bytes of {@code record} (its position does not move) under the next
   * sequence, {@link #lastSequence()} + 1, and returns that sequence. The record is buffered: it is
   * durable only once {@link #sync} covers it.
   *
   * @throws IllegalArgumentException when the record is larger than {@link
   *     WalOptions#maxRecordSize()}
   */
  public long append(ByteBuffer record) throws IOException {
    int length = record.remaining();
    if (length > options.maxRecordSize()) {
      throw new IllegalArgumentException(
          "WAL record is "
              + length
              + " bytes; the limit (WalOptions.maxRecordSize) is "
              + options.maxRecordSize());
    }
    int frameSize = WalFormat.FRAME_HEADER_LENGTH + length;
    appendLock.lock();
    try {
      ensureOpen();
      long sequence = lastSequence + 1;
      try {
        if (activeSize + frameSize > options.segmentSize() && sequence > newest().firstSequence()) {
          roll(sequence);
        }
        writeFrame(sequence, record, length);
      } catch (IOException | RuntimeException | Error e) {
        throw fail(e);
      }
      activeSize += frameSize;
      lastSequence = sequence;
      return sequence;
    } finally {
      appendLock.unlock();
    }
  }

  /**
   * Returns once every record up to {@code sequence} is fsynced. Concurrent callers share fsyncs:
   * one thread at a time forces the file, covering everything appended before it started, and the
   * callers it covered return without another.
   *
   * @throws IllegalArgumentException when {@code sequence} has not been appended
   */
  public void sync(long sequence) throws IOException {
    if (sequence <= durableSequence.get()) {
      return;
    }
    long last = lastSequence;
    if (sequence > last) {
      throw new IllegalArgumentException(
          "cannot sync WAL sequence " + sequence + ": the last appended is " + last);
    }
    if (!becomeSyncer(sequence)) {
      return; // another syncer covered it
    }
    try {
      FileChannel channel;
      long target;
      List<FileChannel> toClose;
      appendLock.lock();
      try {
        ensureOpen();
        try {
          flushBuffer();
        } catch (IOException | RuntimeException | Error e) {
          throw fail(e);
        }
        channel = active;
        target = lastSequence;
        toClose = takeRetired();
      } finally {
        appendLock.unlock();
      }
      try {
        channel.force(false);
      } catch (IOException | RuntimeException | Error e) {
        throw fail(e);
      }
      syncCount.incrementAndGet();
      durableSequence.accumulateAndGet(target, Math::max);
      closeAll(toClose);
    } finally {
      releaseSyncer();
    }
  }

  /**
   * Calls {@code handler} for every record with a sequence greater than {@code afterSequence}, in
   * sequence order, up to the last record appended before this call; records appended meanwhile are
   * not replayed. Every frame's checksum is checked again on the way.
   *
   * <p>Must not run concurrently with a {@link #truncateUpTo} that drops records it still has to
   * read.
   *
   * @throws IllegalArgumentException when records after {@code afterSequence} were already
   *     truncated away
   */
  public void replay(long afterSequence, RecordHandler handler) throws IOException {
    List<WalSegment> files;
    long limit;
    appendLock.lock();
    try {
      ensureOpen();
      long first = segments.get(0).firstSequence();
      if (afterSequence < first - 1) {
        throw new IllegalArgumentException(
            "cannot replay the WAL after sequence "
                + afterSequence
                + ": it was truncated and now starts at sequence "
                + first);
      }
      if (afterSequence > lastSequence) {
        // The caller's state holds records the log lost: continuing would reuse their sequences.
        throw new IllegalStateException(
            "cannot replay the WAL after sequence "
                + afterSequence
                + ": the log ends at sequence "
                + lastSequence
                + " (was state persisted before the WAL was synced up to it?)");
      }
      try {
        flushBuffer();
      } catch (IOException | RuntimeException | Error e) {
        throw fail(e);
      }
      limit = lastSequence;
      files = new ArrayList<>();
      for (int i = 0; i < segments.size(); i++) {
        long fileLast = i + 1 < segments.size() ? segments.get(i + 1).firstSequence() - 1 : limit;
        if (fileLast > afterSequence) {
          files.add(segments.get(i));
        }
      }
    } finally {
      appendLock.unlock();
    }
    for (int i = 0; i < files.size(); i++) {
      long fileLast = i + 1 < files.size() ? files.get(i + 1).firstSequence() - 1 : limit;
      replayFile(files.get(i), fileLast, afterSequence, handler);
    }
  }

  private static void replayFile(
      WalSegment segment, long fileLast, long afterSequence, RecordHandler handler)
      throws IOException {
    WalFileReader reader;
    try {
      reader = WalFileReader.open(segment.path());
    } catch (NoSuchFileException e) {
      throw new IllegalStateException(
          "WAL file " + segment.path() + " was truncated away while it was being replayed", e);
    }
    try (reader) {
      if (reader.firstSequence() != segment.firstSequence()) {
        throw reader.corrupt(
            0,
            "WAL header first sequence "
                + reader.firstSequence()
                + " does not match the file name's "
                + segment.firstSequence());
      }
      long sequence = segment.firstSequence();
      long pos = WalFormat.HEADER_LENGTH;
      while (sequence <= fileLast) {
        if (pos >= reader.size()) {
          throw reader.corrupt(pos, "WAL file ends before sequence " + sequence);
        }
        String problem = reader.checkFrame(pos);
        if (problem != null) {
          throw reader.corrupt(pos, problem);
        }
        if (reader.sequence() != sequence) {
          throw reader.corrupt(
              pos, "frame has sequence " + reader.sequence() + ", expected " + sequence);
        }
        if (sequence > afterSequence) {
          handler.accept(sequence, reader.payload());
        }
        pos += reader.frameSize();
        sequence++;
      }
    }
  }

  /**
   * Deletes the WAL files all of whose records have sequences up to {@code sequence}, which the
   * caller's flushed state covers. The file being written is never deleted, so records up to {@code
   * sequence} may remain in it, and {@link #firstSequence()} may stay at or below {@code sequence}.
   *
   * @throws IllegalArgumentException when {@code sequence} is beyond the last appended
   */
  public void truncateUpTo(long sequence) throws IOException {
    becomeSyncer(Long.MAX_VALUE);
    try {
      List<WalSegment> doomed = new ArrayList<>();
      List<FileChannel> toClose;
      appendLock.lock();
      try {
        ensureOpen();
        if (sequence > lastSequence) {
          throw new IllegalArgumentException(
              "cannot truncate the WAL up to sequence "
                  + sequence
                  + ": the last appended is "
                  + lastSequence);
        }
        while (segments.size() > 1 && segments.get(1).firstSequence() - 1 <= sequence) {
          doomed.add(segments.remove(0));
        }
        toClose = takeRetired();
      } finally {
        appendLock.unlock();
      }
      closeAll(toClose);
      // Oldest first, each deletion made durable before the next, so that a crash leaves the
      // remaining files contiguous.
      for (WalSegment segment : doomed) {
        Files.deleteIfExists(segment.path());
        WalFormat.syncDirectory(dir);
      }
      if (!doomed.isEmpty()) {
        LOG.debug("Deleted {} WAL file(s) up to sequence {}", doomed.size(), sequence);
      }
    } finally {
      releaseSyncer();
    }
  }

  /**
   * The sequence of the oldest record still in the log, or {@link #lastSequence()} + 1 when it
   * holds none.
   */
  public long firstSequence() {
    appendLock.lock();
    try {
      return segments.get(0).firstSequence();
    } finally {
      appendLock.unlock();
    }
  }

  /** The sequence of the last record appended, or the sequence before the first when none was. */
  public long lastSequence() {
    return lastSequence;
  }

  /** The highest sequence known to be fsynced. */
  public long durableSequence() {
    return durableSequence.get();
  }

  /** How many times the log has fsynced a file to make records durable (for metrics and tests). */
  public long syncCount() {
    return syncCount.get();
  }

  public Path directory() {
    return dir;
  }

  /** Hands buffered records to the OS, fsyncs them, and closes the files. */
  @Override
  public void close() throws IOException {
    becomeSyncer(Long.MAX_VALUE);
    try {
      appendLock.lock();
      try {
        if (closed) {
          return;
        }
        closed = true;
        IOException error = null;
        if (failure == null) {
          try {
            flushBuffer();
            active.force(false);
            syncCount.incrementAndGet();
            durableSequence.accumulateAndGet(lastSequence, Math::max);
          } catch (IOException e) {
            error = e;
          }
        }
        List<FileChannel> channels = takeRetired();
        channels.add(active);
        channels.add(lockChannel);
        for (FileChannel channel : channels) {
          try {
            channel.close();
          } catch (IOException e) {
            if (error == null) {
              error = e;
            } else {
              error.addSuppressed(e);
            }
          }
        }
        if (error != null) {
          throw error;
        }
      } finally {
        appendLock.unlock();
      }
    } finally {
      releaseSyncer();
    }
  }

  /**
   * Waits until this thread holds the syncer role and returns true, or returns false as soon as
   * {@code sequence} is durable (pass {@link Long#MAX_VALUE} to always take the role).
   */
  private boolean becomeSyncer(long sequence) throws InterruptedIOException {
    synchronized (syncState) {
      while (true) {
        if (sequence <= durableSequence.get()) {
          return false;
        }
        if (!syncing) {
          syncing = true;
          return true;
        }
        try {
          syncState.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while waiting for a WAL sync of " + dir);
        }
      }
    }
  }

  private boolean tryBecomeSyncer() {
    synchronized (syncState) {
      if (syncing) {
        return false;
      }
      syncing = true;
      return true;
    }
  }

  private void releaseSyncer() {
    synchronized (syncState) {
      syncing = false;
      syncState.notifyAll();
    }
  }

  // ---- under appendLock ----

  private WalSegment newest() {
    return segments.get(segments.size() - 1);
  }

  private void writeFrame(long sequence, ByteBuffer record, int length) throws IOException {
    int frameSize = WalFormat.FRAME_HEADER_LENGTH + length;
    if (frameSize > buffer.remaining()) {
      flushBuffer();
    }
    if (frameSize <= buffer.remaining()) {
      int at = buffer.position();
      buffer.putInt(length).putInt(0).putLong(sequence).put(record.duplicate());
      buffer.putInt(at + 4, WalFormat.frameCrc(crc, buffer, at, record));
      return;
    }
    // Larger than the buffer: straight to the file.
    ByteBuffer head =
        ByteBuffer.allocate(WalFormat.FRAME_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    head.putInt(length).putInt(0).putLong(sequence).flip();
    head.putInt(4, WalFormat.frameCrc(crc, head, 0, record));
    ByteBuffer[] parts = {head, record.duplicate()};
    while (parts[1].hasRemaining()) {
      active.write(parts);
    }
  }

  private void flushBuffer() throws IOException {
    buffer.flip();
    try {
      while (buffer.hasRemaining()) {
        active.write(buffer);
      }
    } finally {
      buffer.clear();
    }
  }

  /**
   * Starts a new file at {@code nextSequence}. The current file is fsynced first, so that no file
   * but the newest can ever end in a torn frame.
   */
  private void roll(long nextSequence) throws IOException {
    flushBuffer();
    active.force(false);
    syncCount.incrementAndGet();
    durableSequence.accumulateAndGet(nextSequence - 1, Math::max);
    Path path = WalFormat.createFile(dir, nextSequence);
    FileChannel next = FileChannel.open(path, StandardOpenOption.WRITE);
    next.position(WalFormat.HEADER_LENGTH);
    // A syncer may be forcing the old file right now; if so, the next syncer closes it.
    if (tryBecomeSyncer()) {
      try {
        active.close();
      } finally {
        releaseSyncer();
      }
    } else {
      retired.add(active);
    }
    active = next;
    activeSize = WalFormat.HEADER_LENGTH;
    segments.add(new WalSegment(path, nextSequence));
  }

  private List<FileChannel> takeRetired() {
    List<FileChannel> taken = new ArrayList<>(retired);
    retired.clear();
    return taken;
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IllegalStateException("WAL " + dir + " is closed");
    }
    IOException failed = failure;
    if (failed != null) {
      throw new IOException(
          "WAL " + dir + " failed earlier and accepts no more writes; reopen it to recover",
          failed);
    }
  }

  /** Records the first failure, after which the log refuses writes; returns what to throw. */
  private IOException fail(Throwable e) throws IOException {
    IOException io = e instanceof IOException ? (IOException) e : new IOException(e);
    if (failure == null) {
      failure = io;
      LOG.error("WAL {} failed; it accepts no more writes until reopened", dir, e);
    }
    if (e instanceof Error) {
      throw (Error) e;
    }
    if (e instanceof RuntimeException) {
      throw (RuntimeException) e;
    }
    return io;
  }

  private static void closeAll(List<FileChannel> channels) throws IOException {
    for (FileChannel channel : channels) {
      channel.close();
    }
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // Already failing; the first error is the one to report.
      }
    }
  }
}
