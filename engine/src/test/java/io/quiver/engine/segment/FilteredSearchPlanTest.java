package io.quiver.engine.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.hnsw.AcceptOrds;
import io.quiver.engine.hnsw.SearchParams;
import org.junit.jupiter.api.Test;
import org.roaringbitmap.RoaringBitmap;

/** The choice between a scan and a graph walk, and the sampled estimate behind it. */
class FilteredSearchPlanTest {

  private static final int SIZE = 50_000;

  /** Offsets whose scrambled value falls below {@code permille} of 1000. */
  private static AcceptOrds share(int permille) {
    return ord -> (ord * 7919L) % 1000 < permille;
  }

  private static RoaringBitmap candidates(int permille) {
    RoaringBitmap out = new RoaringBitmap();
    for (int ord = 0; ord < SIZE; ord++) {
      if (share(permille).accept(ord)) {
        out.add(ord);
      }
    }
    return out;
  }

  private static FilteredSearchPlan plan(SegmentFilter filter, int fullScanThreshold) {
    return FilteredSearchPlan.choose(
        filter, SearchParams.DEFAULT, 10, SIZE, 100, fullScanThreshold);
  }

  @Test
  void fewMatchesAreScannedManyWalkTheGraphWithAWiderBeam() {
    // 1 %: a beam of 800 would visit the whole segment; the scan scores 500 points.
    FilteredSearchPlan few = plan(new SegmentFilter(share(10), candidates(10), 500), 0);
    assertTrue(few.scan(), "" + few);
    assertEquals(500, few.matches());
    // 50 %: 25,000 matches, a beam of 142 nodes, free to widen 8-fold.
    FilteredSearchPlan many = plan(new SegmentFilter(share(500), candidates(500), 25_000), 0);
    assertFalse(many.scan(), "" + many);
    assertEquals(142, many.params().ef());
    assertEquals(0.5, many.beam().selectivity(), 1e-9);
    assertEquals(800, many.beam().maxEf());
    // 5 %: 2,500 squared is below 448 x 50,000, so still a scan; 10 %: 5,000 squared is not.
    assertTrue(plan(new SegmentFilter(share(50), candidates(50), 2500), 0).scan());
    assertFalse(plan(new SegmentFilter(share(100), candidates(100), 5000), 0).scan());
    // Below the full-scan threshold, always a scan (strictly below, as Qdrant compares).
    assertTrue(plan(new SegmentFilter(share(500), candidates(500), 25_000), 25_001).scan());
    assertFalse(plan(new SegmentFilter(share(500), candidates(500), 25_000), 25_000).scan());
    // An hnsw_ef of the query's own is the beam it widens from.
    FilteredSearchPlan ef64 =
        FilteredSearchPlan.choose(
            new SegmentFilter(share(500), candidates(500), 25_000),
            SearchParams.ef(64),
            10,
            SIZE,
            100,
            0);
    assertEquals(91, ef64.params().ef());
    assertEquals(512, ef64.beam().maxEf());
  }

  @Test
  void filtersWithoutAnIndexAreSampledWhenTheGuessWouldWalkTheGraph() {
    // The planner guesses half the segment for a payload condition; the sample finds 1 %.
    FilteredSearchPlan restrictive = plan(new SegmentFilter(share(10), null, SIZE / 2), 0);
    assertTrue(restrictive.scan(), "" + restrictive);
    assertEquals(500, restrictive.matches(), 150);
    FilteredSearchPlan broad = plan(new SegmentFilter(share(400), null, SIZE / 2), 0);
    assertFalse(broad.scan(), "" + broad);
    assertEquals(20_000, broad.matches(), 2_000);
    // The same sample every time.
    assertEquals(broad.matches(), plan(new SegmentFilter(share(400), null, SIZE / 2), 0).matches());
    // A guess that already means a scan is not sampled.
    int[] tested = new int[1];
    AcceptOrds counting =
        ord -> {
          tested[0]++;
          return false;
        };
    assertTrue(plan(new SegmentFilter(counting, null, 100), 0).scan());
    assertEquals(0, tested[0]);
  }

  @Test
  void theSampleCountsEveryOffsetOfASmallSegmentAndStaysNearTheTruthOfALargeOne() {
    assertEquals(100, FilteredSearchPlan.sampleMatches(share(100), 1000));
    assertEquals(0, FilteredSearchPlan.sampleMatches(share(100), 0));
    for (int permille : new int[] {1, 10, 100, 500, 900}) {
      long estimate = FilteredSearchPlan.sampleMatches(share(permille), 1_000_000);
      double truth = 1_000_000 * permille / 1000.0;
      // Three standard deviations of a binomial sample of 1024.
      double tolerance = 3 * Math.sqrt(1024 * (permille / 1000.0) * (1 - permille / 1000.0));
      assertEquals(truth, estimate, tolerance * 1_000_000 / 1024 + 1, "at " + permille);
    }
  }
}
