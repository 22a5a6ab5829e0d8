package io.quiver.benchmarks.collection;

import io.quiver.benchmarks.data.Dataset;
import io.quiver.benchmarks.data.DatasetCatalog;
import io.quiver.benchmarks.report.ResultsFile;
import io.quiver.benchmarks.run.Options;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.point.Point;
import io.quiver.engine.vector.VectorOpsProvider;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The embedded-collection benchmark (issue 4): upsert throughput, load-to-indexed time, filtered
 * search QPS and recall at 50 / 10 / 1 / 0.1 % selectivity beside unfiltered, and memory per point,
 * all through {@code QuiverCollection}'s public API. Run by {@code benchmarks/collection.sh}; see
 * {@code benchmarks/README.md}.
 *
 * <pre>
 * CollectionBench [--quick] [--datasets sift5k,cohere1k,gmm-100k-128] [--variants float,int8]
 *                 [--ingest-datasets sift5k,cohere1k] [--batches 1,64,1000] [--writers 1,4]
 *                 [--results-md RESULTS.md --command "..."] ...
 * </pre>
 */
public final class CollectionBench {

  static final String SECTION_KEY = "collection";
  static final String SECTION_TITLE = "## Embedded collection (issue 4)";

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("datasets", "sift5k,cohere1k,gmm-100k-128");
    DEFAULTS.put("variants", "float,int8");
    DEFAULTS.put("ingest-datasets", "sift5k,cohere1k");
    DEFAULTS.put("ingest-points", "100000");
    DEFAULTS.put("ingest-ms", "3000");
    DEFAULTS.put("batches", "1,64,1000");
    DEFAULTS.put("waits", "false,true");
    DEFAULTS.put("writers", "1,4");
    DEFAULTS.put("load-batch", "1000");
    DEFAULTS.put("threads", "1,2");
    DEFAULTS.put("k", "10");
    DEFAULTS.put("warmup-ms", "1000");
    DEFAULTS.put("min-time-ms", "500");
    DEFAULTS.put("rounds", "3");
    DEFAULTS.put("queries", "500");
    DEFAULTS.put("seed", "42");
    DEFAULTS.put("components", "64");
    DEFAULTS.put("data-dir", "");
    DEFAULTS.put("cache-dir", "");
    DEFAULTS.put("work-dir", "");
    DEFAULTS.put("results-md", "");
    DEFAULTS.put("command", "");
  }

  /** What {@code --quick} changes: a run of about two minutes on two cores. */
  static final Map<String, String> QUICK =
      Map.of(
          "datasets", "sift5k,gmm-20k-128",
          "ingest-datasets", "sift5k",
          "ingest-points", "20000",
          "ingest-ms", "1000",
          "warmup-ms", "300",
          "min-time-ms", "200",
          "rounds", "2",
          "queries", "200");

  private CollectionBench() {}

  public static void main(String[] args) {
    try {
      run(args, System.out, System.err);
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
    Options o = parse(args);
    List<Dataset> datasets = new ArrayList<>();
    List<Dataset> ingestSets = new ArrayList<>();
    List<Variant> variants = new ArrayList<>();
    for (String v : o.list("variants")) {
      variants.add(Variant.parse(v));
    }
    List<IngestBench.Case> cases = cases(o);
    int k = o.integer("k");
    List<Integer> threads = o.ints("threads");
    int loadBatch = o.integer("load-batch");
    int ingestPoints = o.integer("ingest-points");
    long ingestMillis = o.integer("ingest-ms");
    for (String name : o.list("datasets")) {
      DatasetCatalog.checkName(name);
    }
    for (String name : o.list("ingest-datasets")) {
      DatasetCatalog.checkName(name);
    }
    DatasetCatalog catalog =
        new DatasetCatalog(
            o.dataDir(),
            o.cacheDir(),
            o.longValue("seed"),
            o.integer("queries"),
            o.integer("components"));
    for (String name : o.list("ingest-datasets")) {
      ingestSets.add(catalog.load(name));
    }
    for (String name : o.list("datasets")) {
      datasets.add(catalog.load(name));
    }
    Path workDir = workDir(o);
    String machine = machine(workDir);
    String loadAtStart = loadAverage();
    log.println(machine + " Load average at start: " + loadAtStart + ".");

    List<IngestBench.Result> ingestResults = new ArrayList<>();
    IngestBench ingest = new IngestBench(workDir, ingestMillis, log);
    for (Dataset data : ingestSets) {
      FilterFields fields = new FilterFields(ingestPoints, o.longValue("seed"));
      List<Point> points = BenchPoints.of(data.base(), ingestPoints, fields);
      CollectionConfig config = Variant.FLOAT.config(data.dimension(), data.metric());
      warmUpIngest(workDir, data, config, points, log);
      for (IngestBench.Case c : cases) {
        ingestResults.add(ingest.run(data.name(), config, points, c));
      }
    }

    FilteredSearchBench search =
        new FilteredSearchBench(
            k,
            threads,
            o.nonNegative("warmup-ms"),
            o.nonNegative("min-time-ms"),
            o.integer("rounds"),
            log);
    SearchCollectionRun runner =
        new SearchCollectionRun(workDir, loadBatch, search, o.longValue("seed"), log);
    List<SearchCollectionRun.Result> runs = new ArrayList<>();
    for (Dataset data : datasets) {
      for (Variant variant : variants) {
        runs.add(runner.run(data, variant));
      }
    }

    String command = o.string("command").isBlank() ? "(not recorded)" : o.string("command");
    // Other work on a shared machine moves every figure; the load average says how much there was.
    machine +=
        " Load average (1, 5, 15 min) at start: "
            + loadAtStart
            + "; at the end: "
            + loadAverage()
            + ".";
    String markdown =
        CollectionReport.render(
            now(),
            command,
            machine,
            new CollectionReport.IngestSettings(ingestPoints, ingestMillis),
            ingestResults,
            runs,
            new CollectionReport.SearchSettings(
                k, threads, o.integer("rounds"), o.nonNegative("min-time-ms")));
    out.println(markdown);
    if (!o.string("results-md").isBlank()) {
      Path file = Path.of(o.string("results-md"));
      ResultsFile.write(file, SECTION_KEY, SECTION_TITLE + "\n\n" + markdown);
      log.println("updated " + file);
    }
    return markdown;
  }

  /** The options, {@code --quick} applied first so that explicit options still win. */
  static Options parse(String[] args) {
    Map<String, String> defaults = new LinkedHashMap<>(DEFAULTS);
    List<String> rest = new ArrayList<>();
    for (String arg : args) {
      if (arg.equals("--quick")) {
        defaults.putAll(QUICK);
      } else {
        rest.add(arg);
      }
    }
    return Options.parse(rest.toArray(new String[0]), defaults);
  }

  private static List<IngestBench.Case> cases(Options o) {
    List<Boolean> waits = new ArrayList<>();
    for (String w : o.list("waits")) {
      if (!w.equals("true") && !w.equals("false")) {
        throw new IllegalArgumentException("--waits holds true and/or false; got '" + w + "'");
      }
      waits.add(Boolean.parseBoolean(w));
    }
    List<IngestBench.Case> cases = new ArrayList<>();
    for (boolean wait : waits) {
      for (int writers : o.ints("writers")) {
        for (int batch : o.ints("batches")) {
          cases.add(new IngestBench.Case(batch, wait, writers));
        }
      }
    }
    return cases;
  }

  /**
   * Runs a little of every code path of the upsert cases untimed, so the first timed case does not
   * pay for class loading and compilation.
   */
  private static void warmUpIngest(
      Path workDir, Dataset data, CollectionConfig config, List<Point> points, PrintStream log)
      throws Exception {
    PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
    IngestBench warm = new IngestBench(workDir, 300, quiet);
    int n = Math.min(points.size(), 5_000);
    for (boolean wait : new boolean[] {false, true}) {
      warm.run(data.name(), config, points.subList(0, n), new IngestBench.Case(16, wait, 2));
    }
    log.printf("  ingest warm-up on %s done%n", data.name());
  }

  private static Path workDir(Options o) throws java.io.IOException {
    String given = o.string("work-dir");
    Path dir =
        given.isBlank()
            ? Path.of(System.getProperty("java.io.tmpdir"), "quiver-collection-bench")
            : Path.of(given);
    Files.createDirectories(dir);
    return dir;
  }

  private static String machine(Path workDir) throws java.io.IOException {
    String store = Files.getFileStore(workDir).type();
    return String.format(
        Locale.ROOT,
        "Machine: %d CPUs visible, %s %s; JDK %s (%s); max heap %,d MiB; vector kernels: %s;"
            + " collections in %s (%s).",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.arch"),
        Runtime.version(),
        System.getProperty("java.vm.name"),
        Runtime.getRuntime().maxMemory() >> 20,
        VectorOpsProvider.get().name(),
        workDir,
        store);
  }

  /** The first three fields of {@code /proc/loadavg}, or "unknown" where there is none. */
  static String loadAverage() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return fields.length >= 3 ? fields[0] + ", " + fields[1] + ", " + fields[2] : "unknown";
    } catch (java.io.IOException | RuntimeException e) {
      return "unknown";
    }
  }

  private static String now() {
    return ZonedDateTime.now()
        .truncatedTo(ChronoUnit.MINUTES)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }
}
