package io.quiver.engine.filter;

import java.util.List;
import org.roaringbitmap.RoaringBitmap;

/** One node of a compiled filter: a bitmap from indexes, a payload check, or a boolean clause. */
abstract class PlanNode {

  abstract boolean test(int offset, FilterPlan plan);

  abstract Cardinality estimate();

  /** The exact points of this node, or null when it needs payloads. */
  RoaringBitmap exact() {
    return null;
  }

  /** A condition answered exactly by indexes or ids. */
  static final class Bitmap extends PlanNode {
    private final RoaringBitmap points;

    Bitmap(RoaringBitmap points) {
      this.points = points;
    }

    @Override
    boolean test(int offset, FilterPlan plan) {
      return points.contains(offset);
    }

    @Override
    Cardinality estimate() {
      return Cardinality.exact(points.getCardinality());
    }

    @Override
    RoaringBitmap exact() {
      return points;
    }
  }

  /** A field, is_empty, is_null or nested condition checked against the point's payload. */
  static final class Payload extends PlanNode {
    private final Condition condition;
    private final Cardinality estimate;

    Payload(Condition condition, int total) {
      assert !(condition instanceof Filter || condition instanceof Condition.HasId)
          : "filters and has_id never need payloads; got " + condition;
      this.condition = condition;
      this.estimate = Cardinality.unknown(total);
    }

    @Override
    boolean test(int offset, FilterPlan plan) {
      // These conditions never look at the id (has_id inside nested never holds).
      return FilterEvaluator.matches(condition, null, plan.payload(offset));
    }

    @Override
    Cardinality estimate() {
      return estimate;
    }
  }

  /** A filter with at least one child that needs payloads; exact children come first. */
  static final class Clause extends PlanNode {
    private final PlanNode[] must;
    private final PlanNode[] should;
    private final PlanNode[] minShould;
    private final int minCount;
    private final PlanNode[] mustNot;
    private final Cardinality estimate;

    Clause(
        List<PlanNode> must,
        List<PlanNode> should,
        List<PlanNode> minShould,
        int minCount,
        List<PlanNode> mustNot,
        Cardinality estimate) {
      this.must = must.toArray(new PlanNode[0]);
      this.should = should.toArray(new PlanNode[0]);
      this.minShould = minShould == null ? null : minShould.toArray(new PlanNode[0]);
      this.minCount = minCount;
      this.mustNot = mustNot.toArray(new PlanNode[0]);
      this.estimate = estimate;
    }

    @Override
    boolean test(int offset, FilterPlan plan) {
      for (PlanNode node : must) {
        if (!node.test(offset, plan)) {
          return false;
        }
      }
      if (should.length > 0 && !any(should, offset, plan)) {
        return false;
      }
      if (minShould != null) {
        int needed = minCount;
        for (int i = 0; i < minShould.length && needed > 0; i++) {
          if (minShould.length - i < needed) {
            return false;
          }
          if (minShould[i].test(offset, plan)) {
            needed--;
          }
        }
        if (needed > 0) {
          return false;
        }
      }
      return !any(mustNot, offset, plan);
    }

    private static boolean any(PlanNode[] nodes, int offset, FilterPlan plan) {
      for (PlanNode node : nodes) {
        if (node.test(offset, plan)) {
          return true;
        }
      }
      return false;
    }

    @Override
    Cardinality estimate() {
      return estimate;
    }
  }
}
