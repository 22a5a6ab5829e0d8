package io.quiver.engine.segment;

import io.quiver.engine.hnsw.AcceptOrds;
import io.quiver.engine.hnsw.FilterBeam;
import io.quiver.engine.hnsw.SearchParams;
import java.util.SplittableRandom;

/**
 * How an immutable segment answers one filtered query: by scanning the points that pass (the
 * filter's index candidates, or every offset with the filter's test), or by walking the graph with
 * a beam sized for the filter.
 *
 * <p>A beam of {@code ef} accepted results, at selectivity {@code s}, visits about {@code ef / s}
 * nodes before it fills, and until it fills the walk expands every node it reaches. So the graph is
 * worth walking only while {@code ef / s} nodes are fewer than the {@code matches = s * size}
 * points a scan scores: the plan scans when {@code matches^2 <= ef * size}, with {@code ef} the
 * widened beam below (at 50,000 points and an ef of 100: up to about 4,200 matches, 8 %), and
 * always below {@code full_scan_threshold} matches, Qdrant's rule. A walk whose beam cannot fill
 * would visit the whole segment and still score more points than the scan.
 *
 * <p>The beam starts at {@code ef / sqrt(s)}, at most 8-fold (50 %: 1.4x, 10 %: 3.2x), and widens
 * further, up to 8-fold in all, where the walk finds matches more rarely than {@code s} promised
 * ({@link FilterBeam}): a filter that rejects the query's whole neighbourhood while it accepts half
 * of the segment elsewhere.
 *
 * <p>An index tells exactly how many points pass. Payload conditions without one leave the filter
 * planner with a guess (half the segment); when that guess would send the query to the graph, the
 * filter is tested on a fixed stratified sample of {@value #SAMPLE} offsets instead, in ascending
 * order so that payloads are read block by block (after Qdrant's sampled cardinality check).
 *
 * @param scan whether to scan rather than walk the graph
 * @param params the query's parameters with the beam's initial width
 * @param matches how many points pass, exactly (index) or estimated
 * @param beam how the walk's beam may widen (null for a scan)
 */
record FilteredSearchPlan(boolean scan, SearchParams params, long matches, FilterBeam beam) {

  static final int SAMPLE = 1024;
  private static final long SAMPLE_SEED = 0x5A4D_504C_4531L;
  private static final int MAX_WIDENING = 8;
  private static final int MAX_EF = 65_536;

  /**
   * Plans a query for the {@code k} best of the {@code size} offsets of a segment that pass {@code
   * filter} (which must not be {@link SegmentFilter#none}).
   *
   * @param efConstruct the beam width a query without {@code hnsw_ef} gets
   * @param fullScanThreshold filters that pass fewer points than this are answered by a scan
   */
  static FilteredSearchPlan choose(
      SegmentFilter filter,
      SearchParams params,
      int k,
      int size,
      int efConstruct,
      int fullScanThreshold) {
    assert !filter.isNone() : "an unfiltered query has nothing to plan";
    int ef = Math.max(k, params.ef() == 0 ? efConstruct : params.ef());
    long matches =
        filter.candidates() != null
            ? filter.candidates().getLongCardinality()
            : filter.expectedMatches();
    if (filter.candidates() == null
        && !scans(matches, widened(ef, matches, size), size, fullScanThreshold)) {
      matches = sampleMatches(filter.accept(), size);
    }
    int widenedEf = widened(ef, matches, size);
    if (scans(matches, widenedEf, size, fullScanThreshold)) {
      return new FilteredSearchPlan(true, params, matches, null);
    }
    FilterBeam beam =
        new FilterBeam(
            selectivity(matches, size), (int) Math.min(MAX_EF, (long) MAX_WIDENING * ef));
    return new FilteredSearchPlan(false, params.withEf(widenedEf), matches, beam);
  }

  private static boolean scans(long matches, int ef, int size, int fullScanThreshold) {
    return matches < fullScanThreshold || (double) matches * matches <= (double) ef * size;
  }

  private static double selectivity(long matches, int size) {
    return Math.max(1e-3, Math.min(1.0, (double) matches / Math.max(1, size)));
  }

  /** The initial beam for {@code matches} of {@code size}: {@code ef / sqrt(selectivity)}. */
  static int widened(int ef, long matches, int size) {
    long widened =
        Math.min(
            (long) MAX_WIDENING * ef, (long) Math.ceil(ef / Math.sqrt(selectivity(matches, size))));
    return (int) Math.min(MAX_EF, widened);
  }

  /**
   * The number of offsets in {@code [0, size)} that {@code accept} allows, estimated from one
   * offset drawn in each of {@value #SAMPLE} equal strides (every offset of a smaller segment). The
   * sample is the same for every query, so a plan is reproducible.
   */
  static long sampleMatches(AcceptOrds accept, int size) {
    int draws = Math.min(size, SAMPLE);
    SplittableRandom random = new SplittableRandom(SAMPLE_SEED);
    int hits = 0;
    for (int i = 0; i < draws; i++) {
      long from = (long) i * size / draws;
      long to = (long) (i + 1) * size / draws;
      hits += accept.accept((int) (from + random.nextLong(to - from))) ? 1 : 0;
    }
    return draws == 0 ? 0 : Math.round((double) hits * size / draws);
  }
}
