package io.quiver.engine.filter;

import io.quiver.engine.filter.Condition.FieldCondition;
import io.quiver.engine.filter.Condition.HasId;
import io.quiver.engine.filter.Condition.IsEmpty;
import io.quiver.engine.filter.Condition.IsNull;
import io.quiver.engine.payload.FieldIndex;
import io.quiver.engine.payload.JsonPath;
import io.quiver.engine.payload.PayloadIndexes;
import io.quiver.engine.point.PointId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/**
 * Compiles a filter against one segment: every condition an index or the id map answers exactly
 * becomes a bitmap; a clause whose children are all bitmaps becomes one bitmap; what remains is
 * checked on payloads, with the bitmap children tested first.
 *
 * <p>The indexes must be in step with the point source: every offset's payload indexed as it is
 * now.
 */
public final class FilterPlanner {

  private final PointSource source;
  private final PayloadIndexes indexes;
  private final int total;
  private RoaringBitmap universe;

  private FilterPlanner(PointSource source, PayloadIndexes indexes) {
    this.source = source;
    this.indexes = indexes == null ? new PayloadIndexes() : indexes;
    this.total = source.size();
  }

  /** Plans {@code filter} over {@code source}; {@code indexes} may be null for none. */
  public static FilterPlan plan(Filter filter, PointSource source, PayloadIndexes indexes) {
    FilterPlanner planner = new FilterPlanner(source, indexes);
    return new FilterPlan(planner.compile(filter), source);
  }

  private PlanNode compile(Filter filter) {
    List<PlanNode> must = compileAll(filter.must());
    List<PlanNode> should = compileAll(filter.should());
    List<PlanNode> mustNot = compileAll(filter.mustNot());
    List<PlanNode> minShould =
        filter.minShould() == null ? null : compileAll(filter.minShould().conditions());
    int minCount = filter.minShould() == null ? 0 : filter.minShould().minCount();

    if (allExact(must) && allExact(should) && allExact(mustNot) && allExact(minShould)) {
      return new PlanNode.Bitmap(combine(must, should, minShould, minCount, mustNot));
    }
    List<Cardinality> parts = new ArrayList<>();
    for (PlanNode node : must) {
      parts.add(node.estimate());
    }
    if (!should.isEmpty()) {
      parts.add(Cardinality.or(estimates(should), total));
    }
    if (minShould != null) {
      parts.add(Cardinality.atLeast(minCount, estimates(minShould), total));
    }
    for (PlanNode node : mustNot) {
      parts.add(Cardinality.not(node.estimate(), total));
    }
    return new PlanNode.Clause(
        exactFirst(must),
        exactFirst(should),
        minShould == null ? null : exactFirst(minShould),
        minCount,
        exactFirst(mustNot),
        Cardinality.and(parts, total));
  }

  private List<PlanNode> compileAll(List<Condition> conditions) {
    List<PlanNode> nodes = new ArrayList<>(conditions.size());
    for (Condition c : conditions) {
      nodes.add(compile(c));
    }
    return nodes;
  }

  private PlanNode compile(Condition c) {
    if (c instanceof Filter f) {
      return compile(f);
    }
    if (c instanceof HasId h) {
      RoaringBitmap points = new RoaringBitmap();
      for (PointId id : h.ids()) {
        int offset = source.offsetOf(id);
        if (offset >= 0) {
          points.add(offset);
        }
      }
      return new PlanNode.Bitmap(points);
    }
    if (c instanceof IsEmpty e) {
      FieldIndex<?> index = anyIndex(e.key());
      if (index != null) {
        return new PlanNode.Bitmap(RoaringBitmap.andNot(universe(), index.nonEmptyPoints()));
      }
    } else if (c instanceof IsNull n) {
      FieldIndex<?> index = anyIndex(n.key());
      if (index != null) {
        return new PlanNode.Bitmap(index.nullPoints());
      }
    } else if (c instanceof FieldCondition f) {
      RoaringBitmap points = IndexLookup.answer(f, indexes.indexes(f.key()));
      if (points != null) {
        return new PlanNode.Bitmap(points);
      }
    }
    return new PlanNode.Payload(c, total);
  }

  private FieldIndex<?> anyIndex(JsonPath key) {
    Collection<FieldIndex<?>> onKey = indexes.indexes(key);
    return onKey.isEmpty() ? null : onKey.iterator().next();
  }

  private RoaringBitmap combine(
      List<PlanNode> must,
      List<PlanNode> should,
      List<PlanNode> minShould,
      int minCount,
      List<PlanNode> mustNot) {
    RoaringBitmap result = universe().clone();
    for (PlanNode node : must) {
      result.and(node.exact());
    }
    if (!should.isEmpty()) {
      RoaringBitmap any = new RoaringBitmap();
      for (PlanNode node : should) {
        any.or(node.exact());
      }
      result.and(any);
    }
    if (minShould != null) {
      result.and(atLeast(minCount, minShould));
    }
    for (PlanNode node : mustNot) {
      result.andNot(node.exact());
    }
    return result;
  }

  /** Offsets in at least {@code k} of the nodes' bitmaps. */
  private RoaringBitmap atLeast(int k, List<PlanNode> nodes) {
    if (k == 0) {
      return universe();
    }
    if (k > nodes.size()) {
      return new RoaringBitmap();
    }
    // reached[j]: offsets in at least j + 1 of the bitmaps seen so far
    RoaringBitmap[] reached = new RoaringBitmap[k];
    for (int j = 0; j < k; j++) {
      reached[j] = new RoaringBitmap();
    }
    for (PlanNode node : nodes) {
      RoaringBitmap set = node.exact();
      for (int j = k - 1; j >= 1; j--) {
        reached[j].or(RoaringBitmap.and(reached[j - 1], set));
      }
      reached[0].or(set);
    }
    return reached[k - 1];
  }

  private RoaringBitmap universe() {
    if (universe == null) {
      universe = RoaringBitmap.bitmapOfRange(0, total);
    }
    return universe;
  }

  private static boolean allExact(List<PlanNode> nodes) {
    if (nodes == null) {
      return true;
    }
    for (PlanNode node : nodes) {
      if (node.exact() == null) {
        return false;
      }
    }
    return true;
  }

  private static List<Cardinality> estimates(List<PlanNode> nodes) {
    List<Cardinality> out = new ArrayList<>(nodes.size());
    for (PlanNode node : nodes) {
      out.add(node.estimate());
    }
    return out;
  }

  private static List<PlanNode> exactFirst(List<PlanNode> nodes) {
    List<PlanNode> ordered = new ArrayList<>(nodes.size());
    for (PlanNode node : nodes) {
      if (node.exact() != null) {
        ordered.add(node);
      }
    }
    for (PlanNode node : nodes) {
      if (node.exact() == null) {
        ordered.add(node);
      }
    }
    return ordered;
  }
}
