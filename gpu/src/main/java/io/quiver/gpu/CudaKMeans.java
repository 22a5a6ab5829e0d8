package io.quiver.gpu;

import io.quiver.engine.accel.Neighbors;
import io.quiver.engine.quant.KMeans;
import io.quiver.gpu.CudaKernels.Scores;

/**
 * k-means with the device doing the assignment step, the part that costs {@code n * k * dim}: the
 * reference's algorithm ({@link KMeans#train} with its k-means++ seeds and its centroid update on
 * the host), given a {@link KMeans.Assignment} whose nearest centroids are the top-1 of every point
 * among the centroids ({@link TiledTopK} with {@link Scores#L2_EXACT}).
 *
 * <p>{@link Scores#L2_EXACT} rounds as {@link KMeans}'s Java loop does and the top-1 keeps the
 * lower centroid on a tie, as the reference does, so the centroids are meant to equal the
 * reference's bit for bit. Nothing here uses atomics, so two runs with one seed give the same
 * centroids.
 */
final class CudaKMeans {

  private CudaKMeans() {}

  static float[] train(
      TiledTopK topK,
      float[] data,
      int n,
      int dim,
      int k,
      int maxIterations,
      long seed,
      int threads) {
    HostRows points = HostRows.packed(data, dim);
    return KMeans.train(
        data,
        n,
        dim,
        k,
        maxIterations,
        seed,
        threads,
        (centroids, nearest, squaredDistance) -> {
          Neighbors top =
              topK.run(points, n, HostRows.packed(centroids, dim), k, Scores.L2_EXACT, 1, false);
          for (int i = 0; i < n; i++) {
            nearest[i] = top.ids()[i];
            assert nearest[i] >= 0 && nearest[i] < k : "point " + i + " assigned to " + nearest[i];
            squaredDistance[i] = -top.scores()[i];
          }
        });
  }
}
