package io.quiver.benchmarks.collection;

import io.quiver.benchmarks.data.Dataset;
import java.util.List;
import java.util.Locale;

/**
 * The embedded-collection benchmark's markdown: machine, upsert, load, search and memory tables.
 */
final class CollectionReport {

  private CollectionReport() {}

  static String render(
      String when,
      String command,
      String machine,
      IngestSettings ingest,
      List<IngestBench.Result> ingestResults,
      List<SearchCollectionRun.Result> runs,
      SearchSettings search) {
    int k = search.k();
    List<Integer> threads = search.threads();
    StringBuilder out = new StringBuilder();
    out.append("Run of ").append(when).append(", command:\n\n```\n").append(command);
    out.append("\n```\n\n").append(machine).append("\n\n");
    out.append(
        "Every collection uses the engine's default configuration (`optimizers_config`: indexing"
            + " threshold 10,000 KB, 4 segments; `hnsw_config`: m 16, ef_construct 100, full scan"
            + " threshold 10,000 KB), in a fresh directory on the local disk. Payload per point:"
            + " `{\"bucket\": <int in [0, 1000)>, \"tags\": [\"lt500\", ...], \"title\": \"point"
            + " 000042\"}`.\n\n");
    if (!ingestResults.isEmpty()) {
      out.append("### Upsert throughput\n\n");
      out.append(
          String.format(
              Locale.ROOT,
              "Each row: a fresh collection, `writers` threads calling `upsert(batch, wait)` until"
                  + " %,d points are written or %.1f s have passed (the dataset's vectors cycled"
                  + " under new ids). `bg opt.`: background optimizations (indexing the mutable"
                  + " segment into an HNSW segment, merges) that overlapped the timed window; they"
                  + " share the two cores with the writers.%n%n",
              ingest.points(),
              ingest.millis() / 1000.0));
      out.append(
          "| dataset | dim | batch | wait | writers | points | time (s) | points/s | bg opt. |\n");
      out.append("|:--|--:|--:|:--|--:|--:|--:|--:|--:|\n");
      for (IngestBench.Result r : ingestResults) {
        out.append(
            String.format(
                Locale.ROOT,
                "| %s | %d | %d | %s | %d | %,d | %.2f | %,.0f | %d |%n",
                r.dataset(),
                r.dimension(),
                r.c().batch(),
                r.c().waitDurable(),
                r.c().writers(),
                r.points(),
                r.seconds(),
                r.pointsPerSecond(),
                r.optimizations()));
      }
      out.append('\n');
    }
    if (runs.isEmpty()) {
      return out.toString();
    }
    out.append("### Load to indexed\n\n");
    out.append(
        "Every point of the dataset upserted by one writer, `wait = false`, then `optimize()`"
            + " (returns once everything is indexed, merged and checkpointed). Field indexes"
            + " (`bucket`: integer, `tags`: keyword) are created before the upserts. `indexed"
            + " points/s`: points / (upsert + optimize() time). `optimizations`: what the"
            + " optimizer ran from the first upsert on (in the background during the upserts,"
            + " then inside optimize()), with its time. `segments`: points per immutable segment"
            + " afterwards; `g`: searched through its graph, `e`: scanned exactly (it holds fewer"
            + " vectors than the full-scan threshold, 10,000 KB of vectors).\n\n");
    out.append(
        "| dataset | variant | points | dim | batch | upsert (s) | upsert points/s | optimize() (s)"
            + " | indexed points/s | optimizations | segments |\n");
    out.append("|:--|:--|--:|--:|--:|--:|--:|--:|--:|:--|:--|\n");
    for (SearchCollectionRun.Result r : runs) {
      double total = r.upsertSeconds() + r.optimizeSeconds();
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,d | %d | %d | %.2f | %,.0f | %.2f | %,.0f | %s | %s |%n",
              r.data().name(),
              r.variant().label(),
              r.points(),
              r.data().dimension(),
              r.batch(),
              r.upsertSeconds(),
              r.points() / r.upsertSeconds(),
              r.optimizeSeconds(),
              r.points() / total,
              r.optimizations(),
              segments(r)));
    }
    out.append('\n');
    out.append("### Filtered search\n\n");
    out.append(
        String.format(
            Locale.ROOT,
            "k = %d, default search parameters (ef = ef_construct, quantized with rescoring where"
                + " configured; the engine picks graph or exact scan per segment), payloads not"
                + " returned except in the row that says so. QPS: the best of %d rounds of at least"
                + " %d ms each, after a warm-up; `Nt`: N threads searching at once. `x unf.`: QPS"
                + " over the unfiltered QPS at the same thread count. Recall@%d against the exact"
                + " nearest neighbours among the matching points (over all of them when fewer than"
                + " %d match). The range filter `bucket < s` and the keyword filter `tags = lt<s>`"
                + " select the same points; their counts are checked.%n%n",
            k,
            search.rounds(),
            search.minTimeMillis(),
            k,
            k));
    for (SearchCollectionRun.Result r : runs) {
      Dataset d = r.data();
      out.append(
          String.format(
              Locale.ROOT,
              "**%s, %s** (%,d x %d, %s, %d queries; segments %s; a segment, or a filter's"
                  + " matches in it, of fewer than %,d vectors is scanned exactly)%n%n",
              d.name(),
              r.variant().label(),
              d.size(),
              d.dimension(),
              d.metric().label(),
              d.queries().length,
              segments(r),
              r.fullScanThreshold()));
      out.append("| selectivity | filter | matches |");
      for (int t : threads) {
        out.append(" QPS ").append(t).append("t | x unf. |");
      }
      out.append(" recall@").append(k).append(" |\n|:--|:--|--:|");
      for (int i = 0; i < threads.size(); i++) {
        out.append("--:|--:|");
      }
      out.append("--:|\n");
      double[] unfiltered = r.rows().get(0).qps();
      for (FilteredSearchBench.Row row : r.rows()) {
        out.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %,d |",
                row.level() == FilterFields.BUCKETS ? "100 %" : FilterFields.percent(row.level()),
                row.label(),
                row.matches()));
        for (int t = 0; t < threads.size(); t++) {
          out.append(
              String.format(
                  Locale.ROOT, " %,.0f | %.2f |", row.qps()[t], row.qps()[t] / unfiltered[t]));
        }
        out.append(String.format(Locale.ROOT, " %.4f |%n", row.recall()));
      }
      out.append('\n');
    }
    out.append("### Memory per point\n\n");
    out.append(
        "After `optimize()`, closed and opened again. Heap: live bytes (class histogram after a"
            + " full GC) the open collection holds after one pass of queries, over the points."
            + " Disk: the collection's directory (vectors, graph, codes, payloads, field indexes,"
            + " ids; graphs are memory-mapped, vectors are loaded onto the heap as the default"
            + " `on_disk: false` says, so heap B/pt includes them), WAL apart. Raw vectors: 4 x"
            + " dim.\n\n");
    out.append(
        "| dataset | variant | points | raw vector B/pt | heap B/pt | disk B/pt (no WAL) | WAL"
            + " bytes |\n");
    out.append("|:--|:--|--:|--:|--:|--:|--:|\n");
    for (SearchCollectionRun.Result r : runs) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %,d | %,d | %,.0f | %,.0f | %,d |%n",
              r.data().name(),
              r.variant().label(),
              r.points(),
              4 * r.data().dimension(),
              (double) r.heapBytes() / r.points(),
              (double) (r.diskBytes() - r.walBytes()) / r.points(),
              r.walBytes()));
    }
    return out.toString();
  }

  /** {@code 80,000 g + 20,000 e}: see the load table's legend. */
  private static String segments(SearchCollectionRun.Result r) {
    List<String> parts = new java.util.ArrayList<>();
    for (int size : r.segmentSizes()) {
      parts.add(
          String.format(Locale.ROOT, "%,d %s", size, size < r.fullScanThreshold() ? "e" : "g"));
    }
    return parts.isEmpty() ? "none" : String.join(" + ", parts);
  }

  /** What bounded each upsert case. */
  record IngestSettings(int points, long millis) {}

  /** How the searches were timed. */
  record SearchSettings(int k, List<Integer> threads, int rounds, long minTimeMillis) {}
}
