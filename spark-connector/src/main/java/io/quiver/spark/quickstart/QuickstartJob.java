package io.quiver.spark.quickstart;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerStageSubmitted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark half of {@code quiver quickstart}: builds {@code .fvecs} files into collections with
 * the {@code quiver} data source on an embedded {@code local[*]} Spark, publishes each to a node,
 * and writes what it did as JSON for the command that started it.
 *
 * <pre>
 * QuickstartJob --lake DIR --publish http://127.0.0.1:6333 --report FILE [--shards N]
 *               [--full-scan-threshold KB] NAME:DISTANCE:FILE.fvecs ...
 * </pre>
 *
 * <p>Point ids are the row numbers of the file (as in the ground-truth files), and each point
 * carries the payload {@code {"row": i, "bucket": i % 10}} so that filters have something to match.
 */
public final class QuickstartJob {

  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.LongType, false)
          .add("vector", DataTypes.createArrayType(DataTypes.FloatType, false), false)
          .add("row", DataTypes.IntegerType, false)
          .add("bucket", DataTypes.IntegerType, false);

  /** One collection to build. */
  record Source(String collection, String distance, Path file) {
    static Source parse(String spec) {
      String[] parts = spec.split(":", 3);
      if (parts.length != 3) {
        throw new IllegalArgumentException(
            "expected NAME:DISTANCE:FILE.fvecs, e.g. sift5k:Euclid:sift5k_base.fvecs; got " + spec);
      }
      return new Source(parts[0], parts[1], Path.of(parts[2]));
    }
  }

  private QuickstartJob() {}

  public static void main(String[] args) throws IOException {
    Path lake = null;
    Path report = null;
    String publish = null;
    String shards = "2";
    String fullScanThreshold = null;
    List<Source> sources = new ArrayList<>();
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--lake" -> lake = Path.of(args[++i]);
        case "--report" -> report = Path.of(args[++i]);
        case "--publish" -> publish = args[++i];
        case "--shards" -> shards = args[++i];
        case "--full-scan-threshold" -> fullScanThreshold = args[++i];
        default -> sources.add(Source.parse(args[i]));
      }
    }
    if (lake == null || report == null || publish == null || sources.isEmpty()) {
      throw new IllegalArgumentException(
          "usage: QuickstartJob --lake DIR --publish URL --report FILE [--shards N]"
              + " [--full-scan-threshold KB] NAME:DISTANCE:FILE.fvecs ...");
    }

    long start = System.nanoTime();
    SparkSession spark =
        SparkSession.builder()
            .master("local[*]")
            .appName("quiver-quickstart")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.shuffle.partitions", shards)
            .getOrCreate();
    ArrayNode built = new ObjectMapper().createArrayNode();
    try {
      System.out.printf(
          Locale.ROOT,
          "Spark %s started (local[*], %d cores) in %.1f s%n",
          spark.version(),
          spark.sparkContext().defaultParallelism(),
          seconds(start));
      Progress progress = new Progress();
      spark.sparkContext().addSparkListener(progress);
      for (Source source : sources) {
        built.add(build(spark, source, lake, publish, shards, fullScanThreshold, progress));
      }
    } finally {
      spark.stop();
    }
    ObjectNode out = new ObjectMapper().createObjectNode();
    out.set("collections", built);
    Files.writeString(report, out.toPrettyString());
  }

  private static ObjectNode build(
      SparkSession spark,
      Source source,
      Path lake,
      String publish,
      String shards,
      String fullScanThreshold,
      Progress progress)
      throws IOException {
    FvecsFile file = FvecsFile.open(source.file());
    System.out.printf(
        Locale.ROOT,
        "Building %s: %,d x %d-d vectors (%s) into %s shards ...%n",
        source.collection(),
        file.rows(),
        file.dimension(),
        source.distance(),
        shards);
    progress.label = source.collection();
    long start = System.nanoTime();
    var writer =
        spark
            .range(0, file.rows(), 1, spark.sparkContext().defaultParallelism())
            .mapPartitions(file, Encoders.row(SCHEMA))
            .write()
            .format("quiver")
            .option("path", lake.toUri().toString())
            .option("collection", source.collection())
            .option("distance", source.distance())
            .option("shards", shards)
            .option("payload_indexes", "bucket:integer")
            .option("publish", publish)
            .mode(SaveMode.Overwrite);
    if (fullScanThreshold != null) {
      writer = writer.option("full_scan_threshold", fullScanThreshold);
    }
    writer.save();
    double seconds = seconds(start);
    System.out.printf(
        Locale.ROOT,
        "Built and published %s in %.1f s (%,.0f points/s)%n",
        source.collection(),
        seconds,
        file.rows() / seconds);
    return new ObjectMapper()
        .createObjectNode()
        .put("collection", source.collection())
        .put("points", file.rows())
        .put("dimension", file.dimension())
        .put("distance", source.distance())
        .put("seconds", seconds);
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** Prints a line as each task of the current build finishes, so a slow build shows movement. */
  private static final class Progress extends SparkListener {
    volatile String label = "";
    private volatile int stageTasks;
    private volatile int stageDone;

    @Override
    public void onStageSubmitted(SparkListenerStageSubmitted event) {
      stageTasks = event.stageInfo().numTasks();
      stageDone = 0;
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd event) {
      int done = ++stageDone;
      System.out.printf(
          Locale.ROOT,
          "  %s: stage %d, task %d/%d done (%s, %.1f s)%n",
          label,
          event.stageId(),
          done,
          stageTasks,
          event.taskInfo().successful() ? "ok" : "failed",
          event.taskInfo().duration() / 1000.0);
    }
  }
}
