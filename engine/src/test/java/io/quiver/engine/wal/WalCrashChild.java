package io.quiver.engine.wal;

import java.nio.file.Path;

/**
 * The process {@link WalCrashTest} kills: appends {@link TestRecords} records from several threads,
 * syncs each, and prints its sequence once the sync has returned.
 *
 * <p>Arguments: WAL directory, threads, segment size, largest record.
 */
public final class WalCrashChild {

  /** Records kept behind the last acknowledged one when the child truncates its log. */
  static final long TRUNCATE_LAG = 150;

  private WalCrashChild() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    long segmentSize = Long.parseLong(args[2]);
    int maxRecord = Integer.parseInt(args[3]);
    Wal wal =
        Wal.open(dir, WalOptions.DEFAULT.withSegmentSize(segmentSize).withWriteBufferSize(8192));
    Object shard = new Object();
    synchronized (System.out) {
      System.out.println("ready " + wal.lastSequence());
      System.out.flush();
    }
    Thread[] writers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      writers[t] =
          new Thread(
              () -> {
                try {
                  while (true) {
                    long sequence;
                    synchronized (shard) {
                      long next = wal.lastSequence() + 1;
                      sequence = wal.append(TestRecords.record(next, maxRecord));
                      if (sequence != next) {
                        throw new IllegalStateException(
                            "append returned " + sequence + ", expected " + next);
                      }
                    }
                    wal.sync(sequence);
                    synchronized (System.out) {
                      System.out.println(sequence);
                      System.out.flush();
                    }
                    // As a shard would after a flush, so kills also land in file deletion.
                    if (sequence % 97 == 0 && sequence > TRUNCATE_LAG) {
                      wal.truncateUpTo(sequence - TRUNCATE_LAG);
                    }
                  }
                } catch (Throwable e) {
                  e.printStackTrace();
                  System.exit(1);
                }
              });
      writers[t].start();
    }
    for (Thread writer : writers) {
      writer.join();
    }
  }
}
