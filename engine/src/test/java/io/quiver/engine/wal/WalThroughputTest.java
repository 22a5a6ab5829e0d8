package io.quiver.engine.wal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Prints append + sync throughput with 1 KiB records; informative only, nothing is asserted. */
class WalThroughputTest {

  private static final int RECORD = 1024;

  @TempDir Path dir;

  @Test
  void appendAndSyncThroughput() throws Exception {
    for (int threads : new int[] {1, 8}) {
      Path logDir = dir.resolve("threads-" + threads);
      try (Wal wal = Wal.open(logDir, WalOptions.DEFAULT)) {
        int perThread = threads == 1 ? 2000 : 1000;
        Object shard = new Object();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        long start = System.nanoTime();
        try {
          List<Future<?>> futures = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            futures.add(
                pool.submit(
                    () -> {
                      byte[] record = new byte[RECORD];
                      for (int i = 0; i < perThread; i++) {
                        long sequence;
                        synchronized (shard) {
                          sequence = wal.append(record);
                        }
                        wal.sync(sequence);
                      }
                      return null;
                    }));
          }
          for (Future<?> future : futures) {
            future.get(60, TimeUnit.SECONDS);
          }
        } finally {
          pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        long records = (long) threads * perThread;
        System.out.printf(
            "WAL append+sync, %d thread(s), %d-byte records: %.0f records/s (%d records, %d"
                + " fsyncs, %.2f s)%n",
            threads, RECORD, records / seconds, records, wal.syncCount(), seconds);
      }
    }
  }
}
