package io.quiver.gpu;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import io.quiver.engine.accel.Accelerator;
import io.quiver.engine.accel.CpuAccelerator;
import io.quiver.engine.accel.Neighbors;
import io.quiver.engine.quant.KMeans;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.VecFiles;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.Vectors;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The device against the CPU reference on real data (SIFT 5k: 5,000 base vectors, 100 queries, 128
 * dimensions): the same neighbours up to ties, the same k-means centroids, and results that do not
 * depend on how the work was tiled. Runs only where a CUDA device opens.
 */
@RequiresCudaDevice
class CudaMatchesCpuTest {

  private static float[][] base;
  private static float[][] queries;
  private static int[][] groundTruth;
  private static CudaAccelerator gpu;
  private static CudaAccelerator tiny;
  private static CpuAccelerator cpu;

  @BeforeAll
  static void load() throws IOException {
    Path sift = TestData.sharedData().resolve("sift5k-ngt");
    base = VecFiles.readFvecs(sift.resolve("sift5k_base.fvecs"));
    queries = VecFiles.readFvecs(sift.resolve("sift5k_query.fvecs"));
    groundTruth = VecFiles.readIvecs(sift.resolve("sift5k_groundtruth_l2_top100.ivecs"));
    gpu = CudaTestSupport.openOrFail(0);
    tiny = CudaTestSupport.openOrFail(CudaTestSupport.TINY_BUDGET);
    cpu = new CpuAccelerator(4);
  }

  @AfterAll
  static void close() {
    if (gpu != null) {
      gpu.close();
    }
    if (tiny != null) {
      tiny.close();
    }
  }

  /**
   * SIFT components are integers below 256, so every partial sum of a squared distance is an
   * integer below 2^24 and exact in float: the device must return the exact ground truth (ties to
   * the lower id, as it was computed), in one tile and in many.
   */
  @Test
  void euclidTopKIsTheExactGroundTruth() {
    for (CudaAccelerator accelerator : new CudaAccelerator[] {gpu, tiny}) {
      Neighbors got =
          accelerator.topK(
              Vectors.pack(queries),
              queries.length,
              ArrayVectorValues.of(base),
              VectorSimilarity.EUCLID,
              100);
      for (int q = 0; q < queries.length; q++) {
        int[] row = Arrays.copyOfRange(got.ids(), q * 100, q * 100 + 100);
        assertArrayEquals(groundTruth[q], row, accelerator.name() + " query " + q);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(VectorSimilarity.class)
  void topKMatchesTheCpuUpToTies(VectorSimilarity similarity) {
    float[][] data = prepare(similarity, base);
    float[][] q = prepare(similarity, queries);
    ArrayVectorValues values = ArrayVectorValues.of(data);
    Neighbors expected = cpu.topK(Vectors.pack(q), q.length, values, similarity, 100);
    Neighbors got = gpu.topK(Vectors.pack(q), q.length, values, similarity, 100);
    assertSameUpToTies(expected, got, similarity.toString());
    assertSameBits(
        got, tiny.topK(Vectors.pack(q), q.length, values, similarity, 100), "tiny tiles");
  }

  @ParameterizedTest
  @EnumSource(
      value = VectorSimilarity.class,
      names = {"EUCLID", "COSINE"})
  void knnGraphMatchesTheCpuUpToTies(VectorSimilarity similarity) {
    ArrayVectorValues values = ArrayVectorValues.of(prepare(similarity, Arrays.copyOf(base, 2000)));
    Neighbors expected = cpu.knnGraph(values, similarity, 32);
    Neighbors got = gpu.knnGraph(values, similarity, 32);
    assertSameUpToTies(expected, got, similarity + " graph");
    for (int node = 0; node < got.rows(); node++) {
      for (int r = 0; r < got.k(); r++) {
        assertTrue(got.id(node, r) != node, "node " + node + " lists itself");
      }
    }
    assertSameBits(got, tiny.knnGraph(values, similarity, 32), "tiny tiles");
  }

  /**
   * The assignment step rounds as the reference's does and the update is the reference's, so the
   * centroids are equal bit for bit, not merely as good.
   */
  @Test
  void kMeansGivesTheReferencesCentroids() {
    float[] data = Vectors.pack(base);
    int n = base.length;
    int dim = base[0].length;
    float[] expected = KMeans.train(data, n, dim, 64, 20, 42, 1);
    assertArrayEquals(expected, gpu.kMeans(data, n, dim, 64, 20, 42));
    assertArrayEquals(expected, tiny.kMeans(data, n, dim, 64, 20, 42));
  }

  /**
   * Per rank, the scores agree within {@link Accelerator#SCORE_TOLERANCE}; an id only one side
   * keeps scores within the tolerance of the last one kept (a tie at the cut, rounded apart).
   */
  private static void assertSameUpToTies(Neighbors expected, Neighbors got, String what) {
    assertEquals(expected.rows(), got.rows(), what);
    assertEquals(expected.k(), got.k(), what);
    for (int row = 0; row < expected.rows(); row++) {
      assertEquals(expected.count(row), got.count(row), what + " row " + row);
      int count = expected.count(row);
      Set<Integer> expectedIds = new HashSet<>();
      for (int r = 0; r < count; r++) {
        assertTrue(
            close(expected.score(row, r), got.score(row, r)),
            what
                + " row "
                + row
                + " rank "
                + r
                + ": "
                + got.score(row, r)
                + " vs "
                + expected.score(row, r));
        expectedIds.add(expected.id(row, r));
      }
      float last = expected.score(row, count - 1);
      for (int r = 0; r < count; r++) {
        if (!expectedIds.contains(got.id(row, r))) {
          assertTrue(
              close(got.score(row, r), last),
              what + " row " + row + ": " + got.id(row, r) + " is no tie at the cut");
        }
      }
    }
  }

  /** Each pair's score is computed the same way in any tile, and the merge order is total. */
  private static void assertSameBits(Neighbors expected, Neighbors got, String what) {
    assertArrayEquals(expected.ids(), got.ids(), what);
    assertArrayEquals(expected.scores(), got.scores(), what);
  }

  private static boolean close(float a, float b) {
    float scale = Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
    return Math.abs(a - b) <= Accelerator.SCORE_TOLERANCE * scale;
  }

  private static float[][] prepare(VectorSimilarity similarity, float[][] vectors) {
    float[][] out = new float[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      out[i] = Vectors.prepare(similarity, vectors[i]);
    }
    return out;
  }
}
