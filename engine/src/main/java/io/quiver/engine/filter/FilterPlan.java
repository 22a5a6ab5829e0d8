package io.quiver.engine.filter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.roaringbitmap.RoaringBitmap;

/**
 * A filter compiled against one segment by {@link FilterPlanner}: its cardinality estimate, a
 * per-offset predicate that agrees with {@link FilterEvaluator} on every point, and, when indexes
 * answer the whole filter, the exact bitmap of matching offsets. Deleted points are the caller's
 * business: it ANDs its own live bitmap.
 *
 * <p>A plan caches the payload it last read, so one plan serves one thread at a time.
 */
public final class FilterPlan {

  private final PlanNode root;
  private final PointSource source;
  private int cachedOffset = -1;
  private ObjectNode cachedPayload;

  FilterPlan(PlanNode root, PointSource source) {
    this.root = root;
    this.source = source;
  }

  public Cardinality estimate() {
    return root.estimate();
  }

  /** Whether the point at {@code offset} passes the filter. */
  public boolean test(int offset) {
    cachedOffset = -1;
    cachedPayload = null;
    return root.test(offset, this);
  }

  /** Whether {@link #candidates()} is available: indexes and ids answer the whole filter. */
  public boolean isExact() {
    return root.exact() != null;
  }

  /** A copy of the exact matching offsets, or null when the filter needs payload checks. */
  public RoaringBitmap candidates() {
    RoaringBitmap exact = root.exact();
    return exact == null ? null : exact.clone();
  }

  ObjectNode payload(int offset) {
    if (offset != cachedOffset) {
      cachedPayload = source.payload(offset);
      cachedOffset = offset;
    }
    return cachedPayload;
  }
}
