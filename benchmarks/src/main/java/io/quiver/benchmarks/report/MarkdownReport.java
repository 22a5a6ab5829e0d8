package io.quiver.benchmarks.report;

import io.quiver.benchmarks.lib.Libraries;
import io.quiver.benchmarks.measure.QpsAtRecall;
import io.quiver.benchmarks.measure.SweepPoint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Renders results as markdown: a run header, a summary table of the full-precision rows and, per
 * dataset, their ef sweep; then, when there are quantized rows, their own table and sweeps ({@link
 * QuantizedReport}).
 */
public final class MarkdownReport {

  /** The recall levels at which QPS is interpolated. */
  public static final double[] RECALL_TARGETS = {0.90, 0.95, 0.99};

  private MarkdownReport() {}

  public static String render(List<LibraryResult> results, String date, String command) {
    List<LibraryResult> rows = new ArrayList<>(results);
    List<String> datasets = datasetsInOrder(rows);
    rows.sort(
        Comparator.<LibraryResult>comparingInt(r -> datasets.indexOf(r.dataset()))
            .thenComparingInt(r -> libraryOrder(r.library()))
            .thenComparing(r -> -Integer.parseInt(r.jdkFeature())));
    StringBuilder out = new StringBuilder();
    header(out, rows, datasets, date, command);
    List<LibraryResult> floats = new ArrayList<>();
    List<LibraryResult> quantized = new ArrayList<>();
    for (LibraryResult r : rows) {
      (r.quantized() ? quantized : floats).add(r);
    }
    if (!floats.isEmpty()) {
      summary(out, floats);
      for (String dataset : datasets) {
        sweep(out, dataset, floats);
      }
    }
    if (!quantized.isEmpty()) {
      QuantizedReport.append(out, quantized, datasets);
    }
    return out.toString();
  }

  private static void header(
      StringBuilder out,
      List<LibraryResult> rows,
      List<String> datasets,
      String date,
      String command) {
    out.append("Run of ")
        .append(date)
        .append(", command:\n\n```\n")
        .append(command)
        .append("\n```\n\n");
    out.append("Machine: ")
        .append(Runtime.getRuntime().availableProcessors())
        .append(" CPUs visible, ")
        .append(System.getProperty("os.name"))
        .append(' ')
        .append(System.getProperty("os.arch"))
        .append(". k = ")
        .append(rows.isEmpty() ? "?" : rows.get(0).k())
        .append(", search single-threaded, M = 16, ef_construction = 100 everywhere.\n\n");
    Set<String> jdks = new LinkedHashSet<>();
    for (LibraryResult r : rows) {
      jdks.add("JDK " + r.jdk() + " (" + r.jvm() + ")");
    }
    out.append("JDKs: ").append(String.join("; ", jdks)).append(".\n\n");
    out.append("Datasets:\n");
    Set<String> seen = new LinkedHashSet<>();
    for (LibraryResult r : rows) {
      if (seen.add(r.dataset())) {
        out.append(
            String.format(
                Locale.ROOT,
                "- `%s`: %,d x %d, %s, %d queries. %s%n",
                r.dataset(),
                r.size(),
                r.dimension(),
                r.metric(),
                r.queries(),
                r.datasetDescription()));
      }
    }
    out.append("\nLibraries (version, vectorization as each reports it, graph bytes from):\n");
    Set<String> libs = new LinkedHashSet<>();
    for (LibraryResult r : rows) {
      String line =
          String.format(
              "- %s %s on JDK %s: %s; graph bytes: %s",
              r.library(),
              r.libraryVersion(),
              r.jdkFeature(),
              r.vectorization(),
              r.graphBytesSource());
      if (r.quantized()) {
        line +=
            "; codes: "
                + r.quantization().scheme()
                + ", bytes: "
                + r.quantization().codeBytesSource();
      }
      if (libs.add(line)) {
        out.append(line).append('\n');
      }
    }
    out.append('\n');
  }

  private static void summary(StringBuilder out, List<LibraryResult> rows) {
    Set<Integer> threads = buildThreads(rows);
    List<String> head = new ArrayList<>(List.of("dataset", "library", "JDK"));
    for (int t : threads) {
      head.add("build " + t + "t (s)");
    }
    for (double target : RECALL_TARGETS) {
      head.add(String.format(Locale.ROOT, "QPS@R%.2f", target));
    }
    head.addAll(List.of("max recall (ef)", "graph B/vec", "heap B/vec", "off-heap B/vec"));
    List<List<String>> table = new ArrayList<>();
    for (LibraryResult r : rows) {
      List<String> cells = new ArrayList<>();
      cells.add(r.dataset());
      cells.add(r.library());
      cells.add(r.jdkFeature());
      for (int t : threads) {
        cells.add(buildSeconds(r, t));
      }
      for (double target : RECALL_TARGETS) {
        boolean lowerBound = QpsAtRecall.belowSweep(r.sweep(), target) && r.sweep().size() > 1;
        cells.add((lowerBound ? "≥" : "") + qps(QpsAtRecall.at(r.sweep(), target)));
      }
      SweepPoint best = best(r.sweep());
      cells.add(
          best == null
              ? "-"
              : String.format(
                  Locale.ROOT,
                  "%.4f (%s)",
                  best.recall(),
                  r.sweep().size() == 1 && "exact".equals(r.library()) ? "-" : best.ef()));
      cells.add(perVector(r.graphBytes(), r.size()));
      cells.add(perVector(r.heapBytes(), r.size()));
      cells.add(perVector(r.offHeapBytes(), r.size()));
      table.add(cells);
    }
    appendTable(out, head, table, 3);
    out.append(
        "\n≥: the smallest ef of the sweep already exceeds this recall; its QPS is shown, a lower"
            + " bound.\n\n");
  }

  private static void sweep(StringBuilder out, String dataset, List<LibraryResult> rows) {
    Map<String, LibraryResult> columns = new LinkedHashMap<>();
    Set<Integer> efs = new TreeSet<>();
    for (LibraryResult r : rows) {
      if (r.dataset().equals(dataset) && !"exact".equals(r.library())) {
        columns.put(r.library() + " (JDK " + r.jdkFeature() + ")", r);
        for (SweepPoint p : r.sweep()) {
          efs.add(p.ef());
        }
      }
    }
    if (columns.isEmpty()) {
      return;
    }
    out.append("<details><summary>")
        .append(dataset)
        .append(": recall@k / QPS per ef</summary>\n\n");
    List<String> head = new ArrayList<>();
    head.add("ef");
    head.addAll(columns.keySet());
    List<List<String>> table = new ArrayList<>();
    for (int ef : efs) {
      List<String> cells = new ArrayList<>();
      cells.add(Integer.toString(ef));
      for (LibraryResult r : columns.values()) {
        SweepPoint p = r.sweep().stream().filter(s -> s.ef() == ef).findFirst().orElse(null);
        cells.add(
            p == null ? "" : String.format(Locale.ROOT, "%.4f / %s", p.recall(), qps(p.qps())));
      }
      table.add(cells);
    }
    appendTable(out, head, table, 1);
    out.append("\n</details>\n\n");
  }

  /** A markdown table, the first {@code labels} columns left-aligned and the rest right-aligned. */
  static void appendTable(
      StringBuilder out, List<String> head, List<List<String>> rows, int labels) {
    int[] width = new int[head.size()];
    for (int c = 0; c < head.size(); c++) {
      width[c] = head.get(c).length();
      for (List<String> row : rows) {
        width[c] = Math.max(width[c], row.get(c).length());
      }
    }
    appendRow(out, head, width, labels);
    out.append('|');
    for (int c = 0; c < width.length; c++) {
      boolean left = c < labels;
      out.append(left ? ":" : "-").append("-".repeat(width[c])).append(left ? "-|" : ":|");
    }
    out.append('\n');
    for (List<String> row : rows) {
      appendRow(out, row, width, labels);
    }
  }

  private static void appendRow(StringBuilder out, List<String> cells, int[] width, int labels) {
    out.append('|');
    for (int c = 0; c < width.length; c++) {
      String cell = cells.get(c);
      out.append(' ');
      if (c < labels) {
        out.append(cell).append(" ".repeat(width[c] - cell.length()));
      } else {
        out.append(" ".repeat(width[c] - cell.length())).append(cell);
      }
      out.append(" |");
    }
    out.append('\n');
  }

  static Set<Integer> buildThreads(List<LibraryResult> rows) {
    Set<Integer> threads = new TreeSet<>();
    for (LibraryResult r : rows) {
      for (LibraryResult.BuildTime b : r.buildSeconds()) {
        threads.add(b.threads());
      }
    }
    return threads;
  }

  static String buildSeconds(LibraryResult r, int threads) {
    for (LibraryResult.BuildTime b : r.buildSeconds()) {
      if (b.threads() == threads) {
        return String.format(Locale.ROOT, b.seconds() < 10 ? "%.3f" : "%.1f", b.seconds());
      }
    }
    return "-";
  }

  static String qps(double qps) {
    return Double.isNaN(qps) ? "n/a" : String.format(Locale.ROOT, "%,.0f", qps);
  }

  static String perVector(long bytes, int size) {
    return bytes < 0 ? "?" : String.format(Locale.ROOT, "%,.0f", bytes / (double) size);
  }

  private static SweepPoint best(List<SweepPoint> sweep) {
    SweepPoint best = null;
    for (SweepPoint p : sweep) {
      if (best == null || p.recall() > best.recall()) {
        best = p;
      }
    }
    return best;
  }

  private static List<String> datasetsInOrder(List<LibraryResult> rows) {
    List<String> out = new ArrayList<>();
    for (LibraryResult r : rows) {
      if (!out.contains(r.dataset())) {
        out.add(r.dataset());
      }
    }
    return out;
  }

  private static int libraryOrder(String library) {
    int i = Libraries.NAMES.indexOf(library);
    return i < 0 ? Integer.MAX_VALUE : i;
  }
}
