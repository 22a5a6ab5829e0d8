package io.quiver.engine.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Many threads appending and syncing as a shard does: records intact, fsyncs shared. */
class WalGroupCommitTest {

  private static final int THREADS = 8;
  private static final int PER_THREAD = 300;

  @TempDir Path dir;

  /** Large files: fsyncs come from sync calls; tiny files: rolls race with syncers too. */
  @ParameterizedTest
  @ValueSource(longs = {1 << 20, 4096})
  void concurrentWritersShareFsyncsAndEveryRecordReplaysInOrder(long segmentSize) throws Exception {
    WalOptions options = WalOptions.DEFAULT.withSegmentSize(segmentSize);
    Object shard = new Object();
    AtomicLong syncCalls = new AtomicLong();
    try (Wal wal = Wal.open(dir, options)) {
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      try {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        for (int t = 0; t < THREADS; t++) {
          int thread = t;
          futures.add(
              pool.submit(
                  () -> {
                    start.await();
                    for (int i = 0; i < PER_THREAD; i++) {
                      long sequence;
                      synchronized (shard) {
                        sequence = wal.append(payload(thread, i));
                      }
                      wal.sync(sequence);
                      syncCalls.incrementAndGet();
                      assertTrue(wal.durableSequence() >= sequence);
                    }
                    return null;
                  }));
        }
        start.countDown();
        for (Future<?> future : futures) {
          future.get(60, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      System.out.printf(
          "group commit, %d-byte files: %d sync calls, %d fsyncs%n",
          segmentSize, syncCalls.get(), wal.syncCount());
      if (segmentSize == 1 << 20) {
        assertTrue(
            wal.syncCount() < syncCalls.get(),
            wal.syncCount() + " fsyncs for " + syncCalls.get() + " sync calls");
      }
      assertAllRecords(wal);
    }
    try (Wal wal = Wal.open(dir, options)) {
      assertAllRecords(wal);
    }
  }

  private static void assertAllRecords(Wal wal) throws IOException {
    int[] next = new int[THREADS];
    long[] expectedSequence = {1};
    wal.replay(
        0,
        (sequence, record) -> {
          assertEquals(expectedSequence[0]++, sequence);
          ByteBuffer in = record.duplicate();
          int thread = in.getInt(0);
          int i = in.getInt(4);
          // Each thread's records appear in the order it appended them.
          assertEquals(next[thread]++, i, "thread " + thread);
          assertArrayEquals(payload(thread, i), TestRecords.toArray(record));
        });
    for (int t = 0; t < THREADS; t++) {
      assertEquals(PER_THREAD, next[t]);
    }
    assertEquals((long) THREADS * PER_THREAD, wal.lastSequence());
  }

  private static byte[] payload(int thread, int i) {
    SplittableRandom random = new SplittableRandom(thread * 1_000_003L + i);
    byte[] bytes = new byte[8 + random.nextInt(600)];
    random.nextBytes(bytes);
    ByteBuffer.wrap(bytes).putInt(thread).putInt(i);
    return bytes;
  }
}
