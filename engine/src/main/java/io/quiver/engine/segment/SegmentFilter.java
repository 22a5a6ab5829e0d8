package io.quiver.engine.segment;

import io.quiver.engine.filter.Filter;
import io.quiver.engine.filter.FilterPlan;
import io.quiver.engine.filter.FilterPlanner;
import io.quiver.engine.hnsw.AcceptOrds;
import org.roaringbitmap.RoaringBitmap;

/**
 * A payload filter resolved against one segment: the per-offset test, the exact candidate offsets
 * when the payload indexes resolve the whole filter, and the estimated number of matches the
 * segment uses to choose between a scan of the candidates and a filtered graph search.
 *
 * @param accept the exact per-offset test (deleted points are the segment's business)
 * @param candidates every offset that passes, or null when the indexes cannot list them
 * @param expectedMatches the estimated number of offsets that pass
 */
public record SegmentFilter(AcceptOrds accept, RoaringBitmap candidates, long expectedMatches) {

  /** No filter: every offset passes. */
  public static SegmentFilter none(int size) {
    return new SegmentFilter(AcceptOrds.ALL, null, size);
  }

  /** {@code filter} resolved against {@code segment} (null filter: everything passes). */
  public static SegmentFilter of(Segment segment, Filter filter) {
    if (filter == null) {
      return none(segment.size());
    }
    FilterPlan plan =
        FilterPlanner.plan(filter, new SegmentPoints(segment), segment.payloadIndexes());
    return new SegmentFilter(plan::test, plan.candidates(), plan.estimate().expected());
  }

  public boolean isNone() {
    return accept == AcceptOrds.ALL;
  }
}
