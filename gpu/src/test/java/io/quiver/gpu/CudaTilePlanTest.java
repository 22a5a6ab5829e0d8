package io.quiver.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The tiling arithmetic, which runs without a device: every plan fits its budget. */
class CudaTilePlanTest {

  @Test
  void everythingInOneTileWhenItFits() {
    TilePlan plan = TilePlan.of(1L << 30, 37, 3001, 129, 10);
    assertEquals(new TilePlan(37, 3001, 1), plan);
  }

  @Test
  void theTinyTestBudgetCutsTheContractsDataIntoManyTiles() {
    long budget = CudaTestSupport.TINY_BUDGET;
    TilePlan topK = TilePlan.of(budget, 37, 3001, 129, 10);
    assertTrue(TilePlan.tiles(3001, topK.vectorTile()) >= 4, topK.toString());
    assertEquals(2, topK.vectorBuffers());
    TilePlan graph = TilePlan.of(budget, 2003, 2003, 33, 16);
    assertTrue(TilePlan.tiles(2003, graph.queryTile()) >= 4, graph.toString());
    assertTrue(TilePlan.tiles(2003, graph.vectorTile()) >= 4, graph.toString());
    TilePlan kMeans = TilePlan.of(budget, 20_011, 64, 12, 1);
    assertTrue(TilePlan.tiles(20_011, kMeans.queryTile()) >= 4, kMeans.toString());
  }

  @Test
  void everyPlanFitsItsBudgetAndCoversTheData() {
    long seed = TestData.seed();
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < 10_000; i++) {
      int queries = 1 + random.nextInt(random.nextBoolean() ? 100 : 1_000_000);
      int vectors = 1 + random.nextInt(random.nextBoolean() ? 100 : 10_000_000);
      int dim = 1 + random.nextInt(random.nextBoolean() ? 64 : 5000);
      int k = 1 + random.nextInt(256);
      long minimum = TilePlan.deviceBytes(1, 1, vectors > 1 ? 2 : 1, dim, k);
      long budget = minimum + (long) (random.nextDouble() * random.nextDouble() * (1L << 34));
      TilePlan plan = TilePlan.of(budget, queries, vectors, dim, k);
      String what = plan + " for " + queries + "x" + vectors + " dim=" + dim + " k=" + k;
      assertTrue(plan.deviceBytes(dim, k) <= budget, what + " over " + budget + "; seed=" + seed);
      assertTrue(plan.queryTile() >= 1 && plan.queryTile() <= queries, what);
      assertTrue(plan.vectorTile() >= 1 && plan.vectorTile() <= vectors, what);
      assertTrue(plan.queryTile() <= TilePlan.MAX_QUERY_TILE, what);
      assertTrue(plan.vectorTile() <= TilePlan.MAX_VECTOR_TILE, what);
      assertTrue((long) plan.vectorTile() * dim <= Math.max(dim, TilePlan.MAX_TILE_FLOATS), what);
      assertEquals(plan.vectorTile() < vectors ? 2 : 1, plan.vectorBuffers(), what);
    }
  }

  @Test
  void aBudgetTooSmallForOneQueryAndOneVectorIsRefusedWithTheNumbers() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> TilePlan.of(1000, 5, 5, 129, 10));
    assertTrue(e.getMessage().contains("budget of 1000 bytes"), e.getMessage());
    assertTrue(e.getMessage().contains("dimension 129 with k=10"), e.getMessage());
  }
}
