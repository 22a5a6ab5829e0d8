package io.quiver.benchmarks.flink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The markdown section of {@link FlinkSinkBench}. */
final class FlinkSinkReport {

  static final String HEADING = "## Flink sink (issue 7)";

  private FlinkSinkReport() {}

  static String render(
      FlinkSinkBench.Options o,
      List<FlinkSinkBench.Run> runs,
      List<FreshnessRun.Result> fresh,
      String loadStart,
      String loadEnd) {
    StringBuilder sb = new StringBuilder(HEADING).append("\n\n");
    sb.append(
        String.format(
            Locale.ROOT,
            "`%s` — %s, JDK %s, %d cores, load average (1, 5, 15 min) %s at the start and %s at"
                + " the end. One node and the writers in one JVM on loopback; a fresh collection"
                + " per run (HNSW m 16, ef_construct 100; Euclid for 128-d, Cosine for 768-d;"
                + " for the throughput runs `indexing_threshold` 0 and `flush_interval_sec` 3600, so"
                + " that no background HNSW build competes with the writers);"
                + " seeded Gaussian-mixture vectors (seed %d), no payload, version 1.%n%n",
            o.command(),
            java.time.LocalDate.now(),
            System.getProperty("java.version"),
            Runtime.getRuntime().availableProcessors(),
            loadStart,
            loadEnd,
            o.seed()));
    sb.append(
        String.format(
            Locale.ROOT,
            "**Throughput.** *sink*: a Flink job on a local MiniCluster, `fromSequence` chained to"
                + " `QuiverSink` at parallelism %d, AT_LEAST_ONCE (requests with wait=true),"
                + " checkpoints every %d ms, the sink's defaults (batch %d, linger 20 ms, %d requests"
                + " in flight per subtask). *plain gRPC*: the generated `QuiverPointsGrpc` async"
                + " stub, the same requests (batch %d, wait=true), %d sender threads with %d in"
                + " flight each. Each timed from its first point to the node's count reaching n;"
                + " the order alternates per round (sink first in even rounds), after an untimed"
                + " warm-up of each client on up to 100,000 of the points.%n%n",
            o.parallelism(),
            o.checkpointMs(),
            o.batch(),
            o.inFlight(),
            o.batch(),
            o.parallelism(),
            o.inFlight()));
    sb.append("| data | round | client | s | points/s | sink `execute()` s |\n");
    sb.append("|---|---:|---|---:|---:|---:|\n");
    for (FlinkSinkBench.Run r : runs) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %s | %.2f | %.0f | %s |%n",
              r.size(),
              r.round(),
              r.client(),
              r.seconds(),
              r.pointsPerSecond(),
              Double.isNaN(r.executeSeconds())
                  ? ""
                  : String.format(Locale.ROOT, "%.2f", r.executeSeconds())));
    }
    sb.append(
        "\n| data | sink points/s | plain points/s | sink / plain (target >= 0.9) | per round |"
            + " median of rounds |\n");
    sb.append("|---|---:|---:|---:|---|---:|\n");
    Map<String, Map<Integer, double[]>> rounds = new LinkedHashMap<>(); // round -> {sink, plain}
    for (FlinkSinkBench.Run r : runs) {
      rounds.computeIfAbsent(r.size().toString(), k -> new java.util.TreeMap<>())
              .computeIfAbsent(r.round(), k -> new double[2])[r.client().equals("sink") ? 0 : 1] =
          r.pointsPerSecond();
    }
    Map<String, double[]> totals =
        new LinkedHashMap<>(); // sink points, sink s, plain points, plain s
    for (FlinkSinkBench.Run r : runs) {
      double[] t = totals.computeIfAbsent(r.size().toString(), k -> new double[4]);
      int at = r.client().equals("sink") ? 0 : 2;
      t[at] += r.size().points();
      t[at + 1] += r.seconds();
    }
    for (Map.Entry<String, double[]> e : totals.entrySet()) {
      double[] t = e.getValue();
      double sink = t[0] / t[1];
      double plain = t[2] / t[3];
      List<Double> perRound = new ArrayList<>();
      rounds.get(e.getKey()).values().forEach(pair -> perRound.add(pair[0] / pair[1]));
      List<String> shown = new ArrayList<>();
      perRound.forEach(x -> shown.add(String.format(Locale.ROOT, "%.2f", x)));
      List<Double> sorted = new ArrayList<>(perRound);
      sorted.sort(null);
      int n = sorted.size();
      double median =
          n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %.0f | %.0f | %.2f | %s | %.2f |%n",
              e.getKey(),
              sink,
              plain,
              sink / plain,
              String.join(", ", shown),
              median));
    }
    sb.append(
        String.format(
            Locale.ROOT,
            "%n(points/s over all rounds: total points / total time. Per round: the sink's points/s"
                + " over the plain client's in the same round, the two run back to back, which the"
                + " machine's drifting load moves less than the totals.)%n%n**Freshness.** From the"
                + " sink's acknowledgement (its `AcknowledgementListener`) to the first search that"
                + " returns the point. A Flink job sends points at %.0f points/s (a rate-limited"
                + " source, parallelism 1) through `QuiverSink` (its own task) with its default batching into an"
                + " empty collection; every %d-th point is sampled; when the listener hears of its"
                + " request, a prober (2 threads) searches the node's collection service in-process"
                + " (k = 10, the point's own vector) until the point is returned; the time includes"
                + " that search. AT_LEAST_ONCE sends wait=true (checkpoints every 1 s), NONE"
                + " wait=false.%n%n",
            o.freshRate(),
            o.batch()));
    sb.append("| dim | guarantee | samples | p50 ms | p99 ms (target <= 50) | max ms |\n");
    sb.append("|---:|---|---:|---:|---:|---:|\n");
    List<String> rows = new ArrayList<>();
    for (FreshnessRun.Result f : fresh) {
      rows.add(
          String.format(
              Locale.ROOT,
              "| %d | %s | %d | %.2f | %.2f | %.2f |",
              f.dim(),
              f.guarantee().name(),
              f.samples(),
              f.p50Ms(),
              f.p99Ms(),
              f.maxMs()));
    }
    sb.append(String.join("\n", rows)).append('\n');
    return sb.toString();
  }
}
