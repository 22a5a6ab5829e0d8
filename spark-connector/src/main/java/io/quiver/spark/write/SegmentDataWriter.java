package io.quiver.spark.write;

import io.quiver.engine.accel.Accelerator;
import io.quiver.engine.accel.AcceleratorOptions;
import io.quiver.engine.accel.Accelerators;
import io.quiver.engine.point.ShardRouter;
import io.quiver.engine.snapshot.store.HadoopFiles;
import io.quiver.engine.snapshot.store.SegmentStager;
import io.quiver.engine.snapshot.store.ShardedBuild;
import io.quiver.engine.snapshot.store.StagedSegment;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.TaskContext;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.WriterCommitMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One task attempt of the build: converts rows to points, routes each to its shard, builds the
 * segments locally with the engine, and on commit uploads them ({@link SegmentStager}) and reports
 * them. Abort deletes what the attempt uploaded.
 */
final class SegmentDataWriter implements DataWriter<InternalRow> {

  private static final Logger LOG = LoggerFactory.getLogger(SegmentDataWriter.class);

  private final WriteJob job;
  private final int partition;
  private final long taskAttemptId;
  private final RowConverter.Dimensions dimensions;
  private final String[] vectorNames;
  private ShardedBuild build;
  private SegmentStager stager;
  private long rows;
  private long skipped;

  /** Set when a test asks this attempt to die as if its executor were lost. */
  private boolean simulateLostExecutor;

  SegmentDataWriter(WriteJob job, int partition, long taskAttemptId) {
    this.job = job;
    this.partition = partition;
    this.taskAttemptId = taskAttemptId;
    this.dimensions = new RowConverter.Dimensions(job.spec().knownDimensions());
    this.vectorNames = job.converter().vectorNames();
  }

  @Override
  public void write(InternalRow row) throws IOException {
    RowConverter.Converted c;
    try {
      c = job.converter().convert(row, rows + skipped, dimensions, job.version());
    } catch (BadRowException e) {
      if (job.options().skipBadRows) {
        skipped++;
        if (skipped <= 3) {
          LOG.warn("skipping a bad row (on_error=skip): {}", e.getMessage());
        }
        return;
      }
      throw e;
    }
    if (build == null) {
      dimensions.learn(c.point());
      build = newBuild();
    }
    build.add(ShardRouter.shardOf(c.point().id(), job.shards()), c.point(), c.version());
    rows++;
  }

  private ShardedBuild newBuild() {
    String dir =
        job.options().localDir != null
            ? job.options().localDir
            : System.getProperty("java.io.tmpdir");
    Path work =
        Path.of(dir).resolve("quiver-" + job.jobId() + "-" + partition + "-" + taskAttemptId);
    return new ShardedBuild(
        work,
        job.spec().resolve(dimensions.sizes()),
        job.spec().payloadIndexes(),
        threads(),
        shard -> job.segmentId(partition, taskAttemptId, shard));
  }

  @Override
  public WriterCommitMessage commit() throws IOException {
    List<ShardedBuild.BuiltSegment> built;
    if (build == null) {
      built = List.of();
    } else {
      try (Accelerator accelerator = openAccelerator()) {
        built = build.finish(accelerator);
      }
    }
    if (built.size() > 1) {
      LOG.info(
          "task {} built {} segments (one per shard it saw): Spark's clustering by '{}' does not"
              + " match Quiver's shard routing for this id column (an int column, or UUID strings"
              + " not in canonical lowercase form); the result is correct, with more segments",
          partition,
          built.size(),
          job.options().idColumn);
    }
    FileSystem fs = HadoopFiles.fileSystem(job.options().path, job.hadoopConf().get());
    stager =
        new SegmentStager(
            fs, job.layout(), job.version(), job.jobId(), partition + "-" + taskAttemptId);
    List<StagedSegment> staged =
        stager.stage(built, dimensions.sizes(), uploaded -> maybeFail(uploaded));
    return new SegmentCommitMessage(partition, taskAttemptId, staged, rows, skipped);
  }

  /**
   * The accelerator this task builds with, or null for the CPU: the GPU Spark assigned the task
   * (its first {@code gpu} resource address), opened through the engine's {@link Accelerators}; a
   * task without one builds on the CPU unless the job demands {@code accelerator=cuda}.
   */
  private Accelerator openAccelerator() {
    String kind = job.options().accelerator;
    if (kind.equals("cpu")) {
      return null;
    }
    TaskContext task = TaskContext.get();
    ResourceInformation gpu = task == null ? null : task.resourcesJMap().get("gpu");
    String address = gpu == null || gpu.addresses().length == 0 ? null : gpu.addresses()[0];
    if (address == null && kind.equals("auto")) {
      return null;
    }
    int device;
    try {
      device = address == null ? 0 : Integer.parseInt(address.trim());
    } catch (NumberFormatException e) {
      throw new IllegalStateException(
          "task " + partition + " was given GPU address '" + address + "', not a device number");
    }
    return Accelerators.open(
        new AcceleratorOptions(kind, device, job.options().acceleratorMemory, threads()));
  }

  private int threads() {
    TaskContext task = TaskContext.get();
    return job.options().threads > 0 ? job.options().threads : task == null ? 1 : task.cpus();
  }

  /** Test-only failure injection, after the first file went up, so the attempt leaves debris. */
  private void maybeFail(int uploaded) throws IOException {
    if (uploaded != 1) {
      return;
    }
    TaskContext task = TaskContext.get();
    boolean once =
        partition == job.options().failOncePartition && task != null && task.attemptNumber() == 0;
    if (once || partition == job.options().failAlwaysPartition) {
      simulateLostExecutor = true;
      throw new IOException(
          "quiver test: injected failure in partition "
              + partition
              + ", attempt "
              + (task == null ? 0 : task.attemptNumber()));
    }
  }

  @Override
  public void abort() throws IOException {
    if (stager != null && !simulateLostExecutor) {
      stager.abort();
    }
    close();
  }

  @Override
  public void close() throws IOException {
    if (build != null) {
      build.close();
    }
  }

  @Override
  public CustomTaskMetric[] currentMetricsValues() {
    return WriteMetrics.values(rows, skipped);
  }
}
