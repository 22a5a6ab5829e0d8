package io.quiver.benchmarks.measure;

import java.util.List;

/**
 * The ef sweep of a quantized index at one oversampling factor.
 *
 * @param oversampling the factor: {@code ceil(k * oversampling)} quantized candidates rescored
 * @param points the sweep, in increasing ef
 */
public record OversampledSweep(double oversampling, List<SweepPoint> points) {

  public OversampledSweep {
    points = List.copyOf(points);
  }

  /**
   * The sweep to report: the one with the highest QPS at {@code target} recall (interpolated as in
   * {@link QpsAtRecall}); when none reaches the target, the one with the highest recall, and among
   * equal recalls the faster. Ties go to the smaller oversampling (the earlier sweep).
   */
  public static OversampledSweep best(List<OversampledSweep> sweeps, double target) {
    if (sweeps.isEmpty()) {
      throw new IllegalArgumentException("no sweeps to choose from");
    }
    OversampledSweep best = sweeps.get(0);
    for (OversampledSweep s : sweeps.subList(1, sweeps.size())) {
      if (better(s, best, target)) {
        best = s;
      }
    }
    return best;
  }

  private static boolean better(OversampledSweep a, OversampledSweep b, double target) {
    double qa = QpsAtRecall.at(a.points, target);
    double qb = QpsAtRecall.at(b.points, target);
    if (!Double.isNaN(qa) || !Double.isNaN(qb)) {
      return Double.isNaN(qb) || (!Double.isNaN(qa) && qa > qb);
    }
    SweepPoint ma = maxRecall(a.points);
    SweepPoint mb = maxRecall(b.points);
    if (ma == null || mb == null) {
      return mb == null && ma != null;
    }
    return ma.recall() > mb.recall() || (ma.recall() == mb.recall() && ma.qps() > mb.qps());
  }

  /** The point of highest recall (the first of equals), or null for an empty sweep. */
  public static SweepPoint maxRecall(List<SweepPoint> points) {
    SweepPoint best = null;
    for (SweepPoint p : points) {
      if (best == null || p.recall() > best.recall()) {
        best = p;
      }
    }
    return best;
  }
}
