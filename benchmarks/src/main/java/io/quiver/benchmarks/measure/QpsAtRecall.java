package io.quiver.benchmarks.measure;

import java.util.List;

/**
 * The throughput a library reaches at a target recall, read off its ef sweep: walking the points in
 * increasing ef, the first point at or above the target and its predecessor are joined by a
 * straight line in (recall, QPS), and the QPS at the target is read from that line. When even the
 * smallest ef is above the target, its QPS is returned (a lower bound: a smaller ef might be faster
 * still). When no point reaches the target, the answer is {@link Double#NaN} ("n/a").
 */
public final class QpsAtRecall {

  private QpsAtRecall() {}

  /**
   * @param points the sweep, in increasing ef
   */
  public static double at(List<SweepPoint> points, double target) {
    for (int i = 0; i < points.size(); i++) {
      SweepPoint hi = points.get(i);
      if (hi.recall() >= target) {
        if (i == 0) {
          return hi.qps();
        }
        SweepPoint lo = points.get(i - 1);
        double span = hi.recall() - lo.recall();
        if (span <= 0) {
          return hi.qps();
        }
        double t = (target - lo.recall()) / span;
        return lo.qps() + t * (hi.qps() - lo.qps());
      }
    }
    return Double.NaN;
  }

  /** Whether even the smallest ef reaches {@code target}, so {@link #at} is only a lower bound. */
  public static boolean belowSweep(List<SweepPoint> points, double target) {
    return !points.isEmpty() && points.get(0).recall() >= target;
  }
}
