package io.quiver.gpu;

import io.quiver.engine.accel.Neighbors;
import io.quiver.engine.quant.KMeans;
import io.quiver.gpu.CudaKernels.Scores;
import java.util.Arrays;

/**
 * k-means with the device doing the assignment step, the part that costs {@code n * k * dim}:
 * k-means++ seeds from the reference ({@link KMeans#train} with no iteration), then Lloyd
 * iterations whose nearest centroids come from the top-1 of every point among the centroids ({@link
 * TiledTopK} with {@link Scores#L2_EXACT}), and whose centroid update runs on the host, in point
 * order and in double precision, exactly as the reference's does, re-seeding an empty cluster with
 * the point farthest from its centroid.
 *
 * <p>{@link Scores#L2_EXACT} rounds as {@link KMeans}'s Java loop does and the top-1 keeps the
 * lower centroid on a tie, as the reference does, so the centroids are meant to equal the
 * reference's bit for bit; the update mirrors {@code KMeans.update}, which is private to the
 * engine. Nothing here uses atomics, so two runs with one seed give the same centroids.
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
    // Checks every argument and handles n <= k, as the reference does.
    float[] centroids = KMeans.train(data, n, dim, k, 0, seed, threads);
    if (n <= k || maxIterations == 0) {
      return centroids;
    }
    HostRows points = HostRows.packed(data, dim);
    HostRows centres = HostRows.packed(centroids, dim);
    int[] assignment = new int[n];
    Arrays.fill(assignment, -1);
    float[] distance = new float[n];
    for (int iteration = 0; iteration < maxIterations; iteration++) {
      Neighbors nearest = topK.run(points, n, centres, k, Scores.L2_EXACT, 1, false);
      int changed = 0;
      for (int i = 0; i < n; i++) {
        int c = nearest.ids()[i];
        assert c >= 0 && c < k : "point " + i + " assigned to " + c;
        distance[i] = -nearest.scores()[i];
        if (assignment[i] != c) {
          assignment[i] = c;
          changed++;
        }
      }
      if (changed == 0) {
        break;
      }
      update(data, n, dim, k, assignment, distance, centroids);
    }
    return centroids;
  }

  /** Moves every centroid to the mean of its points; re-seeds empty clusters (KMeans.update). */
  static void update(
      float[] data, int n, int dim, int k, int[] assignment, float[] distance, float[] centroids) {
    double[] sums = new double[k * dim];
    int[] counts = new int[k];
    for (int i = 0; i < n; i++) {
      int c = assignment[i];
      counts[c]++;
      for (int t = 0, at = c * dim, from = i * dim; t < dim; t++) {
        sums[at + t] += data[from + t];
      }
    }
    for (int c = 0; c < k; c++) {
      int at = c * dim;
      if (counts[c] > 0) {
        for (int t = 0; t < dim; t++) {
          centroids[at + t] = (float) (sums[at + t] / counts[c]);
        }
        continue;
      }
      int far = farthest(distance, n);
      if (distance[far] > 0) {
        System.arraycopy(data, far * dim, centroids, at, dim);
        // Taken: the next empty cluster gets the next farthest point.
        distance[far] = 0;
      }
    }
  }

  /** The index of the largest of {@code values[0 .. n)}, the first on a tie. */
  private static int farthest(float[] values, int n) {
    int far = 0;
    for (int i = 1; i < n; i++) {
      if (values[i] > values[far]) {
        far = i;
      }
    }
    return far;
  }
}
