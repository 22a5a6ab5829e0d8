package io.quiver.engine.hnsw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.VectorSimilarity;
import java.util.HashSet;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A filtered walk whose beam may widen: where the filter rejects the query's neighbourhood while it
 * accepts half of the index elsewhere, the beam widens and recall holds; where the filter is
 * unrelated to the vectors, it finds what it expected and stays as wide as planned.
 */
class FilterBeamTest {

  private static final int N = 20_000;
  private static final int DIM = 32;
  private static final int CLUSTERS = 16;
  private static final int QUERIES = 40;

  private static float[][] data;
  private static int[] cluster;
  private static float[][] queries;
  private static HnswIndex index;

  @BeforeAll
  static void build() {
    SplittableRandom random = new SplittableRandom(TestData.seed());
    float[][] centres = new float[CLUSTERS][DIM];
    for (float[] c : centres) {
      for (int i = 0; i < DIM; i++) {
        c[i] = (float) (random.nextDouble() * 2 - 1);
      }
    }
    data = new float[N][];
    cluster = new int[N];
    for (int i = 0; i < N; i++) {
      cluster[i] = random.nextInt(CLUSTERS);
      data[i] = near(centres[cluster[i]], random);
    }
    queries = new float[QUERIES][];
    for (int q = 0; q < QUERIES; q++) {
      // Every query next to a cluster of the first half.
      queries[q] = near(centres[random.nextInt(CLUSTERS / 2)], random);
    }
    index =
        HnswIndex.build(
            ArrayVectorValues.of(data),
            VectorSimilarity.EUCLID,
            HnswConfig.builder().m(16).efConstruct(100).build(),
            2);
  }

  private static float[] near(float[] centre, SplittableRandom random) {
    float[] v = new float[centre.length];
    for (int i = 0; i < v.length; i++) {
      double u = 1.0 - random.nextDouble();
      double w = random.nextDouble();
      v[i] = centre[i] + (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w) * 0.3);
    }
    return v;
  }

  private record Outcome(double recall, long visited) {}

  private static Outcome run(AcceptOrds accept, FilterBeam beam) {
    // The beam a plan gives a query with hnsw_ef 64 at 50 %: 64 / sqrt(0.5), free to widen to 512.
    SearchParams params = SearchParams.ef(91);
    int found = 0;
    long visited = 0;
    for (float[] q : queries) {
      SearchResults approx = index.search(q, 10, params, accept, beam);
      SearchResults exact = index.exactSearch(q, 10, accept);
      Set<Integer> truth = new HashSet<>();
      for (int i = 0; i < exact.size(); i++) {
        truth.add(exact.ord(i));
      }
      assertEquals(10, approx.size());
      for (int i = 0; i < approx.size(); i++) {
        assertTrue(accept.accept(approx.ord(i)));
        found += truth.contains(approx.ord(i)) ? 1 : 0;
      }
      visited += approx.visited();
    }
    return new Outcome(found / (10.0 * QUERIES), visited / QUERIES);
  }

  @Test
  void theBeamWidensWhereTheFilterRejectsTheQuerysNeighbourhood() {
    AcceptOrds farHalf = ord -> cluster[ord] >= CLUSTERS / 2;
    Outcome fixed = run(farHalf, null);
    Outcome widening = run(farHalf, new FilterBeam(0.5, 512));
    String report = "fixed beam " + fixed + ", widening beam " + widening;
    System.out.println("FilterBeamTest anti-correlated 50 %: " + report);
    assertTrue(widening.recall() >= 0.95, report);
    assertTrue(widening.visited() > fixed.visited(), report);
  }

  @Test
  void theBeamStaysAsPlannedWhereTheFilterIsUnrelatedToTheVectors() {
    AcceptOrds half = ord -> (ord * 7919L) % 2 == 0;
    Outcome fixed = run(half, null);
    Outcome widening = run(half, new FilterBeam(0.5, 512));
    String report = "fixed beam " + fixed + ", widening beam " + widening;
    System.out.println("FilterBeamTest uncorrelated 50 %: " + report);
    assertTrue(widening.recall() >= 0.95, report);
    assertTrue(widening.visited() <= fixed.visited() * 1.1, report);
  }

  @Test
  void refusesBadBounds() {
    assertThrows(IllegalArgumentException.class, () -> new FilterBeam(0, 10));
    assertThrows(IllegalArgumentException.class, () -> new FilterBeam(1.5, 10));
    assertThrows(IllegalArgumentException.class, () -> new FilterBeam(0.5, 0));
  }
}
