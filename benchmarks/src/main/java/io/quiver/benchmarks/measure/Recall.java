package io.quiver.benchmarks.measure;

import io.quiver.benchmarks.data.Metric;

/**
 * Recall@k by the ann-benchmarks rule: a returned point is a hit when its true distance to the
 * query is no larger than the distance of the k-th true neighbour (plus a small relative
 * tolerance). Points tied with the k-th neighbour therefore count as hits even when the ground
 * truth listed a different one of them. Distances are recomputed here from the vectors, in double
 * precision, so a library's own score (scaled, approximate, float) cannot flatter it.
 */
public final class Recall {

  /** Relative tolerance on the k-th neighbour's distance. */
  public static final double DEFAULT_EPSILON = 1e-6;

  private Recall() {}

  /**
   * The fraction of the first {@code k} distinct ordinals in {@code returned} that are within the
   * k-th true neighbour's distance of {@code query}.
   *
   * @param trueNeighbours exact neighbours of the query, closest first; at least {@code k} of them
   */
  public static double atK(
      Metric metric,
      float[][] base,
      float[] query,
      int[] trueNeighbours,
      int[] returned,
      int k,
      double epsilon) {
    if (trueNeighbours.length < k) {
      throw new IllegalArgumentException(
          "recall@"
              + k
              + " needs at least "
              + k
              + " true neighbours; got "
              + trueNeighbours.length);
    }
    double kth = metric.distance(query, base[trueNeighbours[k - 1]]);
    double threshold = kth + epsilon * Math.max(Math.abs(kth), 1.0);
    int hits = 0;
    int seen = 0;
    for (int i = 0; i < returned.length && seen < k; i++) {
      int ord = returned[i];
      if (isDuplicate(returned, i)) {
        continue;
      }
      seen++;
      if (ord >= 0 && ord < base.length && metric.distance(query, base[ord]) <= threshold) {
        hits++;
      }
    }
    return hits / (double) k;
  }

  /**
   * Mean recall@k over all queries; {@code results[q]} holds what the library returned for query q.
   */
  public static double mean(
      Metric metric,
      float[][] base,
      float[][] queries,
      int[][] groundTruth,
      int[][] results,
      int k) {
    double sum = 0;
    for (int q = 0; q < queries.length; q++) {
      sum += atK(metric, base, queries[q], groundTruth[q], results[q], k, DEFAULT_EPSILON);
    }
    return sum / queries.length;
  }

  private static boolean isDuplicate(int[] returned, int i) {
    for (int j = 0; j < i; j++) {
      if (returned[j] == returned[i]) {
        return true;
      }
    }
    return false;
  }
}
