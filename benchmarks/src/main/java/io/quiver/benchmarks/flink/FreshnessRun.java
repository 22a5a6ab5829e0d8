package io.quiver.benchmarks.flink;

import io.quiver.flink.AcknowledgementListener;
import io.quiver.flink.QuiverRecord;
import io.quiver.flink.QuiverSink;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Freshness: the time from the sink's acknowledgement of a write to the first search on the node
 * that returns the point. A Flink job (local MiniCluster in this JVM) sends points {@code [0, n)}
 * at a fixed rate through {@link QuiverSink} (in a task of its own) with its default batching;
 * every {@code every}-th point is sampled, and when the sink's {@link AcknowledgementListener}
 * hears of its request, a prober thread searches (k = 10, the point's own vector, in the node's
 * collection service) until the point is among the hits. The time includes that search.
 */
final class FreshnessRun {

  record Result(
      int dim,
      DeliveryGuarantee guarantee,
      double pointsPerSecond,
      int samples,
      double p50Ms,
      double p99Ms,
      double maxMs) {}

  /** The run in progress, shared with the listener on the job's task thread (same JVM). */
  private static volatile Probing current;

  private FreshnessRun() {}

  static Result run(
      NodeUnderTest node,
      String collection,
      float[][] vectors,
      int every,
      double pointsPerSecond,
      DeliveryGuarantee guarantee)
      throws Exception {
    Probing probing = new Probing(node, collection, vectors, every);
    current = probing;
    BenchVectors.set(vectors);
    try {
      Configuration conf = new Configuration();
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
      env.setParallelism(1);
      if (guarantee == DeliveryGuarantee.AT_LEAST_ONCE) {
        env.enableCheckpointing(1_000);
      }
      QuiverSink<Long> sink =
          QuiverSink.<Long>builder()
              .setAddresses(node.address())
              .setCollection(collection)
              .setDeliveryGuarantee(guarantee)
              .setRecordConverter(i -> QuiverRecord.upsert(i, BenchVectors.get(i), 1L))
              .setAcknowledgementListener(FreshnessRun::acknowledged)
              .build();
      env.fromSource(
              new DataGeneratorSource<>(
                  i -> i,
                  vectors.length,
                  RateLimiterStrategy.perSecond(pointsPerSecond),
                  Types.LONG),
              WatermarkStrategy.noWatermarks(),
              "points")
          .sinkTo(sink)
          .name("quiver")
          // Its own task: the source's rate limiter sleeps on its task thread, and the sink hears
          // of acknowledgements through its task's mailbox.
          .disableChaining();
      env.execute("quiver sink freshness");
      return probing.result(guarantee, pointsPerSecond);
    } finally {
      probing.probers.shutdownNow();
      current = null;
    }
  }

  /** The listener: hands every sampled point of an acknowledged request to a prober. */
  private static void acknowledged(AcknowledgementListener.Acknowledgement ack) {
    Probing probing = current;
    for (Object id : ack.ids()) {
      long i = (Long) id;
      if (i % probing.every == 0) {
        probing.probers.execute(() -> probing.probe((int) i, ack.ackNanos()));
      }
    }
  }

  private static final class Probing {
    final NodeUnderTest node;
    final String collection;
    final float[][] vectors;
    final int every;
    final long[] freshness;
    final AtomicInteger probed = new AtomicInteger();
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    final ExecutorService probers = Executors.newFixedThreadPool(2);

    Probing(NodeUnderTest node, String collection, float[][] vectors, int every) {
      this.node = node;
      this.collection = collection;
      this.vectors = vectors;
      this.every = every;
      this.freshness = new long[(vectors.length + every - 1) / every];
      Arrays.fill(freshness, -1);
    }

    /** Searches until point {@code id} is returned; 10 s at most. */
    void probe(int id, long ackNanos) {
      long deadline = ackNanos + TimeUnit.SECONDS.toNanos(10);
      try {
        while (true) {
          boolean found = node.searchFinds(collection, vectors[id], id);
          long now = System.nanoTime();
          if (found) {
            freshness[id / every] = now - ackNanos;
            probed.incrementAndGet();
            return;
          }
          if (now > deadline) {
            throw new IllegalStateException(
                "point " + id + " not returned by a search 10 s after its ack");
          }
        }
      } catch (RuntimeException e) {
        failure.compareAndSet(null, e);
      }
    }

    Result result(DeliveryGuarantee guarantee, double pointsPerSecond) throws InterruptedException {
      probers.shutdown();
      if (!probers.awaitTermination(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException("probes still running after 60 s");
      }
      if (failure.get() != null) {
        throw new IllegalStateException("freshness run failed", failure.get());
      }
      long[] sorted = freshness.clone();
      Arrays.sort(sorted);
      if (sorted[0] < 0) {
        throw new IllegalStateException(
            (freshness.length - probed.get()) + " sampled points were never acknowledged");
      }
      return new Result(
          vectors[0].length,
          guarantee,
          pointsPerSecond,
          sorted.length,
          percentile(sorted, 0.50) / 1e6,
          percentile(sorted, 0.99) / 1e6,
          sorted[sorted.length - 1] / 1e6);
    }
  }

  /** Nearest rank. */
  static long percentile(long[] sorted, double q) {
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
