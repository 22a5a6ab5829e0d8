package io.quiver.engine.point;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ShardRouterTest {

  /**
   * Routing is part of the on-disk contract (a streaming upsert must find the shard a batch build
   * put the point in), so the hashes are pinned. They equal Spark's {@code hash(col)} on a long
   * column and on a string column of canonical UUIDs (checked against Spark in the connector).
   */
  @Test
  void hashesArePinned() {
    assertEquals(-1670924195, ShardRouter.hash(PointId.of(0)));
    assertEquals(-1712319331, ShardRouter.hash(PointId.of(1)));
    assertEquals(1316951768, ShardRouter.hash(PointId.of(42)));
    assertEquals(-1596767687, ShardRouter.hash(PointId.of(1L << 40)));
    assertEquals(-1604625029, ShardRouter.hash(PointId.of(Long.MAX_VALUE)));
    assertEquals(
        630677983,
        ShardRouter.hash(PointId.of(UUID.fromString("123e4567-e89b-12d3-a456-426614174000"))));
  }

  @Test
  void shardsAreInRangeAndBalanced() {
    long seed = TestData.seed();
    SplittableRandom random = new SplittableRandom(seed);
    int shards = 8;
    int[] counts = new int[shards];
    int n = 80_000;
    for (int i = 0; i < n; i++) {
      PointId id =
          i % 2 == 0 ? PointId.of(i) : PointId.of(new UUID(random.nextLong(), random.nextLong()));
      int shard = ShardRouter.shardOf(id, shards);
      assertTrue(shard >= 0 && shard < shards, "shard " + shard + ", seed " + seed);
      counts[shard]++;
    }
    for (int c : counts) {
      assertTrue(Math.abs(c - n / shards) < n / shards / 10, "unbalanced: " + c + ", seed " + seed);
    }
  }

  @Test
  void refusesNoShards() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> ShardRouter.shardOf(PointId.of(1), 0));
    assertEquals("shard count must be >= 1; got 0", e.getMessage());
  }
}
