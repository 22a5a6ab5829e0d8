package io.quiver.benchmarks.run;

import io.quiver.benchmarks.data.Dataset;
import io.quiver.benchmarks.data.DatasetCatalog;
import io.quiver.benchmarks.lib.AnnLibrary;
import io.quiver.benchmarks.lib.Libraries;
import io.quiver.benchmarks.lib.QuiverQuantizedLibrary;
import io.quiver.benchmarks.measure.EfSweep;
import io.quiver.benchmarks.report.LibraryResult;
import io.quiver.benchmarks.report.MarkdownReport;
import io.quiver.benchmarks.report.ResultStore;
import io.quiver.benchmarks.report.ResultsFile;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The harness's command line.
 *
 * <pre>
 * run    [--datasets ..] [--libs ..] [--threads 1,2] [--k 10] [--ef ..] [--oversampling ..]
 *        [--results file.jsonl] ...
 *        benchmarks the libraries on this JVM, appends one JSON line per (dataset, library) to the
 *        results file and prints the table of this JVM's rows
 * libs   [--libs ..] [--only-libs ..]
 *        prints the libraries a run with these options would benchmark, one per line (run.sh
 *        starts one JVM per library)
 * report --in file.jsonl [--results-md RESULTS.md] [--command "..."]
 *        prints the table of every row in the file and, with --results-md, replaces (or appends)
 *        the section for these datasets in that file
 * code-error [--datasets ..] --libs quiver-rot1,quiver-pq16,..
 *        prints, per data set, the score gaps between its true neighbours and, per Quiver
 *        quantized variant, how far its estimated scores stray from the exact ones (CodeError)
 * </pre>
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    if (args.length == 0 || !List.of("run", "libs", "report", "code-error").contains(args[0])) {
      System.err.println(
          "usage: Main run [--datasets sift5k,cohere1k,gmm-20k-128] [--libs "
              + String.join(",", Libraries.NAMES)
              + "] [--threads 1,2] [--k 10] [--ef "
              + Options.DEFAULT_EFS
              + "] [--oversampling 1,2,3,5] [--results out.jsonl]\n       Main libs [--libs ..]"
              + " [--only-libs ..]\n       Main report --in out.jsonl [--results-md"
              + " RESULTS.md] [--command text]\n       Main code-error [--datasets ..] --libs"
              + " quiver-rot1,quiver-pq16,..");
      System.exit(2);
    }
    String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
    try {
      Options options = Options.parse(rest);
      switch (args[0]) {
        case "run":
          run(options);
          break;
        case "libs":
          // Checks every option a run would, so a bad one stops run.sh before any JVM does work.
          datasets(options);
          runner(options);
          for (String lib : libraries(options)) {
            System.out.println(lib);
          }
          break;
        case "code-error":
          codeError(options);
          break;
        default:
          report(options);
      }
    } catch (IllegalArgumentException | NoSuchFileException e) {
      System.err.println("error: " + e.getMessage());
      System.exit(2);
    } catch (Exception e) {
      e.printStackTrace();
      System.exit(1);
    }
  }

  private static void run(Options o) throws Exception {
    List<String> libNames = libraries(o);
    List<String> datasetNames = datasets(o);
    BenchmarkRunner runner = runner(o);
    System.err.printf(
        "JDK %s (%s, %s); max heap %d MiB; %d CPUs%n",
        Runtime.version(),
        System.getProperty("java.vm.name"),
        System.getProperty("java.vendor"),
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());
    if (libNames.isEmpty()) {
      System.err.println(
          "no library to run on this JVM (--only-libs " + o.string("only-libs") + ")");
      return;
    }
    List<AnnLibrary> libs = new ArrayList<>();
    for (String name : libNames) {
      libs.add(Libraries.create(name)); // fails on an unknown name before any work is done
    }
    DatasetCatalog catalog = catalog(o);
    Path resultsFile = resultsFile(o);
    ResultStore store = new ResultStore(resultsFile);
    List<LibraryResult> results = new ArrayList<>();
    for (String name : datasetNames) {
      Dataset data = catalog.load(name);
      System.err.printf(
          "dataset %s: %,d x %d, %s, %d queries%n",
          data.name(), data.size(), data.dimension(), data.metric().label(), data.queries().length);
      for (AnnLibrary lib : libs) {
        LibraryResult result = runner.run(data, lib);
        System.err.printf(
            "%s %s on JDK %s: vectorization = %s%n",
            lib.name(), lib.version(), Runtime.version().feature(), result.vectorization());
        store.append(result);
        results.add(result);
      }
    }
    System.err.println("results appended to " + resultsFile);
    System.out.println(MarkdownReport.render(results, now(), "(this JVM only)"));
  }

  private static void codeError(Options o) throws IOException {
    List<String> libs = libraries(o);
    DatasetCatalog catalog = catalog(o);
    for (String name : datasets(o)) {
      QuiverQuantizedLibrary.reportCodeError(
          catalog.load(name), libs, Runtime.getRuntime().availableProcessors(), System.out);
    }
  }

  private static DatasetCatalog catalog(Options o) {
    return new DatasetCatalog(
        o.dataDir(),
        o.cacheDir(),
        o.longValue("seed"),
        o.integer("queries"),
        o.integer("components"));
  }

  private static List<String> datasets(Options o) {
    List<String> names = o.list("datasets");
    if (names.isEmpty()) {
      throw new IllegalArgumentException("--datasets needs at least one name");
    }
    for (String name : names) {
      DatasetCatalog.checkName(name);
    }
    return names;
  }

  /** The runner the options describe; every numeric option is checked here. */
  private static BenchmarkRunner runner(Options o) {
    int k = o.integer("k");
    return new BenchmarkRunner(
        o.ints("threads"),
        k,
        o.ints("ef"),
        o.doubles("oversampling", 1, 1000),
        new EfSweep(k, o.nonNegative("warmup-ms"), o.nonNegative("min-time-ms")),
        o.nonNegative("build-warmup"),
        System.err);
  }

  private static void report(Options o) throws IOException {
    if (o.string("in").isBlank()) {
      throw new IllegalArgumentException("report needs --in <results.jsonl>");
    }
    List<LibraryResult> results = new ResultStore(Path.of(o.string("in"))).readAll();
    if (results.isEmpty()) {
      throw new IllegalArgumentException("no results in " + o.string("in"));
    }
    String command = o.string("command").isBlank() ? "(not recorded)" : o.string("command");
    String markdown = MarkdownReport.render(results, now(), command);
    System.out.println(markdown);
    if (!o.string("results-md").isBlank()) {
      Set<String> datasets = new LinkedHashSet<>();
      boolean quantized = false;
      for (LibraryResult r : results) {
        datasets.add(r.dataset());
        quantized |= r.quantized();
      }
      Path file = Path.of(o.string("results-md"));
      ResultsFile.write(
          file,
          ResultsFile.harnessKey(datasets, quantized),
          ResultsFile.harnessTitle(datasets, quantized) + "\n\n" + markdown);
      System.err.println("updated " + file);
    }
  }

  /**
   * --libs, narrowed to --only-libs when that is given (run.sh uses it to run one library per JVM,
   * and only Quiver on JDK 17); every name is checked.
   */
  private static List<String> libraries(Options o) {
    List<String> libs = o.list("libs");
    for (String lib : libs) {
      Libraries.checkName(lib);
    }
    List<String> only = o.list("only-libs");
    if (only.isEmpty()) {
      return libs;
    }
    List<String> out = new ArrayList<>();
    for (String lib : libs) {
      if (only.contains(lib)) {
        out.add(lib);
      }
    }
    return out;
  }

  private static Path resultsFile(Options o) {
    String given = o.string("results");
    if (!given.isBlank()) {
      return Path.of(given);
    }
    String stamp = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").format(ZonedDateTime.now());
    return Options.repoRoot().resolve("benchmarks/target/results/results-" + stamp + ".jsonl");
  }

  private static String now() {
    return ZonedDateTime.now()
        .truncatedTo(ChronoUnit.MINUTES)
        .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME);
  }
}
