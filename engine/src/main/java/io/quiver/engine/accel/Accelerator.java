package io.quiver.engine.accel;

import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.VectorValues;

/**
 * Batched vector kernels that a device can run faster than a scalar loop. Scores are the engine's
 * internal ones ({@link VectorSimilarity}: higher is better; the negated squared distance for
 * Euclid), and every vector, stored or query, is already prepared for the similarity ({@link
 * io.quiver.engine.vector.Vectors#prepare}: normalised for Cosine).
 *
 * <p>Results are ordered best first, and of equal scores the lower ordinal comes first, so two
 * implementations agree exactly except where their floating-point rounding differs, which a test
 * allows for only between scores within {@link #SCORE_TOLERANCE} of each other.
 *
 * <p>An accelerator may be used from one thread at a time; it may hold device memory and native
 * handles until {@link #close()}.
 */
public interface Accelerator extends AutoCloseable {

  /**
   * How far apart, relative to the larger magnitude (and absolutely near zero), two
   * implementations' scores of the same pair may be: float sums taken in a different order.
   */
  float SCORE_TOLERANCE = 1e-4f;

  /**
   * What built a segment, recorded in its metadata: {@code "cpu"}, or e.g. {@code "cuda:0 NVIDIA
   * H200"}.
   */
  String name();

  /**
   * The exact {@code k} best of {@code vectors} for each of {@code queryCount} queries packed
   * row-major in {@code queries} ({@code queryCount * vectors.dimension()} floats). Rows with fewer
   * than {@code k} vectors to return are padded with id {@code -1}.
   */
  Neighbors topK(
      float[] queries, int queryCount, VectorValues vectors, VectorSimilarity similarity, int k);

  /**
   * For every vector, its {@code k} best other vectors (never itself). {@link #exactGraphLimit()}
   * says up to which size this is exact; beyond it an implementation may approximate and says how
   * well in its documentation.
   */
  Neighbors knnGraph(VectorValues vectors, VectorSimilarity similarity, int k);

  /** The largest {@code k} that {@link #topK} and {@link #knnGraph} take. */
  default int maxK() {
    return Integer.MAX_VALUE;
  }

  /**
   * The largest number of vectors for which {@link #knnGraph} is exact; {@code Integer.MAX_VALUE}
   * when it always is.
   */
  int exactGraphLimit();

  /**
   * k-means of {@code n} points of {@code dim} floats packed row-major in {@code data}: {@code k *
   * dim} centroids, row-major. {@link io.quiver.engine.quant.KMeans#train} is the reference;
   * another implementation's result must reach a within-cluster sum of squares no more than 1%
   * above the reference's on the same input.
   */
  float[] kMeans(float[] data, int n, int dim, int k, int maxIterations, long seed);

  /**
   * Whether a segment build should take its graph from this accelerator's {@link #knnGraph} rather
   * than insert vector by vector on the CPU. False for the CPU reference, whose exact graph costs
   * {@code n^2} distances.
   */
  boolean buildsGraphs();

  @Override
  void close();
}
