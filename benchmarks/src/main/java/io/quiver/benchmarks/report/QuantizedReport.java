package io.quiver.benchmarks.report;

import io.quiver.benchmarks.measure.OversampledSweep;
import io.quiver.benchmarks.measure.QpsAtRecall;
import io.quiver.benchmarks.measure.SweepPoint;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * The quantized rows of a report: one table (QPS at each target recall, best over the oversampling
 * factors tried and marked with the factor; the highest recall reached; bits per dimension; the
 * memory of codes and graph; build time with the quantization part) and, per dataset, every
 * (library, oversampling) sweep.
 */
final class QuantizedReport {

  private QuantizedReport() {}

  static void append(StringBuilder out, List<LibraryResult> rows, List<String> datasets) {
    out.append("### Quantized indexes\n\n");
    table(out, rows);
    for (String dataset : datasets) {
      sweeps(out, dataset, rows);
    }
  }

  private static void table(StringBuilder out, List<LibraryResult> rows) {
    Set<Integer> threads = MarkdownReport.buildThreads(rows);
    List<String> head = new ArrayList<>(List.of("dataset", "library", "JDK", "scheme"));
    head.add("bits/dim");
    for (int t : threads) {
      head.add("build " + t + "t (s)");
    }
    head.add("quantize (s)");
    for (double target : MarkdownReport.RECALL_TARGETS) {
      head.add(String.format(Locale.ROOT, "QPS@R%.2f (xO)", target));
    }
    head.addAll(
        List.of(
            "max recall (ef, xO)",
            "O tried",
            "codes B/vec",
            "params KiB",
            "graph B/vec",
            "in-mem B/vec",
            "heap B/vec",
            "off-heap B/vec"));
    List<List<String>> table = new ArrayList<>();
    for (LibraryResult r : rows) {
      LibraryResult.Quantization q = r.quantization();
      List<String> cells = new ArrayList<>();
      cells.add(r.dataset());
      cells.add(r.library());
      cells.add(r.jdkFeature());
      cells.add(q.scheme());
      cells.add(number(q.bitsPerDimension()));
      for (int t : threads) {
        cells.add(MarkdownReport.buildSeconds(r, t));
      }
      cells.add(
          q.quantizeSeconds() < 0 ? "-" : String.format(Locale.ROOT, "%.3f", q.quantizeSeconds()));
      for (double target : MarkdownReport.RECALL_TARGETS) {
        cells.add(bestQps(q.sweeps(), target));
      }
      cells.add(maxRecall(q.sweeps()));
      List<String> tried = new ArrayList<>();
      for (OversampledSweep s : q.sweeps()) {
        tried.add(number(s.oversampling()));
      }
      cells.add(String.join(",", tried));
      cells.add(MarkdownReport.perVector(q.codeBytes(), r.size()));
      cells.add(String.format(Locale.ROOT, "%,.1f", q.parameterBytes() / 1024.0));
      cells.add(MarkdownReport.perVector(r.graphBytes(), r.size()));
      cells.add(
          MarkdownReport.perVector(q.codeBytes() + q.parameterBytes() + r.graphBytes(), r.size()));
      cells.add(MarkdownReport.perVector(r.heapBytes(), r.size()));
      cells.add(MarkdownReport.perVector(r.offHeapBytes(), r.size()));
      table.add(cells);
    }
    MarkdownReport.appendTable(out, head, table, 4);
    out.append(
        "\nxO: the oversampling factor: ceil(k * O) candidates of the quantized graph walk (beam"
            + " max(ef, k * O)) are rescored with the float vectors. Each QPS cell is the best over"
            + " the factors tried (O tried), with the factor that gave it; ≥: that factor's smallest ef already exceeds the recall (a lower"
            + " bound). codes B/vec:"
            + " the codes with their per-vector corrections; params: the quantizer's trained"
            + " parameters, once per index; in-mem = codes + params + graph, per vector, the part a"
            + " quantized index needs in memory; the float vectors are"
            + " kept too (Quiver: on the heap, so heap B/vec includes them; Lucene: in its"
            + " memory-mapped .vec file, part of off-heap B/vec). Build time includes training and"
            + " encoding; quantize (s) is that part of the searched build, where the library"
            + " separates it.\n\n");
  }

  /**
   * The highest QPS at {@code target} over the sweeps, with its factor, e.g. {@code 9,120 (x3)}.
   */
  private static String bestQps(List<OversampledSweep> sweeps, double target) {
    OversampledSweep best = null;
    double bestQps = Double.NaN;
    for (OversampledSweep s : sweeps) {
      double qps = QpsAtRecall.at(s.points(), target);
      if (!Double.isNaN(qps) && (best == null || qps > bestQps)) {
        best = s;
        bestQps = qps;
      }
    }
    if (best == null) {
      return "n/a";
    }
    boolean lowerBound = QpsAtRecall.belowSweep(best.points(), target) && best.points().size() > 1;
    return (lowerBound ? "≥" : "")
        + MarkdownReport.qps(bestQps)
        + " (x"
        + number(best.oversampling())
        + ")";
  }

  private static String maxRecall(List<OversampledSweep> sweeps) {
    SweepPoint best = null;
    double factor = 0;
    for (OversampledSweep s : sweeps) {
      SweepPoint p = OversampledSweep.maxRecall(s.points());
      if (p != null && (best == null || p.recall() > best.recall())) {
        best = p;
        factor = s.oversampling();
      }
    }
    return best == null
        ? "-"
        : String.format(Locale.ROOT, "%.4f (%d, x%s)", best.recall(), best.ef(), number(factor));
  }

  private static void sweeps(StringBuilder out, String dataset, List<LibraryResult> rows) {
    Set<Integer> efs = new TreeSet<>();
    for (LibraryResult r : rows) {
      if (r.dataset().equals(dataset)) {
        for (OversampledSweep s : r.quantization().sweeps()) {
          for (SweepPoint p : s.points()) {
            efs.add(p.ef());
          }
        }
      }
    }
    if (efs.isEmpty()) {
      return;
    }
    out.append("<details><summary>")
        .append(dataset)
        .append(": quantized, recall@k / QPS per ef and oversampling</summary>\n\n");
    List<String> head = new ArrayList<>(List.of("library (JDK)", "O"));
    for (int ef : efs) {
      head.add("ef " + ef);
    }
    List<List<String>> table = new ArrayList<>();
    for (LibraryResult r : rows) {
      if (!r.dataset().equals(dataset)) {
        continue;
      }
      for (OversampledSweep s : r.quantization().sweeps()) {
        List<String> cells = new ArrayList<>();
        cells.add(r.library() + " (" + r.jdkFeature() + ")");
        cells.add(number(s.oversampling()));
        for (int ef : efs) {
          SweepPoint p = s.points().stream().filter(x -> x.ef() == ef).findFirst().orElse(null);
          cells.add(
              p == null
                  ? ""
                  : String.format(
                      Locale.ROOT, "%.4f / %s", p.recall(), MarkdownReport.qps(p.qps())));
        }
        table.add(cells);
      }
    }
    MarkdownReport.appendTable(out, head, table, 2);
    out.append("\n</details>\n\n");
  }

  /** 8, 2.5: no trailing ".0". */
  private static String number(double v) {
    return v == Math.rint(v)
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%s", (float) v);
  }
}
