package io.quiver.engine.accel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import io.quiver.engine.quant.KMeans;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.Vectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What every {@link Accelerator} must do, checked against an independent oracle: scores recomputed
 * in double precision, and {@link KMeans} for clustering. An implementation's test extends this and
 * says how to open it; {@link CpuAcceleratorTest} runs it on the reference, the {@code gpu} module
 * on the device.
 *
 * <p>Sizes and dimensions are odd on purpose (loop tails, partial tiles). Data is seeded from
 * {@link TestData#seed()}, printed in every failure message.
 */
public abstract class AcceleratorContract {

  /** Opens the accelerator under test; called before every test. */
  protected abstract Accelerator open();

  protected Accelerator accelerator;
  protected final long seed = TestData.seed();

  @BeforeEach
  void openAccelerator() {
    accelerator = open();
  }

  @AfterEach
  void closeAccelerator() {
    accelerator.close();
  }

  @ParameterizedTest
  @EnumSource(VectorSimilarity.class)
  void topKIsExact(VectorSimilarity similarity) {
    for (int dim : new int[] {1, 7, 129}) {
      float[][] data = prepare(similarity, TestData.gaussianMixture(3001, dim, 17, seed + dim));
      float[][] queries = prepare(similarity, TestData.gaussianMixture(37, dim, 17, seed - dim));
      int k = 10;
      Neighbors got =
          accelerator.topK(
              Vectors.pack(queries), queries.length, ArrayVectorValues.of(data), similarity, k);
      for (int q = 0; q < queries.length; q++) {
        checkExactRow(
            got, q, queries[q], data, similarity, -1, similarity + " dim=" + dim + " query " + q);
      }
    }
  }

  @Test
  void topKPadsRowsWhenKExceedsTheVectors() {
    float[][] data = TestData.gaussianMixture(5, 3, 2, seed);
    Neighbors got =
        accelerator.topK(
            Vectors.pack(data),
            data.length,
            ArrayVectorValues.of(data),
            VectorSimilarity.EUCLID,
            8);
    for (int q = 0; q < data.length; q++) {
      assertEquals(5, got.count(q), "row " + q + " seed=" + seed);
      assertEquals(q, got.id(q, 0), "a vector is its own nearest; seed=" + seed);
      for (int r = 5; r < 8; r++) {
        assertEquals(-1, got.id(q, r));
      }
    }
  }

  @Test
  void equalScoresRankTheLowerIdFirst() {
    // Exact duplicates score bit-for-bit equally on any implementation.
    float[][] data = new float[40][];
    float[][] distinct = TestData.gaussianMixture(8, 5, 2, seed);
    for (int i = 0; i < data.length; i++) {
      data[i] = distinct[i % distinct.length];
    }
    Neighbors got =
        accelerator.topK(
            Vectors.pack(distinct),
            distinct.length,
            ArrayVectorValues.of(data),
            VectorSimilarity.DOT,
            5);
    for (int q = 0; q < distinct.length; q++) {
      for (int r = 1; r < 5; r++) {
        if (got.score(q, r) == got.score(q, r - 1)) {
          assertTrue(got.id(q, r) > got.id(q, r - 1), "row " + q + " rank " + r + " seed=" + seed);
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = VectorSimilarity.class,
      names = {"EUCLID", "COSINE"})
  void knnGraphIsExactAndNeverHoldsTheNodeItself(VectorSimilarity similarity) {
    float[][] data = prepare(similarity, TestData.gaussianMixture(2003, 33, 20, seed));
    ArrayVectorValues values = ArrayVectorValues.of(data);
    assertTrue(accelerator.exactGraphLimit() >= data.length, "the contract's graph is exact");
    int k = 16;
    Neighbors graph = accelerator.knnGraph(values, similarity, k);
    assertEquals(data.length, graph.rows());
    for (int node = 0; node < data.length; node += 7) {
      for (int r = 0; r < k; r++) {
        assertTrue(graph.id(node, r) != node, "node " + node + " lists itself; seed=" + seed);
      }
      checkExactRow(graph, node, data[node], data, similarity, node, similarity + " node " + node);
    }
  }

  @Test
  void kMeansIsAsGoodAsTheReference() {
    int n = 20_011;
    int dim = 12;
    int k = 64;
    float[] data = Vectors.pack(TestData.gaussianMixture(n, dim, 40, seed));
    float[] reference = KMeans.train(data, n, dim, k, 25, seed, 1);
    float[] got = accelerator.kMeans(data, n, dim, k, 25, seed);
    assertEquals(k * dim, got.length);
    double expected = inertia(data, n, dim, reference, k);
    double actual = inertia(data, n, dim, got, k);
    assertTrue(
        actual <= expected * 1.01,
        "within-cluster sum of squares " + actual + " vs reference " + expected + " seed=" + seed);
    assertArrayEquals(
        got, accelerator.kMeans(data, n, dim, k, 25, seed), "same seed, same centroids");
  }

  @Test
  void badArgumentsAreRefusedByName() {
    float[][] data = TestData.gaussianMixture(10, 4, 2, seed);
    ArrayVectorValues values = ArrayVectorValues.of(data);
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> accelerator.topK(Vectors.pack(data), 10, values, VectorSimilarity.DOT, 0));
    assertTrue(e.getMessage().contains("k must be >= 1; got 0"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> accelerator.topK(new float[7], 2, values, VectorSimilarity.DOT, 3));
    assertTrue(e.getMessage().contains("queries must hold"), e.getMessage());
  }

  /**
   * Row {@code row} of {@code got} against a double-precision brute force over {@code data}: every
   * score is right, the order is best first (lower id on equal scores), and no vector left out
   * scores better than the last one kept, beyond what rounding allows.
   */
  private void checkExactRow(
      Neighbors got,
      int row,
      float[] query,
      float[][] data,
      VectorSimilarity similarity,
      int skip,
      String what) {
    int k = got.k();
    int expectedCount = Math.min(k, data.length - (skip >= 0 ? 1 : 0));
    assertEquals(expectedCount, got.count(row), what + " seed=" + seed);
    boolean[] kept = new boolean[data.length];
    for (int r = 0; r < expectedCount; r++) {
      int id = got.id(row, r);
      assertTrue(id >= 0 && id < data.length && !kept[id], what + ": bad or repeated id " + id);
      kept[id] = true;
      double exact = score(similarity, query, data[id]);
      assertTrue(
          close(got.score(row, r), exact),
          what
              + ": score of "
              + id
              + " is "
              + got.score(row, r)
              + ", exact "
              + exact
              + " seed="
              + seed);
      if (r > 0) {
        float prev = got.score(row, r - 1);
        float cur = got.score(row, r);
        assertTrue(
            prev > cur || (prev == cur && got.id(row, r - 1) < id),
            what + ": rank " + r + " out of order; seed=" + seed);
      }
    }
    double last = got.score(row, expectedCount - 1);
    for (int id = 0; id < data.length; id++) {
      if (id != skip && !kept[id]) {
        double s = score(similarity, query, data[id]);
        assertTrue(
            s <= last || close((float) s, last),
            what
                + ": "
                + id
                + " scores "
                + s
                + " but the last kept scores "
                + last
                + " seed="
                + seed);
      }
    }
  }

  private static boolean close(float a, double b) {
    double scale = Math.max(1, Math.max(Math.abs(a), Math.abs(b)));
    return Math.abs(a - b) <= Accelerator.SCORE_TOLERANCE * scale;
  }

  static double score(VectorSimilarity similarity, float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      switch (similarity) {
        case DOT, COSINE -> s += (double) a[i] * b[i];
        case EUCLID -> s -= ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
        case MANHATTAN -> s -= Math.abs((double) a[i] - b[i]);
      }
    }
    return s;
  }

  static double inertia(float[] data, int n, int dim, float[] centroids, int k) {
    double total = 0;
    for (int i = 0; i < n; i++) {
      double best = Double.POSITIVE_INFINITY;
      for (int c = 0; c < k; c++) {
        double d = 0;
        for (int t = 0; t < dim; t++) {
          double x = data[i * dim + t] - centroids[c * dim + t];
          d += x * x;
        }
        best = Math.min(best, d);
      }
      total += best;
    }
    return total;
  }

  static float[][] prepare(VectorSimilarity similarity, float[][] vectors) {
    float[][] out = new float[vectors.length][];
    for (int i = 0; i < vectors.length; i++) {
      out[i] = Vectors.prepare(similarity, vectors[i]);
    }
    return out;
  }
}
