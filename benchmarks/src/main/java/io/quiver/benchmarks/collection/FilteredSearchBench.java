package io.quiver.benchmarks.collection;

import io.quiver.benchmarks.data.Dataset;
import io.quiver.benchmarks.data.GroundTruth;
import io.quiver.benchmarks.measure.Recall;
import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.shard.SearchRequest;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Search QPS and recall@k of an optimized collection, unfiltered and under the range and keyword
 * filters of {@link FilterFields} at each selectivity, with the engine's default search parameters
 * (ef from the index, the engine's own choice between graph and exact scan per segment).
 *
 * <p>Ground truth is exact: for each selectivity, the true nearest neighbours among the matching
 * points only, by brute force in double precision ({@link GroundTruth}). Recall@k follows {@link
 * Recall}; under a filter that matches fewer than k points, it is taken over the points there are.
 * A returned point that fails the filter stops the run: that is an engine bug, not a miss.
 *
 * <p>Timing: a warm-up that cycles through every filter and query, then per filter one untimed pass
 * for the recall, then for each thread count every thread runs queries (each from its own starting
 * point in the query list) until the minimum time has passed; QPS = queries answered by all threads
 * / wall time. Payloads are not returned (Qdrant's default), except in the row that says so.
 */
final class FilteredSearchBench {

  /** One row of the table: a filter (null for none) and what it gave per thread count. */
  record Row(
      String label, int level, boolean withPayload, long matches, double[] qps, double recall) {}

  private record Cell(String label, int level, Filter filter, boolean withPayload) {}

  private final int k;
  private final List<Integer> threads;
  private final long warmupNanos;
  private final long minTimeNanos;
  private final int rounds;
  private final PrintStream log;

  FilteredSearchBench(
      int k,
      List<Integer> threads,
      long warmupMillis,
      long minTimeMillis,
      int rounds,
      PrintStream log) {
    this.k = k;
    this.threads = List.copyOf(threads);
    this.warmupNanos = warmupMillis * 1_000_000L;
    this.minTimeNanos = minTimeMillis * 1_000_000L;
    this.rounds = rounds;
    this.log = log;
  }

  List<Row> run(QuiverCollection collection, Dataset data, FilterFields fields) throws Exception {
    List<Cell> cells = new ArrayList<>();
    cells.add(new Cell("none", FilterFields.BUCKETS, null, false));
    cells.add(new Cell("none, with payload", FilterFields.BUCKETS, null, true));
    for (int level : FilterFields.LEVELS) {
      cells.add(new Cell("range bucket < " + level, level, FilterFields.range(level), false));
      cells.add(
          new Cell(
              "keyword tags = " + FilterFields.tag(level),
              level,
              FilterFields.keyword(level),
              false));
    }
    Map<Integer, int[][]> truth = groundTruth(data, fields);
    List<SearchRequest[]> requests = new ArrayList<>();
    for (Cell cell : cells) {
      requests.add(requests(data.queries(), cell));
    }
    warmUp(collection, requests);
    int maxThreads = threads.stream().mapToInt(Integer::intValue).max().orElse(1);
    ExecutorService pool = Executors.newFixedThreadPool(maxThreads);
    try {
      List<Row> rows = new ArrayList<>();
      for (int c = 0; c < cells.size(); c++) {
        Cell cell = cells.get(c);
        long matches = checkMatches(collection, fields, cell);
        double recall = recall(collection, data, fields, cell, requests.get(c), truth);
        double[] qps = new double[threads.size()];
        for (int t = 0; t < threads.size(); t++) {
          for (int r = 0; r < rounds; r++) {
            qps[t] = Math.max(qps[t], qps(collection, requests.get(c), threads.get(t), pool));
          }
        }
        log.printf(
            "  search %s: %s, %,d matches, recall@%d %.4f, QPS %s%n",
            data.name(), cell.label, matches, k, recall, java.util.Arrays.toString(qps));
        rows.add(new Row(cell.label, cell.level, cell.withPayload, matches, qps, recall));
      }
      return rows;
    } finally {
      pool.shutdownNow();
    }
  }

  private SearchRequest[] requests(float[][] queries, Cell cell) {
    SearchRequest[] out = new SearchRequest[queries.length];
    for (int q = 0; q < queries.length; q++) {
      out[q] =
          new SearchRequest(
              "",
              queries[q],
              k,
              0,
              SearchParams.DEFAULT,
              null,
              cell.withPayload,
              false,
              cell.filter);
    }
    return out;
  }

  /** Per selectivity level, each query's true neighbours among the matching points (ordinals). */
  private Map<Integer, int[][]> groundTruth(Dataset data, FilterFields fields) {
    long start = System.nanoTime();
    Map<Integer, int[][]> out = new HashMap<>();
    List<Integer> levels = new ArrayList<>(FilterFields.LEVELS);
    levels.add(0, FilterFields.BUCKETS);
    int cpus = Runtime.getRuntime().availableProcessors();
    for (int level : levels) {
      int[] matching = fields.matching(level);
      float[][] subset = new float[matching.length][];
      for (int i = 0; i < matching.length; i++) {
        subset[i] = data.base()[matching[i]];
      }
      int depth = Math.min(k, matching.length);
      int[][] local = GroundTruth.compute(subset, data.queries(), data.metric(), depth, cpus);
      for (int[] row : local) {
        for (int i = 0; i < row.length; i++) {
          row[i] = matching[row[i]];
        }
      }
      out.put(level, local);
    }
    log.printf(
        "  ground truth for %d queries x %d filters in %.1f s%n",
        data.queries().length, levels.size(), (System.nanoTime() - start) / 1e9);
    return out;
  }

  /** The collection's exact count for the cell's filter, checked against the construction. */
  private static long checkMatches(QuiverCollection collection, FilterFields fields, Cell cell) {
    long expected = fields.matching(cell.level).length;
    long counted = collection.shard().count(cell.filter);
    if (counted != expected) {
      throw new IllegalStateException(
          "filter '" + cell.label + "' counts " + counted + " points; " + expected + " match");
    }
    return counted;
  }

  private double recall(
      QuiverCollection collection,
      Dataset data,
      FilterFields fields,
      Cell cell,
      SearchRequest[] requests,
      Map<Integer, int[][]> truth) {
    int[][] gt = truth.get(cell.level);
    double sum = 0;
    for (int q = 0; q < requests.length; q++) {
      List<ScoredPoint> hits = collection.search(requests[q]);
      int[] returned = new int[hits.size()];
      for (int i = 0; i < returned.length; i++) {
        int ord = Math.toIntExact(hits.get(i).id().num());
        if (!fields.matches(ord, cell.level)) {
          throw new IllegalStateException(
              "filter '"
                  + cell.label
                  + "' returned point "
                  + ord
                  + " whose bucket is "
                  + fields.bucket(ord));
        }
        returned[i] = ord;
      }
      int depth = gt[q].length;
      sum +=
          Recall.atK(
              data.metric(),
              data.base(),
              data.queries()[q],
              gt[q],
              returned,
              depth,
              Recall.DEFAULT_EPSILON);
    }
    return sum / requests.length;
  }

  private void warmUp(QuiverCollection collection, List<SearchRequest[]> requests) {
    long start = System.nanoTime();
    long sink = 0;
    int q = 0;
    do {
      for (SearchRequest[] cell : requests) {
        sink += collection.search(cell[q % cell.length]).size();
      }
      q++;
    } while (System.nanoTime() - start < warmupNanos);
    if (sink < 0) {
      throw new AssertionError();
    }
  }

  private double qps(
      QuiverCollection collection, SearchRequest[] requests, int threadCount, ExecutorService pool)
      throws Exception {
    CountDownLatch ready = new CountDownLatch(threadCount);
    CountDownLatch go = new CountDownLatch(1);
    long[] start = new long[1];
    List<Future<long[]>> tasks = new ArrayList<>();
    for (int t = 0; t < threadCount; t++) {
      int first = (int) ((long) t * requests.length / threadCount);
      tasks.add(
          pool.submit(
              () -> {
                ready.countDown();
                go.await();
                long t0 = start[0];
                long answered = 0;
                long sink = 0;
                int q = first;
                long now;
                do {
                  sink += collection.search(requests[q]).size();
                  q = q + 1 == requests.length ? 0 : q + 1;
                  answered++;
                  now = System.nanoTime();
                } while (now - t0 < minTimeNanos);
                return new long[] {answered, now - t0, sink};
              }));
    }
    ready.await();
    start[0] = System.nanoTime();
    go.countDown();
    long answered = 0;
    long elapsed = 0;
    for (Future<long[]> task : tasks) {
      long[] r = task.get();
      answered += r[0];
      elapsed = Math.max(elapsed, r[1]);
      if (r[2] < 0) {
        throw new AssertionError();
      }
    }
    return answered / (elapsed / 1e9);
  }
}
