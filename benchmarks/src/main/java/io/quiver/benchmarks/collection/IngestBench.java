package io.quiver.benchmarks.collection;

import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.point.Point;
import io.quiver.engine.shard.OptimizationProgress;
import io.quiver.engine.store.FileTrees;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Upsert throughput: each case writes into a fresh collection, with {@code writers} threads taking
 * the next {@code batch} points in turn and calling {@code upsert(batch, wait)}, until every point
 * is written or the time budget is spent (the batch in flight then finishes). Points/s = points
 * written / wall time from the start signal until the last writer returns.
 *
 * <p>The background optimizer runs as it would for any user (default {@code optimizers_config}):
 * once the mutable segment passes {@code indexing_threshold} it builds an HNSW segment on the same
 * cores while the writers go on, which lowers the figure. The result says how many optimizations
 * ran during the timed window, so a reader can tell. Closing (which waits for an optimization in
 * flight) is not timed.
 */
final class IngestBench {

  /** One point of the matrix. */
  record Case(int batch, boolean waitDurable, int writers) {
    Case {
      if (batch < 1 || writers < 1) {
        throw new IllegalArgumentException(
            "batch and writers must be >= 1; got " + batch + " and " + writers);
      }
    }
  }

  /**
   * @param optimizations background optimizations (indexing, merges) that overlapped the timed
   *     window
   */
  record Result(
      String dataset, int dimension, Case c, long points, double seconds, int optimizations) {
    double pointsPerSecond() {
      return points / seconds;
    }
  }

  private final Path workDir;
  private final long budgetNanos;
  private final PrintStream log;

  IngestBench(Path workDir, long budgetMillis, PrintStream log) {
    this.workDir = workDir;
    this.budgetNanos = budgetMillis * 1_000_000L;
    this.log = log;
  }

  Result run(String dataset, CollectionConfig config, List<Point> points, Case c) throws Exception {
    Path dir = Files.createTempDirectory(workDir, "ingest-");
    try {
      Result r;
      try (QuiverCollection collection = QuiverCollection.create(dir, config)) {
        r = write(dataset, config.vector("").size(), collection, points, c);
      }
      log.printf(
          "  ingest %s batch %d wait=%b writers %d: %,d points in %.2f s = %,.0f points/s"
              + " (%d optimizations)%n",
          dataset,
          c.batch,
          c.waitDurable,
          c.writers,
          r.points,
          r.seconds,
          r.pointsPerSecond(),
          r.optimizations);
      return r;
    } finally {
      FileTrees.delete(dir);
    }
  }

  private Result write(
      String dataset, int dimension, QuiverCollection collection, List<Point> points, Case c)
      throws Exception {
    AtomicInteger nextBatch = new AtomicInteger();
    AtomicLong written = new AtomicLong();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> writers = new ArrayList<>();
    long[] start = new long[1];
    for (int w = 0; w < c.writers; w++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  go.await();
                  long deadline = start[0] + budgetNanos;
                  while (failure.get() == null && System.nanoTime() < deadline) {
                    int from = nextBatch.getAndIncrement() * c.batch;
                    if (from >= points.size()) {
                      return;
                    }
                    List<Point> batch =
                        points.subList(from, Math.min(points.size(), from + c.batch));
                    collection.upsert(batch, c.waitDurable);
                    written.addAndGet(batch.size());
                  }
                } catch (Throwable e) {
                  failure.compareAndSet(null, e);
                }
              },
              "ingest-writer-" + w);
      writers.add(t);
      t.start();
    }
    long startMillis = System.currentTimeMillis();
    start[0] = System.nanoTime();
    go.countDown();
    for (Thread t : writers) {
      t.join();
    }
    long elapsed = System.nanoTime() - start[0];
    long endMillis = System.currentTimeMillis();
    if (failure.get() != null) {
      throw new IllegalStateException("an ingest writer failed", failure.get());
    }
    int optimizations = 0;
    OptimizationProgress running = collection.runningOptimization();
    if (running != null && running.startedAtMillis() <= endMillis) {
      optimizations++;
    }
    for (OptimizationProgress p : collection.shard().optimizer().finished()) {
      if (p.startedAtMillis() <= endMillis && p.finishedAtMillis() >= startMillis) {
        optimizations++;
      }
    }
    return new Result(dataset, dimension, c, written.get(), elapsed / 1e9, optimizations);
  }
}
