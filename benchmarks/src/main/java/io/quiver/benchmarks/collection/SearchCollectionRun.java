package io.quiver.benchmarks.collection;

import io.quiver.benchmarks.data.Dataset;
import io.quiver.benchmarks.measure.HeapMeter;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.point.Point;
import io.quiver.engine.segment.ImmutableSegment;
import io.quiver.engine.shard.OptimizationProgress;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.engine.store.FileTrees;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One dataset in one {@link Variant}, start to finish: a fresh collection with integer and keyword
 * indexes on {@code bucket} and {@code tags} (created first, as Qdrant advises), every point
 * upserted ({@code batch} points per call, one writer, {@code wait = false}), {@code optimize()}
 * until nothing is left to index or merge, the {@link FilteredSearchBench}, and the collection's
 * memory: its directory on disk, and the live heap it holds when opened again.
 */
final class SearchCollectionRun {

  /**
   * @param upsertSeconds wall time of the upserts (the background optimizer may already index
   *     during it)
   * @param optimizeSeconds wall time of {@code optimize()} after them: what was left to index and
   *     merge
   * @param segmentSizes points of each immutable segment, largest first
   * @param fullScanThreshold the engine scans a segment (or a filter's matches in it) holding fewer
   *     vectors than this instead of walking its graph
   * @param optimizations what the optimizer did from the first upsert to the end of {@code
   *     optimize()}, per kind: count and seconds
   * @param heapBytes live heap the reopened collection holds after one pass of queries
   * @param diskBytes the collection directory, WAL included
   * @param walBytes the WAL's files
   */
  record Result(
      Dataset data,
      Variant variant,
      int batch,
      double upsertSeconds,
      double optimizeSeconds,
      List<Integer> segmentSizes,
      int fullScanThreshold,
      String optimizations,
      List<FilteredSearchBench.Row> rows,
      long heapBytes,
      long diskBytes,
      long walBytes) {

    int points() {
      return data.size();
    }
  }

  private final Path workDir;
  private final int batch;
  private final FilteredSearchBench search;
  private final long seed;
  private final PrintStream log;

  SearchCollectionRun(
      Path workDir, int batch, FilteredSearchBench search, long seed, PrintStream log) {
    this.workDir = workDir;
    this.batch = batch;
    this.search = search;
    this.seed = seed;
    this.log = log;
  }

  Result run(Dataset data, Variant variant) throws Exception {
    Path dir = Files.createTempDirectory(workDir, "search-");
    try {
      Result loaded = loadAndSearch(dir, data, variant);
      List<Integer> sizes = segmentSizes(dir.resolve("shard").resolve("segments"));
      long[] disk = BenchPoints.diskBytes(dir, dir.resolve("shard").resolve("wal"));
      long heap = reopenedHeap(dir, data);
      log.printf(
          "  memory %s %s: heap %,d B, disk %,d B (WAL %,d B)%n",
          data.name(), variant.label(), heap, disk[0], disk[1]);
      return new Result(
          data,
          variant,
          batch,
          loaded.upsertSeconds,
          loaded.optimizeSeconds,
          sizes,
          loaded.fullScanThreshold,
          loaded.optimizations,
          loaded.rows,
          heap,
          disk[0],
          disk[1]);
    } finally {
      FileTrees.delete(dir);
    }
  }

  /**
   * Loads, optimizes and searches the collection in {@code dir}; the result has no memory figures
   * yet. A method of its own so that nothing it used is still reachable when the heap is measured.
   */
  private Result loadAndSearch(Path dir, Dataset data, Variant variant) throws Exception {
    FilterFields fields = new FilterFields(data.size(), seed);
    List<Point> points = BenchPoints.of(data.base(), data.size(), fields);
    CollectionConfig config = variant.config(data.dimension(), data.metric());
    int fullScanThreshold = config.vector("").hnsw().toConfig(data.dimension()).fullScanThreshold();
    try (QuiverCollection c = QuiverCollection.create(dir, config)) {
      c.createFieldIndex("bucket", "integer", true);
      c.createFieldIndex("tags", "keyword", true);
      long startMillis = System.currentTimeMillis();
      long start = System.nanoTime();
      for (int from = 0; from < points.size(); from += batch) {
        c.upsert(points.subList(from, Math.min(points.size(), from + batch)), false);
      }
      long upserted = System.nanoTime();
      c.optimize();
      long optimized = System.nanoTime();
      double upsertSeconds = (upserted - start) / 1e9;
      double optimizeSeconds = (optimized - upserted) / 1e9;
      if (c.count() != data.size()) {
        throw new IllegalStateException(
            "collection counts " + c.count() + " points after loading " + data.size());
      }
      log.printf(
          "  load %s %s: %,d points upserted in %.2f s, optimize() %.2f s, %d segments%n",
          data.name(),
          variant.label(),
          data.size(),
          upsertSeconds,
          optimizeSeconds,
          c.segmentCount());
      String optimizations = optimizations(c, startMillis);
      log.printf("  optimizations %s: %s%n", data.name(), optimizations);
      List<FilteredSearchBench.Row> rows = search.run(c, data, fields);
      return new Result(
          data,
          variant,
          batch,
          upsertSeconds,
          optimizeSeconds,
          List.of(),
          fullScanThreshold,
          optimizations,
          rows,
          0,
          0,
          0);
    }
  }

  /** Per kind of optimization started since {@code sinceMillis}: {@code "indexing 3 (4.1 s)"}. */
  private static String optimizations(QuiverCollection c, long sinceMillis) {
    Map<String, long[]> byKind = new TreeMap<>();
    for (OptimizationProgress p : c.shard().optimizer().finished()) {
      if (p.startedAtMillis() >= sinceMillis) {
        long[] countAndMillis = byKind.computeIfAbsent(p.kind(), kind -> new long[2]);
        countAndMillis[0]++;
        countAndMillis[1] += p.finishedAtMillis() - p.startedAtMillis();
      }
    }
    List<String> parts = new ArrayList<>();
    byKind.forEach(
        (kind, cm) ->
            parts.add(String.format(Locale.ROOT, "%s %d (%.1f s)", kind, cm[0], cm[1] / 1000.0)));
    return parts.isEmpty() ? "none" : String.join(", ", parts);
  }

  /**
   * Points per immutable segment in {@code segmentsDir} (of a closed collection), largest first.
   */
  private static List<Integer> segmentSizes(Path segmentsDir) throws IOException {
    List<Integer> sizes = new ArrayList<>();
    try (var dirs = Files.list(segmentsDir)) {
      for (Path dir : dirs.sorted().toList()) {
        ImmutableSegment segment = ImmutableSegment.open(dir, null);
        try {
          sizes.add(segment.size());
        } finally {
          segment.close();
        }
      }
    }
    sizes.sort(Comparator.reverseOrder());
    return sizes;
  }

  /**
   * The live heap the collection in {@code dir} holds once reopened and queried: a reading before
   * opening, one after a pass of unfiltered and filtered queries with the collection still open.
   */
  private static long reopenedHeap(Path dir, Dataset data) throws Exception {
    // Twice: the first collection frees direct buffers and mappings through cleaners, which the
    // first full collection only queues.
    HeapMeter.liveBytes();
    long before = HeapMeter.liveBytes();
    try (QuiverCollection c = QuiverCollection.open(dir)) {
      long sink = 0;
      for (float[] q : data.queries()) {
        sink += c.search(SearchRequest.of(q, 10)).size();
        for (int level : FilterFields.LEVELS) {
          sink += c.search(SearchRequest.of(q, 10).withFilter(FilterFields.range(level))).size();
          sink += c.search(SearchRequest.of(q, 10).withFilter(FilterFields.keyword(level))).size();
        }
      }
      long after = HeapMeter.liveBytes();
      if (sink < 0) {
        throw new AssertionError();
      }
      return after - before;
    }
  }
}
