package io.quiver.benchmarks.flink;

import io.quiver.benchmarks.data.GaussianMixture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * Issue 7's benchmark: sustained upsert throughput of {@code QuiverSink} against one node, beside a
 * plain gRPC client sending the same batches, and freshness (ack to visible in a search).
 *
 * <p>For each size ({@code <points>x<dim>}, seeded Gaussian mixture) the node gets a fresh
 * collection per run; the sink's job and the plain client alternate (sink first in even rounds).
 * Both are timed from their first point (the sink: the first record its converter reads; the plain
 * client: before its first request is built) to the moment the node's point count reaches n, seen
 * by a watcher polling it every 0.2 ms. An untimed warm-up of both on at most 10,000 points comes
 * first for each size.
 */
public final class FlinkSinkBench {

  static final String COLLECTION = "flink_bench";

  record Size(int points, int dim) {
    @Override
    public String toString() {
      return points + " x " + dim;
    }
  }

  record Options(
      List<Size> sizes,
      int rounds,
      int parallelism,
      long checkpointMs,
      int batch,
      int inFlight,
      double freshRate,
      int freshSamples,
      long seed,
      Path workDir,
      String resultsMd,
      String command) {}

  record Run(Size size, int round, String client, double seconds, double executeSeconds) {
    double pointsPerSecond() {
      return size.points() / seconds;
    }
  }

  public static void main(String[] args) throws Exception {
    run(parse(args));
    System.exit(0); // Flink's and gRPC's threads are not all daemons
  }

  /** Runs everything, prints the report, and writes it into the results file if one is set. */
  static String run(Options o) throws Exception {
    String loadStart = loadAverage();
    List<Run> runs = new ArrayList<>();
    List<FreshnessRun.Result> fresh = new ArrayList<>();
    Path work = Files.createTempDirectory(o.workDir(), "flink-sink-bench-");
    try (NodeUnderTest node = new NodeUnderTest(work.resolve("node"));
        PlainUpserts plain = new PlainUpserts(node.grpcPort(), COLLECTION)) {
      for (Size size : o.sizes()) {
        GaussianMixture gmm = new GaussianMixture(o.seed(), size.dim(), 64, false);
        float[][] vectors = gmm.base(size.points());
        // Long enough for both clients' paths to be compiled: with 10,000 points the sink's first
        // timed round ran at about two thirds of its later ones.
        float[][] warm = java.util.Arrays.copyOf(vectors, Math.min(100_000, vectors.length));
        System.err.printf(Locale.ROOT, ">> %s: warm-up%n", size);
        runSink(node, warm, o, size, -1);
        runPlain(node, plain, warm, o, size, -1);
        for (int r = 0; r < o.rounds(); r++) {
          boolean sinkFirst = r % 2 == 0;
          Run a =
              sinkFirst
                  ? runSink(node, vectors, o, size, r)
                  : runPlain(node, plain, vectors, o, size, r);
          Run b =
              sinkFirst
                  ? runPlain(node, plain, vectors, o, size, r)
                  : runSink(node, vectors, o, size, r);
          runs.add(a);
          runs.add(b);
        }
        float[][] freshVectors = gmm.queries(o.freshSamples() * o.batch());
        for (DeliveryGuarantee guarantee :
            new DeliveryGuarantee[] {DeliveryGuarantee.AT_LEAST_ONCE, DeliveryGuarantee.NONE}) {
          node.create(COLLECTION, size.dim(), true);
          FreshnessRun.Result f =
              FreshnessRun.run(node, COLLECTION, freshVectors, o.batch(), o.freshRate(), guarantee);
          System.err.printf(
              Locale.ROOT,
              ">> %s freshness %s: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n",
              size,
              guarantee.name(),
              f.p50Ms(),
              f.p99Ms(),
              f.maxMs());
          fresh.add(f);
          node.drop(COLLECTION);
        }
      }
    }
    String report = FlinkSinkReport.render(o, runs, fresh, loadStart, loadAverage());
    System.out.println(report);
    if (o.resultsMd() != null) {
      replaceSection(Path.of(o.resultsMd()), FlinkSinkReport.HEADING, report);
      System.err.println(">> wrote " + o.resultsMd());
    }
    return report;
  }

  private static Run runSink(NodeUnderTest node, float[][] vectors, Options o, Size size, int round)
      throws Exception {
    node.create(COLLECTION, size.dim(), false);
    BenchVectors.set(vectors);
    CountWatcher watcher = new CountWatcher(node, vectors.length);
    long execute =
        SinkJob.run(node.address(), COLLECTION, vectors.length, o.parallelism(), o.checkpointMs());
    long end = watcher.await();
    double seconds = (end - BenchVectors.firstRecordNanos()) / 1e9;
    node.drop(COLLECTION);
    Run run = new Run(new Size(vectors.length, size.dim()), round, "sink", seconds, execute / 1e9);
    log(run);
    return run;
  }

  private static Run runPlain(
      NodeUnderTest node, PlainUpserts plain, float[][] vectors, Options o, Size size, int round)
      throws Exception {
    node.create(COLLECTION, size.dim(), false);
    CountWatcher watcher = new CountWatcher(node, vectors.length);
    long start = System.nanoTime();
    plain.upsertAll(vectors, o.batch(), o.parallelism(), o.inFlight());
    long end = watcher.await();
    node.drop(COLLECTION);
    Run run =
        new Run(
            new Size(vectors.length, size.dim()),
            round,
            "plain gRPC",
            (end - start) / 1e9,
            Double.NaN);
    log(run);
    return run;
  }

  private static void log(Run r) {
    System.err.printf(
        Locale.ROOT,
        ">> %s %s%s: %.2f s, %.0f points/s%n",
        r.size(),
        r.client(),
        r.round() < 0 ? " (warm-up)" : " round " + r.round(),
        r.seconds(),
        r.pointsPerSecond());
  }

  /** Waits, on a thread of its own, for the node's count to reach n. */
  private static final class CountWatcher {
    private final Thread thread;
    private volatile long reachedNanos;
    private volatile RuntimeException failure;

    CountWatcher(NodeUnderTest node, long n) {
      thread =
          new Thread(
              () -> {
                try {
                  reachedNanos = node.awaitCount(COLLECTION, n, 600);
                } catch (RuntimeException e) {
                  failure = e;
                }
              },
              "count-watcher");
      thread.setDaemon(true);
      thread.start();
    }

    long await() throws InterruptedException {
      thread.join();
      if (failure != null) {
        throw failure;
      }
      return reachedNanos;
    }
  }

  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException e) {
      return "unknown";
    }
  }

  /** Replaces the "## ..." section {@code heading} of a markdown file, or appends it. */
  static void replaceSection(Path file, String heading, String section) throws IOException {
    String text = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    int start = text.indexOf(heading);
    if (start < 0) {
      text = text + (text.endsWith("\n") || text.isEmpty() ? "" : "\n") + "\n" + section;
    } else {
      int end = text.indexOf("\n## ", start + heading.length());
      text = text.substring(0, start) + section + (end < 0 ? "" : text.substring(end + 1));
    }
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  static Options parse(String[] args) {
    List<Size> sizes = List.of(new Size(200_000, 128), new Size(50_000, 768));
    int rounds = 2;
    int parallelism = 2;
    long checkpointMs = 1000;
    int batch = 256; // the sink's default maxBatchSize
    int inFlight = 4; // the sink's default maxInFlightRequests, per subtask
    double freshRate = 5000;
    int freshSamples = 200;
    long seed = 42;
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
    String results = null;
    String command = "benchmarks/flink-sink.sh";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      switch (a) {
        case "--quick" -> {
          sizes = List.of(new Size(20_000, 128), new Size(5_000, 768));
          rounds = 1;
          freshSamples = 40;
        }
        case "--sizes" -> sizes = parseSizes(args[++i]);
        case "--rounds" -> rounds = Integer.parseInt(args[++i]);
        case "--parallelism" -> parallelism = Integer.parseInt(args[++i]);
        case "--checkpoint-ms" -> checkpointMs = Long.parseLong(args[++i]);
        case "--fresh-rate" -> freshRate = Double.parseDouble(args[++i]);
        case "--fresh-samples" -> freshSamples = Integer.parseInt(args[++i]);
        case "--seed" -> seed = Long.parseLong(args[++i]);
        case "--work-dir" -> workDir = Path.of(args[++i]);
        case "--results-md" -> results = args[++i];
        case "--command" -> command = args[++i];
        default -> throw new IllegalArgumentException("unknown option " + a);
      }
    }
    if (rounds < 1 || parallelism < 1 || freshSamples < 1 || freshRate <= 0) {
      throw new IllegalArgumentException(
          "--rounds, --parallelism, --fresh-samples and --fresh-rate must be positive; got "
              + rounds
              + ", "
              + parallelism
              + ", "
              + freshSamples
              + ", "
              + freshRate);
    }
    return new Options(
        sizes,
        rounds,
        parallelism,
        checkpointMs,
        batch,
        inFlight,
        freshRate,
        freshSamples,
        seed,
        workDir,
        results,
        command);
  }

  /** "200000x128,50000x768". */
  static List<Size> parseSizes(String text) {
    List<Size> sizes = new ArrayList<>();
    for (String s : text.split(",")) {
      String[] p = s.trim().toLowerCase(Locale.ROOT).split("x");
      if (p.length != 2) {
        throw new IllegalArgumentException("--sizes: expected <points>x<dim>; got '" + s + "'");
      }
      sizes.add(new Size(Integer.parseInt(p[0]), Integer.parseInt(p[1])));
    }
    return sizes;
  }
}
