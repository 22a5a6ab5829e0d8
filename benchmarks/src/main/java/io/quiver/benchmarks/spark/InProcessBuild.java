package io.quiver.benchmarks.spark;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.ShardRouter;
import io.quiver.engine.segment.SegmentBuilder;
import io.quiver.engine.segment.SegmentId;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline: the engine's {@link SegmentBuilder} building the same points into the same shards
 * as the connector, in one process, with the parallelism of {@code local[T]} and nothing else.
 *
 * <p>Its shape is the connector's: every point is routed with {@link ShardRouter}; {@code T} worker
 * threads take the shards in order and each builds one shard's segment with one build thread, as a
 * Spark task does with the default {@code threads} option ({@code spark.task.cpus} = 1). Timed:
 * from the float vectors in memory to every segment finished on local disk, i.e. routing, making
 * the {@link Point}s (id, vector, empty payload), {@code add} and {@code finish} (HNSW graph and
 * every file). The connector's extra work (input rows, shuffle, row conversion, upload with sha256,
 * manifest commit) is what the Spark run adds on top.
 */
final class InProcessBuild {

  /** The name prefix of the worker threads, for the profile. */
  static final String THREAD_PREFIX = "baseline-build-";

  /**
   * @param seconds wall time of the build
   * @param cpuSeconds CPU time of the worker threads
   * @param segmentDirs the finished segments, one per shard, in shard order
   */
  record Result(double seconds, double cpuSeconds, List<Path> segmentDirs, int[] shardSizes) {}

  private InProcessBuild() {}

  /**
   * Builds points {@code 0 .. n-1} of {@code base} into {@code shards} segments under {@code dir}.
   */
  static Result run(
      float[][] base, int n, CollectionConfig config, int shards, int threads, Path dir)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    int[][] members = route(n, shards);
    AtomicLong cpuNanos = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(threads, namedThreads());
    List<Path> dirs = new ArrayList<>();
    try {
      List<Future<Path>> built = new ArrayList<>();
      for (int s = 0; s < shards; s++) {
        int shard = s;
        built.add(
            pool.submit(() -> buildShard(base, members[shard], config, shard, dir, cpuNanos)));
      }
      for (Future<Path> f : built) {
        dirs.add(f.get());
      }
    } catch (ExecutionException e) {
      throw new IOException("the in-process build failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    int[] sizes = new int[shards];
    for (int s = 0; s < shards; s++) {
      sizes[s] = members[s].length;
    }
    return new Result(seconds, cpuNanos.get() / 1e9, dirs, sizes);
  }

  /** The ordinals of each shard, ascending, by {@link ShardRouter} as the connector routes. */
  static int[][] route(int n, int shards) {
    int[] shardOf = new int[n];
    int[] counts = new int[shards];
    for (int i = 0; i < n; i++) {
      shardOf[i] = ShardRouter.shardOf(PointId.of(i), shards);
      counts[shardOf[i]]++;
    }
    int[][] members = new int[shards][];
    for (int s = 0; s < shards; s++) {
      members[s] = new int[counts[s]];
    }
    int[] filled = new int[shards];
    for (int i = 0; i < n; i++) {
      members[shardOf[i]][filled[shardOf[i]]++] = i;
    }
    return members;
  }

  private static Path buildShard(
      float[][] base,
      int[] ordinals,
      CollectionConfig config,
      int shard,
      Path dir,
      AtomicLong cpuNanos)
      throws IOException {
    ThreadMXBean mx = ManagementFactory.getThreadMXBean();
    long cpuStart = mx.getCurrentThreadCpuTime();
    SegmentId id = SegmentId.random();
    Path segmentDir = dir.resolve("shard-" + shard).resolve(id.toString());
    SegmentBuilder builder = new SegmentBuilder(segmentDir, config, List.of(), 1, id);
    for (int ordinal : ordinals) {
      builder.add(point(ordinal, base[ordinal]), 1);
    }
    builder.finish();
    cpuNanos.addAndGet(mx.getCurrentThreadCpuTime() - cpuStart);
    return segmentDir;
  }

  /** A point as the connector makes one from a row without payload columns. */
  private static Point point(int ordinal, float[] vector) {
    ObjectNode payload = JsonNodeFactory.instance.objectNode();
    return Point.of(PointId.of(ordinal), vector, payload);
  }

  private static java.util.concurrent.ThreadFactory namedThreads() {
    AtomicInteger next = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, THREAD_PREFIX + next.getAndIncrement());
      t.setDaemon(true);
      return t;
    };
  }
}
