package io.quiver.engine.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.TestData;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.OptimizerParams;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.operation.PointSelector;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.vector.VectorSimilarity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalShardTest {

  private static final int DIM = 12;
  @TempDir Path tmp;

  private static CollectionConfig config(long indexingThresholdKb) {
    return CollectionConfig.of(VectorParams.of(DIM, VectorSimilarity.EUCLID))
        .withOptimizer(OptimizerParams.defaults().withIndexingThresholdKb(indexingThresholdKb));
  }

  private static Point point(long id, float[] v) {
    ObjectNode payload = JsonNodeFactory.instance.objectNode().put("id", id).put("group", id % 5);
    return Point.of(PointId.of(id), v, payload);
  }

  private static Operation upsert(float[][] data, int from, int to) {
    List<Point> points = new ArrayList<>();
    for (int i = from; i < to; i++) {
      points.add(point(i, data[i]));
    }
    return new Operation.Upsert(points);
  }

  @Test
  void writesAreSearchableAtOnceAndSurviveRestartWithAndWithoutCheckpoint() throws IOException {
    float[][] data = TestData.gaussianMixture(600, DIM, 6, 11);
    Path dir = tmp.resolve("shard");
    try (LocalShard shard = LocalShard.open(dir, config(0), true)) {
      shard.submit(upsert(data, 0, 300), true);
      assertEquals(300, shard.count());
      List<ScoredPoint> hits = shard.search(SearchRequest.of(data[7], 3));
      assertEquals(PointId.of(7), hits.get(0).id());
      assertEquals(0f, hits.get(0).score(), 1e-6f);
      assertEquals(7, hits.get(0).payload().get("id").asInt());
      shard.optimizer().optimizeFully(); // index the first 300 and checkpoint
      assertEquals(2, shard.segmentCount());
      shard.submit(upsert(data, 300, 600), false);
      shard.submit(
          new Operation.DeletePoints(PointSelector.ids(List.of(PointId.of(7), PointId.of(400)))),
          false);
      ObjectNode change = JsonNodeFactory.instance.objectNode().put("color", "red");
      shard.submit(
          new Operation.SetPayload(
              PointSelector.ids(List.of(PointId.of(8), PointId.of(401))), change, null),
          true);
      assertEquals(598, shard.count());
    }
    try (LocalShard shard = LocalShard.open(dir, config(0), true)) {
      assertEquals(598, shard.count());
      assertTrue(shard.retrieve(List.of(PointId.of(7), PointId.of(400)), true, false).isEmpty());
      List<PointRecord> changed =
          shard.retrieve(List.of(PointId.of(8), PointId.of(401)), true, true);
      assertEquals(2, changed.size());
      for (PointRecord r : changed) {
        assertEquals("red", r.payload().get("color").asText());
        assertEquals(r.id().num(), r.payload().get("id").asLong());
      }
      assertEquals(data[8][3], changed.get(0).vectors().get("")[3], 0f);
      assertEquals(PointId.of(8), shard.search(SearchRequest.of(data[8], 1)).get(0).id());
    }
  }

  @Test
  void scrollWalksLiveIdsInOrderAcrossSegments() throws IOException {
    float[][] data = TestData.gaussianMixture(250, DIM, 6, 12);
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(0), true)) {
      shard.submit(upsert(data, 100, 250), false);
      shard.optimizer().optimizeFully();
      shard.submit(upsert(data, 0, 100), false);
      shard.submit(
          new Operation.DeletePoints(PointSelector.ids(List.of(PointId.of(5), PointId.of(150)))),
          false);
      List<Long> seen = new ArrayList<>();
      PointId from = null;
      do {
        LocalShard.ScrollPage page = shard.scroll(from, 37, false, false);
        page.points().forEach(p -> seen.add(p.id().num()));
        from = page.nextOffset();
      } while (from != null);
      assertEquals(248, seen.size());
      for (int i = 1; i < seen.size(); i++) {
        assertTrue(seen.get(i - 1) < seen.get(i));
      }
      assertTrue(!seen.contains(5L) && !seen.contains(150L));
    }
  }

  @Test
  void optimizerSwapsUnderConcurrentSearchesWithoutGapsOrDuplicates() throws Exception {
    int n = 2000;
    float[][] data = TestData.gaussianMixture(n, DIM, 8, 13);
    // A threshold of 16 KB indexes every ~340 points of 12 floats.
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(16), true)) {
      shard.submit(upsert(data, 0, 400), false);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicReference<Integer> searches = new AtomicReference<>(0);
      Thread searcher =
          new Thread(
              () -> {
                try {
                  while (!stop.get()) {
                    // Every id below 400 is always live: an exact full search must see each once.
                    List<ScoredPoint> hits =
                        shard.search(
                            new SearchRequest(
                                "",
                                data[3],
                                400,
                                0,
                                SearchParams.DEFAULT.withExact(true),
                                null,
                                false,
                                false,
                                null));
                    Set<PointId> ids = new HashSet<>();
                    for (ScoredPoint h : hits) {
                      assertTrue(ids.add(h.id()), "duplicate " + h.id());
                    }
                    for (int i = 0; i < 400; i++) {
                      assertTrue(ids.contains(PointId.of(i)) || hits.size() == 400, "missing " + i);
                    }
                    searches.set(searches.get() + 1);
                  }
                } catch (Throwable t) {
                  failure.set(t);
                }
              });
      searcher.start();
      for (int from = 400; from < n; from += 100) {
        shard.submit(upsert(data, from, from + 100), false);
        shard.optimizer().runOnce(false);
      }
      shard.optimizer().optimizeFully();
      stop.set(true);
      searcher.join();
      if (failure.get() != null) {
        throw new AssertionError(failure.get());
      }
      assertEquals(n, shard.count());
      assertTrue(shard.optimizer().finished().size() >= 4, "" + shard.optimizer().finished());
      for (int i = 0; i < n; i += 97) {
        assertEquals(PointId.of(i), shard.search(SearchRequest.of(data[i], 1)).get(0).id());
      }
    }
  }

  @Test
  void badInputIsRejectedBeforeTheLog() throws IOException {
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(0), true)) {
      float[] nan = new float[DIM];
      nan[4] = Float.POSITIVE_INFINITY;
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> shard.submit(new Operation.Upsert(List.of(point(1, nan))), true));
      assertTrue(
          e.getMessage().contains("Infinity") && e.getMessage().contains("index 4"),
          e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> shard.submit(new Operation.Upsert(List.of(point(1, new float[3]))), true));
      assertTrue(e.getMessage().contains("dimension 3"), e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  shard.submit(
                      new Operation.Upsert(
                          List.of(new Point(PointId.of(1), Map.of("img", new float[DIM]), null))),
                      true));
      assertTrue(e.getMessage().contains("'img'"), e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> shard.search(SearchRequest.of(new float[DIM + 1], 1)));
      assertTrue(e.getMessage().contains("dimension " + (DIM + 1)), e.getMessage());
      assertEquals(0, shard.lastApplied());
    }
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(0), true)) {
      assertEquals(0, shard.count());
      assertNull(shard.scroll(null, 1, false, false).nextOffset());
    }
  }

  @Test
  void malformedIndexKeyIsRejectedBeforeTheLogNotWhenApplied() throws IOException {
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(0), true)) {
      shard.submit(upsert(new float[][] {new float[DIM]}, 0, 1), true);
      shard.optimizer().optimizeFully(); // applying a DeleteFieldIndex parses it per segment
      for (String key : List.of("a[", "a..b", "")) {
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> shard.submit(new Operation.DeleteFieldIndex(key), true),
                key);
        assertTrue(e.getMessage().contains("'" + key), e.getMessage());
      }
      assertEquals(1, shard.lastApplied());
      shard.submit(new Operation.DeletePoints(PointSelector.ids(List.of(PointId.of(0)))), true);
    }
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(0), true)) {
      assertEquals(0, shard.count()); // the log replays
    }
  }
}
