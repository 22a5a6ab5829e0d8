package io.quiver.spark.read;

import io.quiver.engine.point.PointId;
import io.quiver.engine.point.ShardRouter;
import io.quiver.engine.snapshot.FileEntry;
import io.quiver.engine.snapshot.SegmentEntry;
import io.quiver.engine.snapshot.ShardEntry;
import io.quiver.engine.snapshot.store.StagedSegment;
import io.quiver.spark.HadoopConf;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;

/**
 * A read of one version: one input partition per segment, of the shards that can hold the ids when
 * the query names them (every writer of the format routes points with {@link ShardRouter}).
 */
final class QuiverScan implements Scan, Batch {

  private final CollectionVersion version;
  private final ReadOptions options;
  private final HadoopConf conf;
  private final StructType schema;
  private final IdPredicate ids;

  QuiverScan(
      CollectionVersion version,
      ReadOptions options,
      HadoopConf conf,
      StructType schema,
      IdPredicate ids) {
    this.version = version;
    this.options = options;
    this.conf = conf;
    this.schema = schema;
    this.ids = ids;
  }

  @Override
  public StructType readSchema() {
    return schema;
  }

  @Override
  public String description() {
    return "quiver "
        + version.layout
        + " version "
        + version.manifest.version()
        + (ids.isAll() ? "" : ", " + ids)
        + (options.filter == null ? "" : ", filter " + options.filter);
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public InputPartition[] planInputPartitions() {
    List<InputPartition> out = new ArrayList<>();
    String versionDir = version.layout.versionDir(version.manifest.version()).toString();
    Set<Integer> shards = shardsHolding(ids.ids());
    for (ShardEntry shard : version.manifest.shards()) {
      if (shards != null && !shards.contains(shard.shard())) {
        continue;
      }
      for (SegmentEntry segment : shard.segments()) {
        List<StagedSegment.StagedFile> files = new ArrayList<>();
        for (FileEntry f : segment.files()) {
          files.add(new StagedSegment.StagedFile(f.path(), f.size(), f.sha256()));
        }
        out.add(new SegmentInputPartition(versionDir, segment.dir(), segment.pointCount(), files));
      }
    }
    return out.toArray(new InputPartition[0]);
  }

  /** The shards {@code wanted} route to, or null for all (no id set). */
  private Set<Integer> shardsHolding(List<PointId> wanted) {
    if (wanted == null) {
      return null;
    }
    int shardCount = version.manifest.shards().size();
    Set<Integer> out = new HashSet<>();
    for (PointId id : wanted) {
      out.add(ShardRouter.shardOf(id, shardCount));
    }
    return out;
  }

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new SegmentReaderFactory(
        conf, schema, version.vectorNames, options.stringIds, ids, options.filter);
  }
}
