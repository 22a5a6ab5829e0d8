package io.quiver.benchmarks.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.benchmarks.data.GaussianMixture;
import io.quiver.benchmarks.data.GroundTruth;
import io.quiver.benchmarks.data.Metric;
import io.quiver.benchmarks.measure.Recall;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every adapter that runs on the project's baseline JDK, on a small seeded mixture with both
 * metrics and two build threads: results are valid ordinals, best first, and nearly exact at a
 * generous ef. (Lucene needs JDK 21 and is exercised by run.sh.)
 */
class AnnLibraryContractTest {

  private static final long SEED = 20261121L;
  private static final int K = 10;

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource({
    "quiver, l2", "quiver, dot",
    "jvector, l2", "jvector, dot",
    "hnswlib, l2", "hnswlib, dot",
    "exact, l2", "exact, dot"
  })
  void findsNearlyExactNeighboursAtLargeEf(String name, String metricName) throws Exception {
    Metric metric = Metric.parse(metricName);
    GaussianMixture mixture = new GaussianMixture(SEED, 17, 8, metric == Metric.DOT);
    float[][] base = mixture.base(1000);
    float[][] queries = mixture.queries(30);
    int[][] truth = GroundTruth.compute(base, queries, metric, K, 2);
    AnnLibrary lib = Libraries.create(name);
    try (AnnIndex index = lib.build(base, metric, 2)) {
      int[][] results = new int[queries.length][];
      for (int q = 0; q < queries.length; q++) {
        results[q] = index.search(queries[q], K, 200);
        assertEquals(K, results[q].length, "result count for query " + q);
        for (int i = 1; i < K; i++) {
          double prev = metric.distance(queries[q], base[results[q][i - 1]]);
          double next = metric.distance(queries[q], base[results[q][i]]);
          assertTrue(prev <= next + 1e-4 * Math.max(1, Math.abs(next)), "not best first: " + q);
        }
      }
      double recall = Recall.mean(metric, base, queries, truth, results, K);
      assertTrue(recall >= 0.95, name + " recall@10 " + recall + " (seed " + SEED + ")");
      assertTrue(index.buildNanos() >= 0);
    }
    assertTrue(!lib.vectorization().isBlank());
  }

  @ParameterizedTest
  @CsvSource({"faiss", "Lucene9"})
  void unknownLibraryIsNamed(String name) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> Libraries.create(name));
    assertTrue(e.getMessage().contains("'" + name + "'"), e.getMessage());
  }
}
