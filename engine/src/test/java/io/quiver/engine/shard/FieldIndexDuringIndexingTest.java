package io.quiver.engine.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quiver.engine.TestData;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.payload.JsonPath;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.segment.ImmutableSegment;
import io.quiver.engine.vector.VectorSimilarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A payload index created while the optimizer builds a segment must end up in that segment too: the
 * shard lists the index, so every segment is expected to carry it.
 */
class FieldIndexDuringIndexingTest {

  private static final int N = 20_000;
  private static final int DIM = 32;

  @TempDir Path tmp;

  @Test
  void anIndexCreatedDuringABuildIsInTheBuiltSegment() throws Exception {
    float[][] data = TestData.gaussianMixture(N, DIM, 8, 41);
    CollectionConfig config = CollectionConfig.of(VectorParams.of(DIM, VectorSimilarity.EUCLID));
    Path dir = tmp.resolve("s");
    try (LocalShard shard = LocalShard.open(dir, config, true)) {
      List<Point> points = new ArrayList<>();
      for (int i = 0; i < N; i++) {
        points.add(
            Point.of(
                PointId.of(i), data[i], JsonNodeFactory.instance.objectNode().put("g", i % 10)));
      }
      shard.submit(new Operation.Upsert(points), false);
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread optimizer =
          new Thread(
              () -> {
                try {
                  shard.optimizer().optimizeFully();
                } catch (Throwable t) {
                  failure.set(t);
                }
              });
      optimizer.start();
      // The build has started (and taken the index list) once its progress shows.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (shard.optimizer().running() == null && optimizer.isAlive()) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("the optimizer did not start building");
        }
        Thread.onSpinWait();
      }
      assertNotNull(shard.optimizer().running(), "the build finished before it was observed");
      shard.submit(new Operation.CreateFieldIndex("g", "integer"), true);
      optimizer.join();
      assertNull(failure.get());
      assertEquals(2, shard.segmentCount());
      assertFalse(indexes(shard).isEmpty(), "the built segment has no index on g");
    }
    try (LocalShard shard = LocalShard.open(dir, config, true)) {
      assertFalse(indexes(shard).isEmpty(), "after a restart, the segment has no index on g");
    }
  }

  private static java.util.Collection<?> indexes(LocalShard shard) {
    ImmutableSegment segment = (ImmutableSegment) shard.segments().get(0);
    return segment.payloadIndexes().indexes(JsonPath.parse("g"));
  }
}
