package io.quiver.benchmarks.flink;

import io.quiver.client.grpc.VersionedUpsert;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Freshness: the time from a write's acknowledgement to the first search on the node that returns
 * the point. A stream of requests of {@code batch} points goes out open loop at a fixed rate from
 * the plain gRPC client (the sink exposes no per-request acknowledgement hook); one seeded point of
 * each request is sampled, and when its request is acknowledged a prober thread searches (k = 10,
 * the point's own vector, in the node's collection service) until the point is among the hits.
 */
final class FreshnessRun {

  record Result(
      int dim,
      boolean durable,
      double pointsPerSecond,
      int samples,
      double p50Ms,
      double p99Ms,
      double maxMs) {}

  private FreshnessRun() {}

  static Result run(
      NodeUnderTest node,
      PlainUpserts client,
      String collection,
      float[][] vectors,
      int batch,
      double pointsPerSecond,
      boolean wait,
      long seed)
      throws InterruptedException {
    int samples = vectors.length / batch;
    long intervalNanos = (long) (batch * 1e9 / pointsPerSecond);
    long[] freshness = new long[samples];
    Arrays.fill(freshness, -1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    SplittableRandom random = new SplittableRandom(seed);
    ExecutorService probers = Executors.newFixedThreadPool(2);
    CountDownLatch acks = new CountDownLatch(samples);
    try {
      long t0 = System.nanoTime();
      for (int s = 0; s < samples && failure.get() == null; s++) {
        int from = s * batch;
        VersionedUpsert r = client.request(vectors, from, from + batch, wait);
        int sampled = from + random.nextInt(batch);
        int slot = s;
        long due = t0 + s * intervalNanos;
        for (long now = System.nanoTime(); now < due; now = System.nanoTime()) {
          LockSupport.parkNanos(due - now);
        }
        client.send(
            r,
            ackNanos -> {
              probers.execute(
                  () ->
                      freshness[slot] =
                          probe(node, collection, vectors[sampled], sampled, ackNanos, failure));
              acks.countDown();
            },
            failure);
      }
      if (!acks.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("requests not acknowledged within 60 s");
      }
    } finally {
      probers.shutdown();
      probers.awaitTermination(60, TimeUnit.SECONDS);
    }
    if (failure.get() != null) {
      throw new IllegalStateException("freshness run failed", failure.get());
    }
    long[] sorted = freshness.clone();
    Arrays.sort(sorted);
    if (sorted[0] < 0) {
      throw new IllegalStateException("a sampled point was never probed");
    }
    return new Result(
        vectors[0].length,
        wait,
        pointsPerSecond,
        samples,
        percentile(sorted, 0.50) / 1e6,
        percentile(sorted, 0.99) / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }

  /** Nanoseconds from {@code ackNanos} until a search returns {@code id}; 10 s at most. */
  private static long probe(
      NodeUnderTest node,
      String collection,
      float[] vector,
      long id,
      long ackNanos,
      AtomicReference<Throwable> failure) {
    long deadline = ackNanos + TimeUnit.SECONDS.toNanos(10);
    try {
      while (true) {
        boolean found = node.searchFinds(collection, vector, id);
        long now = System.nanoTime();
        if (found) {
          return now - ackNanos;
        }
        if (now > deadline) {
          throw new IllegalStateException(
              "point " + id + " not returned by a search 10 s after its ack");
        }
      }
    } catch (RuntimeException e) {
      failure.compareAndSet(null, e);
      return Long.MAX_VALUE;
    }
  }

  /** Nearest rank. */
  static long percentile(long[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
