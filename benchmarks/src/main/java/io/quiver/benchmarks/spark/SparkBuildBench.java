package io.quiver.benchmarks.spark;

import io.quiver.benchmarks.data.Dataset;
import io.quiver.benchmarks.data.DatasetCatalog;
import io.quiver.benchmarks.data.Metric;
import io.quiver.benchmarks.report.ResultsFile;
import io.quiver.benchmarks.run.Options;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.store.FileTrees;
import io.quiver.engine.vector.VectorSimilarity;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Spark build benchmark (issue 6): a seeded synthetic set (the harness's Gaussian mixture,
 * {@code gmm-<points>-<dim>}) built into {@code shards} shards twice in one JVM, in alternation: by
 * the connector ({@code df.write().format("quiver")} on {@code local[T]}, see {@link SparkBuild})
 * and by the engine's {@code SegmentBuilder} alone with the same parallelism ({@link
 * InProcessBuild}). Reports wall time and points/s of each, their ratio (the target is Spark >= 0.8
 * x in-process), Spark's stage metrics, where the build threads' time went (JFR samples, {@link
 * PhaseProfile}) and recall@k of the written version at the default ef ({@link SegmentsRecall}).
 * Run by {@code benchmarks/spark-build.sh}; see {@code benchmarks/README.md}.
 */
public final class SparkBuildBench {

  static final String SECTION_KEY = "spark-build";
  static final String SECTION_TITLE = "## Spark build (issue 6)";
  static final String COLLECTION = "bench";

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("points", "1000000");
    DEFAULTS.put("dim", "128");
    DEFAULTS.put("shards", "8");
    DEFAULTS.put("threads", "2");
    DEFAULTS.put("rounds", "1");
    DEFAULTS.put("warmup-points", "20000");
    DEFAULTS.put("input-partitions", "0");
    DEFAULTS.put("queries", "1000");
    DEFAULTS.put("k", "10");
    DEFAULTS.put("profile-ms", "20");
    DEFAULTS.put("seed", "42");
    DEFAULTS.put("components", "64");
    DEFAULTS.put("data-dir", "");
    DEFAULTS.put("cache-dir", "");
    DEFAULTS.put("work-dir", "");
    DEFAULTS.put("results-md", "");
    DEFAULTS.put("command", "");
  }

  /** One measured pair of builds, and what was observed around each. */
  record Round(
      int number,
      boolean sparkFirst,
      InProcessBuild.Result inProcess,
      BuildObserver.Observed inProcessSeen,
      SparkBuild.Result spark,
      BuildObserver.Observed sparkSeen,
      double inputSeconds) {}

  /** What every build of the run is asked to do. */
  record Plan(
      int points,
      int shards,
      int threads,
      int partitions,
      int profileMs,
      VectorSimilarity similarity,
      CollectionConfig config) {}

  /** Recall and checks of the last round's outputs. */
  record Quality(
      double sparkRecall,
      double inProcessRecall,
      int segments,
      long points,
      double openSeconds,
      int minShardPoints,
      int maxShardPoints,
      long fullScanThresholdVectors) {}

  private SparkBuildBench() {}

  public static void main(String[] args) {
    try {
      run(args, System.out, System.err);
      System.exit(0);
    } catch (IllegalArgumentException | NoSuchFileException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  /** Runs the benchmark; returns the markdown it printed. */
  static String run(String[] args, PrintStream out, PrintStream log) throws Exception {
    Options o = Options.parse(args, DEFAULTS);
    int n = o.integer("points");
    int dim = o.integer("dim");
    int shards = o.integer("shards");
    int threads = o.integer("threads");
    int rounds = o.integer("rounds");
    int k = o.integer("k");
    int warmup = Math.min(o.nonNegative("warmup-points"), n);
    int partitions =
        o.nonNegative("input-partitions") == 0 ? shards : o.integer("input-partitions");
    int profileMs = o.nonNegative("profile-ms");
    String name = "gmm-" + n + "-" + dim;
    DatasetCatalog.checkName(name);
    String loadAtStart = loadAverage();
    log.printf(">> load average at start (1, 5, 15 min): %s%n", loadAtStart);

    long t = System.nanoTime();
    Dataset data =
        new DatasetCatalog(
                o.dataDir(),
                o.cacheDir(),
                o.longValue("seed"),
                o.integer("queries"),
                o.integer("components"))
            .load(name);
    log.printf(
        ">> %s: %,d x %d (%s), ground truth ready in %.1f s%n",
        name, n, dim, data.metric().label(), (System.nanoTime() - t) / 1e9);
    VectorSimilarity similarity =
        data.metric() == Metric.L2 ? VectorSimilarity.EUCLID : VectorSimilarity.DOT;
    CollectionConfig config = CollectionConfig.of(VectorParams.of(dim, similarity));

    Path work = Files.createTempDirectory(workDir(o), "spark-build-");
    List<Round> done = new ArrayList<>();
    Quality quality;
    String sparkVersion;
    try (SparkBuild spark = new SparkBuild(threads, work.resolve("spark-local"), data.base())) {
      sparkVersion = spark.version();
      Plan plan = new Plan(n, shards, threads, partitions, profileMs, similarity, config);
      if (warmup > 0) {
        warmUp(spark, data, warmup, plan, work, log);
      }
      for (int r = 1; r <= rounds; r++) {
        FileTrees.delete(work.resolve("round-" + (r - 1)));
        done.add(round(r, plan, spark, data, work, log));
      }
      Round last = done.get(done.size() - 1);
      quality = quality(last, config, data, n, shards, k, work);
      log.printf(
          ">> recall@%d at the default ef: Spark-built %.4f, in-process %.4f%n",
          k, quality.sparkRecall(), quality.inProcessRecall());
    } finally {
      FileTrees.delete(work);
    }

    String command = o.string("command").isBlank() ? "(not recorded)" : o.string("command");
    SparkBuildReport.Settings settings =
        new SparkBuildReport.Settings(
            command,
            data,
            shards,
            threads,
            partitions,
            k,
            warmup,
            profileMs,
            sparkVersion,
            loadAtStart,
            loadAverage());
    String markdown = SparkBuildReport.render(settings, done, quality);
    out.println(markdown);
    if (!o.string("results-md").isBlank()) {
      Path file = Path.of(o.string("results-md"));
      ResultsFile.write(file, SECTION_KEY, SECTION_TITLE + "\n\n" + markdown);
      log.println(">> updated " + file);
    }
    return markdown;
  }

  /**
   * One pair of builds into {@code work/round-<r>}, in-process first in odd rounds and Spark first
   * in even ones (ABBA: a drift in the machine's load cancels over pairs), then the input alone.
   */
  private static Round round(
      int r, Plan plan, SparkBuild spark, Dataset data, Path work, PrintStream log)
      throws IOException, InterruptedException {
    Path dir = Files.createDirectories(work.resolve("round-" + r));
    boolean sparkFirst = r % 2 == 0;
    InProcessBuild.Result in = null;
    SparkBuild.Result sp = null;
    BuildObserver.Observed inSeen = null;
    BuildObserver.Observed spSeen = null;
    int n = plan.points();
    for (int leg = 0; leg < 2; leg++) {
      boolean sparkLeg = (leg == 0) == sparkFirst;
      System.gc();
      BuildObserver observer =
          BuildObserver.start(
              plan.profileMs(), sparkLeg ? SparkBuild.THREAD_PREFIX : InProcessBuild.THREAD_PREFIX);
      if (sparkLeg) {
        sp =
            spark.write(
                n,
                plan.partitions(),
                plan.shards(),
                plan.similarity().apiName(),
                dir.resolve("spark"),
                COLLECTION);
        spSeen = observer.stop(work);
        log.printf(
            ">> round %d: Spark          %7.1f s  %,9.0f points/s%n",
            r, sp.seconds(), n / sp.seconds());
      } else {
        in =
            InProcessBuild.run(
                data.base(),
                n,
                plan.config(),
                plan.shards(),
                plan.threads(),
                dir.resolve("in-process"));
        inSeen = observer.stop(work);
        log.printf(
            ">> round %d: in-process     %7.1f s  %,9.0f points/s%n",
            r, in.seconds(), n / in.seconds());
      }
    }
    logUnclassified(spSeen.profile(), log);
    double input = spark.inputOnly(n, plan.partitions());
    log.printf(">> round %d: input alone    %7.1f s (noop sink)%n", r, input);
    return new Round(r, sparkFirst, in, inSeen, sp, spSeen, input);
  }

  /**
   * Runs both builds once on the first {@code points} points, untimed, so the measured builds do
   * not pay for class loading, JIT compilation and Spark's first job.
   */
  private static void warmUp(
      SparkBuild spark, Dataset data, int points, Plan plan, Path work, PrintStream log)
      throws IOException, InterruptedException {
    long start = System.nanoTime();
    Path dir = work.resolve("round-0");
    InProcessBuild.run(
        data.base(),
        points,
        plan.config(),
        plan.shards(),
        plan.threads(),
        dir.resolve("in-process"));
    spark.write(
        points,
        plan.partitions(),
        plan.shards(),
        plan.similarity().apiName(),
        dir.resolve("spark"),
        COLLECTION);
    spark.inputOnly(points, plan.partitions());
    log.printf(
        ">> warm-up on %,d points done in %.1f s%n", points, (System.nanoTime() - start) / 1e9);
  }

  /**
   * Opens the version the connector wrote (checking it holds every point, one segment per shard,
   * and the baseline's vector config, so the comparison is like for like) and measures recall of
   * both builds.
   */
  private static Quality quality(
      Round last, CollectionConfig config, Dataset data, int n, int shards, int k, Path work)
      throws IOException {
    Path versionDir = last.spark().versionRoot().resolve(COLLECTION).resolve("v1");
    long start = System.nanoTime();
    SegmentsRecall.Version version = SegmentsRecall.open(versionDir);
    double open = (System.nanoTime() - start) / 1e9;
    if (version.manifest().pointCount() != n || version.segmentCount() != shards) {
      throw new IllegalStateException(
          "the connector wrote "
              + version.manifest().pointCount()
              + " points in "
              + version.segmentCount()
              + " segments; expected "
              + n
              + " in "
              + shards);
    }
    if (!version.config().vectors().equals(config.vectors())) {
      throw new IllegalStateException(
          "the connector built with "
              + version.config().vectors()
              + ", the baseline with "
              + config.vectors());
    }
    double sparkRecall =
        SegmentsRecall.measure(version.segmentDirs(), version.config(), data, k, work);
    double inRecall = SegmentsRecall.measure(last.inProcess().segmentDirs(), config, data, k, work);
    int min = Integer.MAX_VALUE;
    int max = 0;
    for (int size : last.inProcess().shardSizes()) {
      min = Math.min(min, size);
      max = Math.max(max, size);
    }
    VectorParams params = config.vectors().get("");
    long threshold = params.hnsw().fullScanThresholdKb() * 1024 / (4L * params.size());
    return new Quality(
        sparkRecall,
        inRecall,
        version.segmentCount(),
        version.manifest().pointCount(),
        open,
        min,
        max,
        threshold);
  }

  /** The innermost frames most often sampled in {@link BuildPhase#OTHER}, to check the rules. */
  private static void logUnclassified(PhaseProfile.Result profile, PrintStream log) {
    if (profile == null || profile.otherPhaseTopFrames().isEmpty()) {
      return;
    }
    log.println(
        ">> Spark task samples in 'other', by innermost own frame (the five most frequent):");
    profile.otherPhaseTopFrames().entrySet().stream()
        .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
        .limit(5)
        .forEach(e -> log.printf("     %6d  %s%n", e.getValue(), e.getKey()));
  }

  private static Path workDir(Options o) throws IOException {
    String given = o.string("work-dir");
    Path dir = given.isBlank() ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(given);
    return Files.createDirectories(dir);
  }

  /** The first three fields of {@code /proc/loadavg}, or "unknown" where there is none. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields.length >= 3 ? fields[0] + ", " + fields[1] + ", " + fields[2] : "unknown";
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }
}
