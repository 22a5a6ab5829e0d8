package io.quiver.benchmarks.data;

/**
 * Everything one benchmark needs about its data: base vectors (ordinal = row), queries, the metric
 * and, per query, the ordinals of its exact nearest neighbours, closest first.
 *
 * @param name the name it was asked for by ({@code sift5k}, {@code gmm-20k-128})
 * @param description one line saying where the data came from
 */
public record Dataset(
    String name,
    String description,
    Metric metric,
    float[][] base,
    float[][] queries,
    int[][] groundTruth) {

  public Dataset {
    if (base.length == 0 || queries.length == 0) {
      throw new IllegalArgumentException(
          "dataset "
              + name
              + " needs base vectors and queries; got "
              + base.length
              + " and "
              + queries.length);
    }
    if (groundTruth.length != queries.length) {
      throw new IllegalArgumentException(
          "dataset "
              + name
              + ": ground truth has "
              + groundTruth.length
              + " rows for "
              + queries.length
              + " queries");
    }
    int dim = base[0].length;
    if (queries[0].length != dim) {
      throw new IllegalArgumentException(
          "dataset "
              + name
              + ": queries have dimension "
              + queries[0].length
              + " but base vectors have "
              + dim);
    }
  }

  public int size() {
    return base.length;
  }

  public int dimension() {
    return base[0].length;
  }

  /** The depth of the ground truth: how many true neighbours are known per query. */
  public int groundTruthDepth() {
    int depth = Integer.MAX_VALUE;
    for (int[] row : groundTruth) {
      depth = Math.min(depth, row.length);
    }
    return depth;
  }

  /**
   * Whether every base vector has unit length (within 1e-3), which some libraries require for DOT.
   */
  public boolean unitNorm() {
    for (float[] v : base) {
      double norm = 0;
      for (float x : v) {
        norm += (double) x * x;
      }
      if (Math.abs(Math.sqrt(norm) - 1.0) > 1e-3) {
        return false;
      }
    }
    return true;
  }
}
