package io.quiver.engine.snapshot.store;

import io.quiver.engine.accel.Accelerator;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.point.Point;
import io.quiver.engine.segment.SegmentBuilder;
import io.quiver.engine.segment.SegmentId;
import io.quiver.engine.segment.SegmentMeta;
import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * The segments one task builds on its local disk: one {@link SegmentBuilder} per shard the task
 * sees (normally exactly one), each deduplicating by id with the highest version winning. Knows
 * nothing of Spark, so a Flink bounded build can use it as it is.
 */
public final class ShardedBuild implements Closeable {

  /** A finished segment in the local work folder. */
  public record BuiltSegment(int shard, SegmentId id, Path dir, int pointCount) {}

  private final Path workDir;
  private final CollectionConfig config;
  private final List<SegmentMeta.IndexedField> payloadIndexes;
  private final int threads;
  private final IntFunction<SegmentId> segmentIds;
  private final Map<Integer, SegmentBuilder> builders = new TreeMap<>();

  /**
   * @param workDir a local folder of this build's own, created if needed and deleted by {@link
   *     #close}
   * @param segmentIds the id of the segment of each shard
   */
  public ShardedBuild(
      Path workDir,
      CollectionConfig config,
      List<SegmentMeta.IndexedField> payloadIndexes,
      int threads,
      IntFunction<SegmentId> segmentIds) {
    this.workDir = workDir;
    this.config = config;
    this.payloadIndexes = List.copyOf(payloadIndexes);
    this.threads = threads;
    this.segmentIds = segmentIds;
  }

  public CollectionConfig config() {
    return config;
  }

  public void add(int shard, Point point, long version) {
    SegmentBuilder builder = builders.get(shard);
    if (builder == null) {
      SegmentId id = segmentIds.apply(shard);
      Path dir = workDir.resolve("shard-" + shard).resolve(id.toString());
      builder = new SegmentBuilder(dir, config, payloadIndexes, threads, id);
      builders.put(shard, builder);
    }
    builder.add(point, version);
  }

  /** How many shards this task has points for. */
  public int shardCount() {
    return builders.size();
  }

  /** Writes every segment on the CPU; the build cannot take points afterwards. */
  public List<BuiltSegment> finish() throws IOException {
    return finish(null);
  }

  /**
   * Writes every segment, building graphs with {@code accelerator} where it pays ({@link
   * SegmentBuilder#withAccelerator}); null means the CPU. The build cannot take points afterwards.
   */
  public List<BuiltSegment> finish(Accelerator accelerator) throws IOException {
    List<BuiltSegment> out = new ArrayList<>(builders.size());
    for (Map.Entry<Integer, SegmentBuilder> e : builders.entrySet()) {
      SegmentBuilder builder = e.getValue().withAccelerator(accelerator);
      SegmentMeta meta = builder.finish();
      Path dir = workDir.resolve("shard-" + e.getKey()).resolve(builder.id().toString());
      out.add(new BuiltSegment(e.getKey(), builder.id(), dir, meta.pointCount()));
    }
    return out;
  }

  /** Deletes the local work folder. */
  @Override
  public void close() throws IOException {
    builders.clear();
    if (!Files.exists(workDir)) {
      return;
    }
    try (var walk = Files.walk(workDir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
