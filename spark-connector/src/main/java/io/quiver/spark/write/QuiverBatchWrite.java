package io.quiver.spark.write;

import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.snapshot.SnapshotManifest;
import io.quiver.engine.snapshot.store.HadoopFiles;
import io.quiver.engine.snapshot.store.NodePublisher;
import io.quiver.engine.snapshot.store.StagedSegment;
import io.quiver.engine.snapshot.store.VersionCommit;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.DataWriterFactory;
import org.apache.spark.sql.connector.write.PhysicalWriteInfo;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of the build: hands the tasks their factory, then turns the committed attempts'
 * messages into a published version ({@link VersionCommit}), or deletes everything on abort.
 */
final class QuiverBatchWrite implements BatchWrite {

  private static final Logger LOG = LoggerFactory.getLogger(QuiverBatchWrite.class);

  private final WriteJob job;
  private final SnapshotManifest previous;

  QuiverBatchWrite(WriteJob job, SnapshotManifest previous) {
    this.job = job;
    this.previous = previous;
  }

  @Override
  public DataWriterFactory createBatchWriterFactory(PhysicalWriteInfo info) {
    if (info.numPartitions() != job.partitions()) {
      LOG.info(
          "{} write: {} tasks instead of the {} asked for; segments per shard will differ",
          job.layout(),
          info.numPartitions(),
          job.partitions());
    }
    return new SegmentWriterFactory(job);
  }

  /** Spark's commit coordinator lets exactly one attempt of each task commit. */
  @Override
  public boolean useCommitCoordinator() {
    return true;
  }

  @Override
  public void commit(WriterCommitMessage[] messages) {
    List<StagedSegment> segments = new ArrayList<>();
    Map<Integer, Long> partitions = new HashMap<>();
    long rows = 0;
    long skipped = 0;
    for (int i = 0; i < messages.length; i++) {
      if (!(messages[i] instanceof SegmentCommitMessage m)) {
        throw new IllegalStateException("task " + i + " sent no commit message: " + messages[i]);
      }
      Long other = partitions.put(m.partition(), m.taskAttemptId());
      if (other != null) {
        throw new IllegalStateException(
            "two commit messages for partition "
                + m.partition()
                + " (attempts "
                + other
                + " and "
                + m.taskAttemptId()
                + ")");
      }
      segments.addAll(m.segments());
      rows += m.rows();
      skipped += m.skipped();
    }
    CollectionConfig config = job.spec().resolve(agreedDimensions(segments));
    try {
      FileSystem fs = HadoopFiles.fileSystem(job.options().path, job.hadoopConf().get());
      SnapshotManifest manifest =
          new VersionCommit(fs, job.layout(), job.version(), job.jobId())
              .commit(
                  job.options().collection,
                  job.spec().manifestConfig(config),
                  job.shards(),
                  segments,
                  previous);
      LOG.info(
          "{} version {}: {} rows from {} tasks, {} points{}",
          job.layout(),
          manifest.version(),
          rows,
          messages.length,
          manifest.pointCount(),
          skipped == 0 ? "" : ", " + skipped + " bad rows skipped (on_error=skip)");
      if (job.options().publish != null) {
        publish(fs, manifest);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "committing version " + job.version() + " of " + job.layout() + " failed", e);
    }
  }

  /**
   * Asks the node to serve the version just committed and waits for the cut-over; a refusal fails
   * the job (the version stays on storage, published to nobody).
   */
  private void publish(FileSystem fs, SnapshotManifest manifest) {
    WriteOptions o = job.options();
    java.net.URI version = fs.makeQualified(job.layout().versionDir(manifest.version())).toUri();
    NodePublisher.Published served =
        new NodePublisher(
                o.publish, o.apiKey, java.time.Duration.ofSeconds(o.publishTimeoutSeconds))
            .publish(o.collection, version);
    LOG.info(
        "{} version {} published to {}: the node serves its version {} with {} points",
        job.layout(),
        manifest.version(),
        o.publish,
        served.version(),
        served.points());
  }

  /**
   * The vector sizes all segments were built with; tasks that learned them from their own first row
   * must agree.
   */
  private Map<String, Integer> agreedDimensions(List<StagedSegment> segments) {
    Map<String, Integer> sizes = new HashMap<>(job.spec().knownDimensions());
    for (String name : job.spec().vectorNames()) {
      Map<Integer, Integer> seen = new TreeMap<>();
      for (StagedSegment s : segments) {
        Integer size = s.dimensions().get(name);
        if (size != null) {
          seen.merge(size, 1, Integer::sum);
        }
      }
      if (seen.size() > 1) {
        throw new IllegalStateException(
            "quiver: tasks found different sizes for "
                + CollectionSpec.describe(name)
                + " (size: number of segments) "
                + seen
                + "; give option 'dimension' so that rows of the wrong size fail with their id");
      }
      if (!seen.isEmpty()) {
        sizes.put(name, seen.keySet().iterator().next());
      } else if (!sizes.containsKey(name)) {
        throw new IllegalStateException(
            "quiver: no row was written, so the size of "
                + CollectionSpec.describe(name)
                + " is unknown; give option 'dimension' (or 'dimensions') to write an empty"
                + " collection");
      }
    }
    return sizes;
  }

  @Override
  public void abort(WriterCommitMessage[] messages) {
    try {
      FileSystem fs = HadoopFiles.fileSystem(job.options().path, job.hadoopConf().get());
      new VersionCommit(fs, job.layout(), job.version(), job.jobId()).abort();
    } catch (IOException e) {
      LOG.warn("aborting {} version {} failed", job.layout(), job.version(), e);
    }
  }
}
