package io.quiver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quiver.engine.point.PointId;
import io.quiver.engine.point.ShardRouter;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;
import java.util.UUID;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.hash.Murmur3_x86_32;
import org.junit.jupiter.api.Test;

/**
 * The engine's shard routing is the hash Spark partitions a long or string column with; the write
 * relies on it to give each task exactly one shard.
 */
class ShardRouterSparkTest {

  private static final long SEED = 0x5EED_0006L;

  @Test
  void numericIdsHashLikeSparkLongColumns() {
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 0; i < 10_000; i++) {
      long id = i < 5000 ? i : random.nextLong() >>> 1;
      int spark = Murmur3_x86_32.hashLong(id, ShardRouter.SEED);
      assertEquals(spark, ShardRouter.hash(PointId.of(id)), "id " + id + ", seed " + SEED);
      for (int shards : new int[] {1, 2, 3, 8, 13}) {
        assertEquals(
            Math.floorMod(spark, shards), ShardRouter.shardOf(PointId.of(id), shards), "id " + id);
      }
    }
  }

  @Test
  void uuidIdsHashLikeSparkStringColumnsOfCanonicalUuids() {
    SplittableRandom random = new SplittableRandom(SEED);
    for (int i = 0; i < 2000; i++) {
      UUID uuid = new UUID(random.nextLong(), random.nextLong());
      byte[] bytes = uuid.toString().getBytes(StandardCharsets.UTF_8);
      int spark =
          Murmur3_x86_32.hashUnsafeBytes(
              bytes, Platform.BYTE_ARRAY_OFFSET, bytes.length, ShardRouter.SEED);
      assertEquals(spark, ShardRouter.hash(PointId.of(uuid)), "uuid " + uuid);
    }
  }
}
