package io.quiver.benchmarks.run;

import io.quiver.benchmarks.data.Dataset;
import io.quiver.benchmarks.data.DatasetCatalog;
import io.quiver.benchmarks.lib.AnnLibrary;
import io.quiver.benchmarks.lib.Libraries;
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
 * run    [--datasets ..] [--libs ..] [--threads 1,2] [--k 10] [--ef ..] [--results file.jsonl] ...
 *        benchmarks the libraries on this JVM, appends one JSON line per (dataset, library) to the
 *        results file and prints the table of this JVM's rows
 * report --in file.jsonl [--results-md RESULTS.md] [--command "..."]
 *        prints the table of every row in the file and, with --results-md, replaces (or appends)
 *        the section for these datasets in that file
 * </pre>
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    if (args.length == 0 || !(args[0].equals("run") || args[0].equals("report"))) {
      System.err.println(
          "usage: Main run [--datasets sift5k,cohere1k,gmm-20k-128] [--libs "
              + String.join(",", Libraries.NAMES)
              + "] [--threads 1,2] [--k 10] [--ef "
              + Options.DEFAULT_EFS
              + "] [--results out.jsonl]\n       Main report --in out.jsonl [--results-md"
              + " RESULTS.md] [--command text]");
      System.exit(2);
    }
    String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
    try {
      Options options = Options.parse(rest);
      if (args[0].equals("run")) {
        run(options);
      } else {
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
    List<String> datasetNames = o.list("datasets");
    if (datasetNames.isEmpty()) {
      throw new IllegalArgumentException("--datasets needs at least one name");
    }
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
    for (String name : datasetNames) {
      DatasetCatalog.checkName(name);
    }
    int k = o.integer("k");
    DatasetCatalog catalog =
        new DatasetCatalog(
            o.dataDir(),
            o.cacheDir(),
            o.longValue("seed"),
            o.integer("queries"),
            o.integer("components"));
    BenchmarkRunner runner =
        new BenchmarkRunner(
            o.ints("threads"),
            k,
            o.ints("ef"),
            new EfSweep(k, o.nonNegative("warmup-ms"), o.nonNegative("min-time-ms")),
            o.nonNegative("build-warmup"),
            System.err);
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
      for (LibraryResult r : results) {
        datasets.add(r.dataset());
      }
      Path file = Path.of(o.string("results-md"));
      ResultsFile.write(
          file,
          String.join(",", datasets),
          "## " + String.join(", ", datasets) + "\n\n" + markdown);
      System.err.println("updated " + file);
    }
  }

  /** --libs, narrowed to --only-libs when that is given (used to run only Quiver on JDK 17). */
  private static List<String> libraries(Options o) {
    List<String> libs = o.list("libs");
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
