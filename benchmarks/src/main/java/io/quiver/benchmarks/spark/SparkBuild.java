package io.quiver.benchmarks.spark;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark side: one {@code local[T]} session (UI off, loopback) for the whole run, the base
 * vectors broadcast once, and timed writes of a DataFrame of points with {@code format("quiver")}.
 *
 * <p>What a write's time covers: from the call of {@code save()} to its return: planning, the first
 * stage (the input rows and the shuffle write that clusters them by id), the second stage (shuffle
 * read, then in each task the connector's {@code DataWriter}: rows to points, routing, the
 * segment's build on local disk, upload into the version folder with sha256) and the driver's
 * commit (checking every reported folder, {@code manifest.json}, {@code _SUCCESS}). The session's
 * start and the broadcast are not timed: a Spark job finds them done.
 */
final class SparkBuild implements AutoCloseable {

  /** The name prefix of Spark's task threads in local mode, for the profile. */
  static final String THREAD_PREFIX = "Executor task launch worker";

  /**
   * @param seconds wall time of {@code save()}
   * @param planningSeconds from the call to the first job's start
   * @param commitSeconds from the last job's end to the return of {@code save()}
   * @param stages the stages in the order they ran
   */
  record Result(
      double seconds,
      double planningSeconds,
      double commitSeconds,
      List<StageMetrics.Stage> stages,
      Path versionRoot) {

    double taskCpuSeconds() {
      double cpu = 0;
      for (StageMetrics.Stage s : stages) {
        cpu += s.cpuSeconds;
      }
      return cpu;
    }
  }

  private final SparkSession spark;
  private final StageMetrics metrics = new StageMetrics();
  private final Broadcast<float[][]> vectors;
  private final int dimension;

  SparkBuild(int threads, Path localDir, float[][] base) {
    this.spark =
        SparkSession.builder()
            .master("local[" + threads + "]")
            .appName("quiver-spark-build-bench")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.local.dir", localDir.toString())
            .getOrCreate();
    spark.sparkContext().addSparkListener(metrics);
    this.vectors = JavaSparkContext.fromSparkContext(spark.sparkContext()).broadcast(base);
    this.dimension = base[0].length;
  }

  /** Spark's version, for the report. */
  String version() {
    return spark.version();
  }

  /** Points {@code 0 .. n-1} as a DataFrame of {@code partitions} partitions (nothing runs yet). */
  Dataset<Row> points(int n, int partitions) {
    return spark
        .range(0, n, 1, partitions)
        .mapPartitions(new PointRows(vectors), Encoders.row(PointRows.SCHEMA));
  }

  /**
   * The input alone: the same DataFrame written to Spark's {@code noop} sink, which consumes every
   * row and writes nothing; returns its wall time in seconds.
   */
  double inputOnly(int n, int partitions) {
    long start = System.nanoTime();
    points(n, partitions).write().format("noop").mode(SaveMode.Overwrite).save();
    return (System.nanoTime() - start) / 1e9;
  }

  /**
   * Writes points {@code 0 .. n-1} as a new collection {@code collection} under {@code root}
   * ({@code mode("overwrite")}), {@code shards} shards, every other option at its default.
   */
  Result write(int n, int partitions, int shards, String distance, Path root, String collection)
      throws InterruptedException {
    Dataset<Row> df = points(n, partitions);
    metrics.reset();
    long startMs = System.currentTimeMillis();
    long start = System.nanoTime();
    df.write()
        .format("quiver")
        .option("path", root.toUri().toString())
        .option("collection", collection)
        .option("distance", distance)
        .option("dimension", String.valueOf(dimension))
        .option("shards", String.valueOf(shards))
        .mode(SaveMode.Overwrite)
        .save();
    double seconds = (System.nanoTime() - start) / 1e9;
    long endMs = startMs + Math.round(seconds * 1e3);
    List<StageMetrics.Stage> stages = metrics.awaitJobsEnded(Duration.ofSeconds(60));
    return new Result(
        seconds,
        (metrics.firstJobStartMs() - startMs) / 1e3,
        (endMs - metrics.lastJobEndMs()) / 1e3,
        stages,
        root);
  }

  @Override
  public void close() {
    vectors.destroy();
    spark.stop();
  }
}
