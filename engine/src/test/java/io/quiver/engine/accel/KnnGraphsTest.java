package io.quiver.engine.accel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import io.quiver.engine.hnsw.AcceptOrds;
import io.quiver.engine.hnsw.HnswConfig;
import io.quiver.engine.hnsw.HnswIndex;
import io.quiver.engine.hnsw.SearchResults;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.VectorSimilarity;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The partitioned k-NN graph, on the CPU reference with clusters small enough that 30,000 vectors
 * make 15 of them: most of the exact graph, deterministic, and as good as insertion once HNSW is
 * built from it (measured 0.993 against 0.9945 at ef=32, equal from ef=64).
 */
class KnnGraphsTest {

  private static final HnswConfig CONFIG = HnswConfig.builder().m(16).efConstruct(64).build();

  @Test
  void partitionedGraphFindsMostTrueNeighboursAndBuildsAsGoodAGraph() {
    long seed = TestData.seed();
    float[][] all = TestData.gaussianMixture(30_200, 24, 3000, seed);
    ArrayVectorValues values = ArrayVectorValues.of(Arrays.copyOf(all, 30_000));
    float[][] queries = Arrays.copyOfRange(all, 30_000, all.length);
    int k = CONFIG.efConstruct();
    try (CpuAccelerator cpu = new CpuAccelerator(2)) {
      Neighbors exact = cpu.knnGraph(values, VectorSimilarity.EUCLID, k);
      Neighbors partitioned =
          KnnGraphs.partitioned(cpu, values, VectorSimilarity.EUCLID, k, 2000, seed);
      long found = 0;
      for (int node = 0; node < values.size(); node++) {
        int[] truth = Arrays.copyOfRange(exact.ids(), node * k, node * k + k);
        Arrays.sort(truth);
        int seen = -1;
        for (int r = 0; r < k; r++) {
          int id = partitioned.id(node, r);
          assertTrue(id >= 0 && id != node, "node " + node + " rank " + r + ": " + id);
          if (r > 0) {
            assertTrue(
                !TopKHeap.worse(
                    partitioned.score(node, r - 1),
                    partitioned.id(node, r - 1),
                    partitioned.score(node, r),
                    id),
                "row " + node + " out of order at " + r);
          }
          if (Arrays.binarySearch(truth, id) >= 0) {
            found++;
          }
          seen = id;
        }
        assertTrue(seen >= 0);
      }
      double graphRecall = found / ((double) k * values.size());
      // A near-uniform mixture (3,000 components) in 24 dimensions, where 64 neighbours reach far
      // across partition borders: measured 0.73 at seed 0x5EED00000001 (0.9999 with 40
      // well-separated components). What counts is the HNSW graph built from it, below.
      assertTrue(graphRecall >= 0.65, "partitioned graph recall " + graphRecall + " seed=" + seed);
      assertArrayEquals(
          partitioned.ids(),
          KnnGraphs.partitioned(cpu, values, VectorSimilarity.EUCLID, k, 2000, seed).ids(),
          "same seed, same graph");

      HnswIndex inserted = HnswIndex.build(values, VectorSimilarity.EUCLID, CONFIG, 2);
      HnswIndex fromPartitioned =
          HnswIndex.build(values, VectorSimilarity.EUCLID, CONFIG, 2, partitioned);
      for (int ef : new int[] {32, 64, 200}) {
        double a = recall(inserted, queries, ef);
        double b = recall(fromPartitioned, queries, ef);
        assertTrue(
            b >= a - 0.01,
            "ef="
                + ef
                + ": from the partitioned graph "
                + b
                + " vs inserted "
                + a
                + " seed="
                + seed);
      }
    }
  }

  private static double recall(HnswIndex index, float[][] queries, int ef) {
    long hits = 0;
    for (float[] q : queries) {
      SearchResults exact = index.exactSearch(q, 10, AcceptOrds.ALL);
      float kth = exact.score(exact.size() - 1);
      SearchResults got = index.search(q, 10, ef);
      for (int i = 0; i < got.size(); i++) {
        if (got.score(i) >= kth) {
          hits++;
        }
      }
    }
    return hits / (10.0 * queries.length);
  }
}
