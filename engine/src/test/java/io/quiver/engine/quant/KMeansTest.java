package io.quiver.engine.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import io.quiver.engine.vector.Vectors;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class KMeansTest {

  /**
   * {@code clusters} (at most {@code 2^dim}) distinct corners of a cube of side 1000 as centres,
   * and {@code perCluster} points on average in a unit box around each.
   */
  private static float[] separated(
      float[] centres, int clusters, int perCluster, int dim, long seed) {
    for (int c = 0; c < clusters; c++) {
      for (int t = 0; t < dim; t++) {
        centres[c * dim + t] = 1000 * ((c >> t) & 1);
      }
    }
    SplittableRandom random = new SplittableRandom(seed);
    float[] data = new float[clusters * perCluster * dim];
    for (int i = 0; i < clusters * perCluster; i++) {
      int c = random.nextInt(clusters);
      for (int t = 0; t < dim; t++) {
        data[i * dim + t] = centres[c * dim + t] + (float) (random.nextDouble() - 0.5);
      }
    }
    return data;
  }

  private static float squareDistance(float[] a, int aAt, float[] b, int bAt, int dim) {
    float sum = 0;
    for (int t = 0; t < dim; t++) {
      float d = a[aAt + t] - b[bAt + t];
      sum += d * d;
    }
    return sum;
  }

  @Test
  void recoversWellSeparatedClusters() {
    long seed = TestData.seed();
    int k = 8, dim = 5;
    float[] centres = new float[k * dim];
    float[] data = separated(centres, k, 150, dim, seed);
    float[] found = KMeans.train(data, k * 150, dim, k, 20, seed, 1);
    boolean[] matched = new boolean[k];
    for (int c = 0; c < k; c++) {
      int nearest = -1;
      for (int f = 0; f < k; f++) {
        if (squareDistance(centres, c * dim, found, f * dim, dim) < 0.1f * 0.1f * dim) {
          nearest = f;
        }
      }
      assertTrue(nearest >= 0, "centre " + c + " not recovered; seed=" + seed);
      matched[nearest] = true;
    }
    for (int f = 0; f < k; f++) {
      assertTrue(matched[f], "centroid " + f + " matches no centre; seed=" + seed);
    }
  }

  @Test
  void resultDependsOnTheSeedOnlyNotOnThreads() {
    int n = 3500, dim = 6, k = 40;
    float[] data = new float[n * dim];
    float[][] rows = TestData.gaussianMixture(n, dim, 12, 21);
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows[i], 0, data, i * dim, dim);
    }
    float[] one = KMeans.train(data, n, dim, k, 10, 99, 1);
    assertArrayEquals(one, KMeans.train(data, n, dim, k, 10, 99, 1));
    assertArrayEquals(one, KMeans.train(data, n, dim, k, 10, 99, 2));
    assertArrayEquals(one, KMeans.train(data, n, dim, k, 10, 99, 3));
    assertArrayEquals(
        KMeans.assign(data, n, dim, one, k, 1), KMeans.assign(data, n, dim, one, k, 3));
    assertTrue(!Arrays.equals(one, KMeans.train(data, n, dim, k, 10, 100, 1)), "seed ignored");
  }

  /**
   * An accelerator's assignment step (here one computed point by point with {@link KMeans#nearest},
   * as a device's top-1 computes it) leaves the result the reference's bit for bit.
   */
  @Test
  void aPluggedAssignmentStepGivesTheSameCentroids() {
    int n = 5000;
    int dim = 9;
    int k = 32;
    float[] data = Vectors.pack(TestData.gaussianMixture(n, dim, 20, TestData.seed()));
    int[] calls = new int[1];
    KMeans.Assignment pointByPoint =
        (centroids, nearest, squaredDistance) -> {
          calls[0]++;
          float[][] columns = KMeans.columns(centroids, k, dim);
          float[] distances = new float[k];
          for (int i = 0; i < n; i++) {
            nearest[i] = KMeans.nearest(data, i * dim, columns, 0, dim, k, distances);
            squaredDistance[i] = distances[nearest[i]];
          }
        };
    float[] plugged = KMeans.train(data, n, dim, k, 20, 7, 1, pointByPoint);
    assertArrayEquals(KMeans.train(data, n, dim, k, 20, 7, 2), plugged);
    assertTrue(calls[0] >= 2, "the plugged step ran " + calls[0] + " times");
  }

  @Test
  void resultIsTheSameWithAndWithoutTheVectorApi() {
    // The suite runs on the SIMD and the plain path; both must reproduce this pinned result.
    int n = 1500, dim = 3, k = 20;
    float[] data = new float[n * dim];
    float[][] rows = TestData.gaussianMixture(n, dim, 6, 8);
    for (int i = 0; i < n; i++) {
      System.arraycopy(rows[i], 0, data, i * dim, dim);
    }
    float[] centroids = KMeans.train(data, n, dim, k, 15, 8, 2);
    assertEquals(
        PINNED_HASH,
        Arrays.hashCode(centroids),
        "k-means gave other centroids for a fixed seed; update the pinned value only if the"
            + " algorithm was changed on purpose");
  }

  private static final int PINNED_HASH = 641173311;

  @Test
  void assignmentIsTheNearestCentroidByBruteForce() {
    int n = 500, dim = 7, k = 33;
    SplittableRandom random = new SplittableRandom(TestData.seed());
    float[] data = new float[n * dim];
    float[] centroids = new float[k * dim];
    for (int i = 0; i < data.length; i++) {
      data[i] = (float) random.nextDouble(-1, 1);
    }
    for (int i = 0; i < centroids.length; i++) {
      centroids[i] = (float) random.nextDouble(-1, 1);
    }
    int[] assignment = KMeans.assign(data, n, dim, centroids, k, 2);
    for (int i = 0; i < n; i++) {
      float best = squareDistance(data, i * dim, centroids, assignment[i] * dim, dim);
      for (int c = 0; c < k; c++) {
        float d = squareDistance(data, i * dim, centroids, c * dim, dim);
        assertTrue(best <= d * 1.0001f + 1e-6f, "point " + i + ": " + c + " is nearer");
      }
    }
  }

  @Test
  void fewerPointsThanClustersMakesEveryPointACentroid() {
    int dim = 3;
    float[] data = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
    float[] centroids = KMeans.train(data, 5, dim, 8, 15, 1, 1);
    assertEquals(8 * dim, centroids.length);
    assertArrayEquals(data, Arrays.copyOf(centroids, 5 * dim));
    assertArrayEquals(
        Arrays.copyOf(data, 3 * dim), Arrays.copyOfRange(centroids, 5 * dim, 8 * dim));
    assertArrayEquals(new int[] {0, 1, 2, 3, 4}, KMeans.assign(data, 5, dim, centroids, 8, 1));
    assertArrayEquals(new float[4 * dim], KMeans.train(new float[0], 0, dim, 4, 15, 1, 2));
  }

  @Test
  void duplicatePointsLeaveSpareCentroidsWithoutFailing() {
    int n = 2000, dim = 2, k = 16;
    float[] data = new float[n * dim];
    for (int i = 0; i < n; i++) {
      data[i * dim] = i % 3;
      data[i * dim + 1] = -(i % 3);
    }
    float[] centroids = KMeans.train(data, n, dim, k, 15, 5, 2);
    int[] assignment = KMeans.assign(data, n, dim, centroids, k, 1);
    for (int i = 0; i < n; i++) {
      assertEquals(0f, squareDistance(data, i * dim, centroids, assignment[i] * dim, dim), 0f);
    }
  }

  @Test
  void badArgumentsAreRefusedWithTheirValues() {
    float[] data = new float[12];
    assertMessage("k must be >= 1; got 0", () -> KMeans.train(data, 4, 3, 0, 5, 1, 1));
    assertMessage("dim must be >= 1; got 0", () -> KMeans.train(data, 4, 0, 2, 5, 1, 1));
    assertMessage("n must be >= 0; got -1", () -> KMeans.train(data, -1, 3, 2, 5, 1, 1));
    assertMessage(
        "data must hold n * dim = 15 floats; got 12", () -> KMeans.train(data, 5, 3, 2, 5, 1, 1));
    assertMessage(
        "maxIterations must be >= 0; got -2", () -> KMeans.train(data, 4, 3, 2, -2, 1, 1));
    assertMessage("threads must be >= 1; got 0", () -> KMeans.train(data, 4, 3, 2, 5, 1, 0));
    assertMessage("got k=3 and 6 floats", () -> KMeans.assign(data, 4, 3, new float[6], 3, 1));
  }

  private static void assertMessage(String expected, Runnable call) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
