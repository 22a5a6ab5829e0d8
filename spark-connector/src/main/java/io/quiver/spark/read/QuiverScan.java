package io.quiver.spark.read;

import io.quiver.engine.snapshot.FileEntry;
import io.quiver.engine.snapshot.SegmentEntry;
import io.quiver.engine.snapshot.ShardEntry;
import io.quiver.spark.HadoopConf;
import io.quiver.spark.store.StagedSegment;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.connector.read.Batch;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.connector.read.Scan;
import org.apache.spark.sql.types.StructType;

/** A read of one version: one input partition per segment. */
final class QuiverScan implements Scan, Batch {

  private final CollectionVersion version;
  private final ReadOptions options;
  private final HadoopConf conf;
  private final StructType schema;

  QuiverScan(CollectionVersion version, ReadOptions options, HadoopConf conf, StructType schema) {
    this.version = version;
    this.options = options;
    this.conf = conf;
    this.schema = schema;
  }

  @Override
  public StructType readSchema() {
    return schema;
  }

  @Override
  public String description() {
    return "quiver " + version.layout + " version " + version.manifest.version();
  }

  @Override
  public Batch toBatch() {
    return this;
  }

  @Override
  public InputPartition[] planInputPartitions() {
    List<InputPartition> out = new ArrayList<>();
    String versionDir = version.layout.versionDir(version.manifest.version()).toString();
    for (ShardEntry shard : version.manifest.shards()) {
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

  @Override
  public PartitionReaderFactory createReaderFactory() {
    return new SegmentReaderFactory(conf, schema, version.vectorNames, options.stringIds);
  }
}
