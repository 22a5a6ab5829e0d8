package io.quiver.cluster.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.cluster.AliasOperation;
import io.quiver.cluster.CollectionInfo;
import io.quiver.cluster.CollectionSettings;
import io.quiver.cluster.ConflictException;
import io.quiver.cluster.NotFoundException;
import io.quiver.cluster.SnapshotDescription;
import io.quiver.cluster.SnapshotVersion;
import io.quiver.cluster.UpdateResult;
import io.quiver.cluster.VersionedUpdateResult;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.operation.PointSelector;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.segment.SegmentMeta;
import io.quiver.engine.shard.SearchRequest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalCollectionServiceTest {

  private static final int DIM = 8;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir Path tmp;

  private static CollectionConfig config() throws IOException {
    return CollectionConfig.fromJson(
        MAPPER.readTree(
            "{\"vectors\": {\"size\": "
                + DIM
                + ", \"distance\": \"Euclid\"},"
                + " \"optimizers_config\": {\"indexing_threshold\": 0}}"));
  }

  private static float[] vector(Random random) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = random.nextFloat();
    }
    return v;
  }

  /** Points {@code from..to-1} whose payload says which batch ({@code tag}) wrote them. */
  private static Operation upsert(int from, int to, String tag) {
    Random random = new Random(from);
    List<Point> points = new ArrayList<>();
    for (int i = from; i < to; i++) {
      ObjectNode payload = JsonNodeFactory.instance.objectNode().put("tag", tag).put("n", i);
      points.add(Point.of(PointId.of(i), vector(random), payload));
    }
    return new Operation.Upsert(points);
  }

  private LocalCollectionService open() throws IOException {
    return LocalCollectionService.open(tmp.resolve("storage"), List.of());
  }

  @Test
  void collectionsAndAliasesLiveAcrossRestarts() throws Exception {
    try (LocalCollectionService service = open()) {
      service.createCollection("docs", config(), new CollectionSettings(3, 1, 1, false));
      service.createCollection("other", config(), CollectionSettings.DEFAULT);
      assertThrows(
          ConflictException.class,
          () -> service.createCollection("docs", config(), CollectionSettings.DEFAULT));
      service.update("docs", upsert(0, 100, "a"), true);
      service.update("docs", new Operation.CreateFieldIndex("tag", "keyword"), true);
      service.updateAliases(
          List.of(
              new AliasOperation.Create("latest", "docs"),
              new AliasOperation.Create("old", "other"),
              new AliasOperation.Rename("old", "previous")));
      assertEquals(Map.of("latest", "docs", "previous", "other"), service.aliases());
      assertEquals(100, service.count("latest", null));

      // All or nothing: the second action fails, the first is not applied.
      assertThrows(
          NotFoundException.class,
          () ->
              service.updateAliases(
                  List.of(
                      new AliasOperation.Create("x", "docs"),
                      new AliasOperation.Delete("no-such-alias"))));
      assertFalse(service.exists("x"));
      assertThrows(
          ConflictException.class,
          () -> service.updateAliases(List.of(new AliasOperation.Create("other", "docs"))));
      assertThrows(
          ConflictException.class,
          () -> service.createCollection("latest", config(), CollectionSettings.DEFAULT));
    }
    try (LocalCollectionService service = open()) {
      assertEquals(List.of("docs", "other"), service.listCollections());
      assertEquals(List.of("latest"), service.aliasesOf("docs"));
      assertEquals(List.of("latest"), service.aliasesOf("latest"), "an alias names its collection");
      CollectionInfo info = service.info("latest");
      assertEquals("docs", info.name());
      assertEquals(100, info.pointsCount());
      assertEquals(3, info.settings().shardNumber());
      assertFalse(info.settings().onDiskPayload());
      assertEquals(List.of(new SegmentMeta.IndexedField("tag", "keyword")), info.payloadSchema());

      assertTrue(service.deleteCollection("docs"));
      assertFalse(service.deleteCollection("docs"));
      assertFalse(service.exists("latest"), "a deleted collection's aliases go with it");
      NotFoundException e =
          assertThrows(NotFoundException.class, () -> service.count("docs", null));
      assertEquals("collection 'docs' does not exist", e.getMessage());
      assertEquals(Map.of("previous", "other"), service.aliases());
    }
  }

  @Test
  void aBatchOfWritesIsCheckedWholeBeforeAnyIsLogged() throws Exception {
    try (LocalCollectionService service = open()) {
      service.createCollection("docs", config(), CollectionSettings.DEFAULT);
      Operation wrongDimension =
          new Operation.Upsert(List.of(Point.of(PointId.of(99), new float[DIM + 1], null)));
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> service.update("docs", List.of(upsert(0, 10, "a"), wrongDimension), true));
      assertTrue(e.getMessage().startsWith("operations[1]: "), e.getMessage());
      assertTrue(e.getMessage().contains("dimension " + (DIM + 1)), e.getMessage());
      assertEquals(0, service.count("docs", null), "nothing of the batch was applied");

      List<UpdateResult> results =
          service.update(
              "docs",
              List.of(
                  upsert(0, 10, "a"),
                  new Operation.DeletePoints(PointSelector.ids(List.of(PointId.of(3))))),
              true);
      assertEquals(2, results.size());
      assertTrue(results.get(0).operationId() < results.get(1).operationId());
      assertTrue(results.get(1).completed());
      assertEquals(9, service.count("docs", null));
    }
  }

  @Test
  void badNamesAreRefusedWithTheNameInTheMessage() throws Exception {
    try (LocalCollectionService service = open()) {
      for (String bad : List.of("", "a/b", "..", ".hidden", "x\u0001", "a\\b", "x".repeat(256))) {
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> service.createCollection(bad, config(), CollectionSettings.DEFAULT));
        assertTrue(e.getMessage().startsWith("collection name '" + bad + "'"), e.getMessage());
      }
      assertTrue(service.listCollections().isEmpty());
      try (var files = Files.list(tmp.resolve("storage/collections"))) {
        assertEquals(0, files.count());
      }
    }
  }

  @Test
  void readsGoOnWhileAVersionIsPreparedAndWritesWaitForTheCutOver() throws Exception {
    try (LocalCollectionService service = open()) {
      service.createCollection("docs", config(), CollectionSettings.DEFAULT);
      service.update("docs", upsert(0, 10, "a"), true);
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        AtomicReference<Future<UpdateResult>> write = new AtomicReference<>();
        service
            .hosted("docs")
            .versionChange(
                h -> {
                  // What a snapshot restore does here takes seconds on a large collection.
                  long count = await(pool.submit(() -> service.count("docs", null)));
                  assertEquals(10, count, "a read while the version is prepared");
                  write.set(pool.submit(() -> service.update("docs", upsert(10, 20, "b"), true)));
                  assertThrows(
                      TimeoutException.class,
                      () -> write.get().get(300, TimeUnit.MILLISECONDS),
                      "a write waits for the cut-over");
                  return null;
                });
        await(write.get());
        assertEquals(20, service.count("docs", null));
      } finally {
        pool.shutdownNow();
      }
    }
  }

  private static <T> T await(Future<T> future) throws IOException {
    try {
      return future.get(30, TimeUnit.SECONDS);
    } catch (InterruptedException | ExecutionException | TimeoutException e) {
      throw new IOException(e);
    }
  }

  @Test
  void updateCollectionChangesTheConfigAndKeepsThePoints() throws Exception {
    try (LocalCollectionService service = open()) {
      service.createCollection("docs", config(), CollectionSettings.DEFAULT);
      service.update("docs", upsert(0, 50, "a"), true);
      service.updateCollection(
          "docs",
          MAPPER.readTree(
              "{\"optimizers_config\": {\"indexing_threshold\": 20000},"
                  + " \"hnsw_config\": {\"m\": 8}, \"params\": {\"replication_factor\": 2}}"));
      CollectionInfo info = service.info("docs");
      assertEquals(20_000, info.config().optimizer().indexingThresholdKb());
      assertEquals(8, info.config().vectors().get("").hnsw().m());
      assertEquals(2, info.settings().replicationFactor());
      assertEquals(50, info.pointsCount());
      assertFalse(info.config().vectors().get("").onDisk());
      service.updateCollection(
          "docs", MAPPER.readTree("{\"vectors\": {\"\": {\"on_disk\": true}}}"));
      assertTrue(service.info("docs").config().vectors().get("").onDisk());
      IllegalArgumentException notBoolean =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  service.updateCollection(
                      "docs", MAPPER.readTree("{\"vectors\": {\"\": {\"on_disk\": 1}}}")));
      assertTrue(notBoolean.getMessage().contains("on_disk"), notBoolean.getMessage());

      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> service.updateCollection("docs", MAPPER.readTree("{\"shards\": 2}")));
      assertTrue(e.getMessage().contains("unknown field 'shards'"), e.getMessage());
      assertThrows(
          IllegalArgumentException.class,
          () ->
              service.updateCollection(
                  "docs", MAPPER.readTree("{\"optimizers_config\": {\"deleted_threshold\": 7}}")));
      assertEquals(50, service.count("docs", null), "a refused update changes nothing");
    }
    try (LocalCollectionService service = open()) {
      assertEquals(20_000, service.info("docs").config().optimizer().indexingThresholdKb());
    }
  }

  @Test
  void snapshotsRecoverAsNewVersionsWhileQueriesRunAndRollBack() throws Exception {
    try (LocalCollectionService service = open()) {
      service.createCollection("docs", config(), CollectionSettings.DEFAULT);
      service.update("docs", upsert(0, 300, "first"), true);
      SnapshotDescription first = service.createSnapshot("docs");
      assertTrue(first.name().startsWith("docs-"), first.name());
      assertEquals(64, first.checksum().length());
      try (var in = Files.newInputStream(service.snapshotFile("docs", first.name()))) {
        var unpacked =
            io.quiver.engine.snapshot.SnapshotArchive.unpack(in, tmp.resolve("unpacked"));
        assertEquals("docs", unpacked.manifest().collection());
        assertEquals(300, unpacked.manifest().pointCount());
      }
      service.update("docs", upsert(0, 500, "second"), true);
      SnapshotDescription second = service.createSnapshot("docs");
      assertEquals(
          List.of(first.name(), second.name()),
          service.listSnapshots("docs").stream().map(SnapshotDescription::name).toList());

      // A new collection from a snapshot file.
      Path file = service.snapshotFile("docs", first.name());
      SnapshotVersion v = service.recoverSnapshot("copy", file.toUri(), first.checksum());
      assertEquals(1, v.version());
      assertEquals(300, service.count("copy", null));

      // Recovering over a live collection while searches run: none fails, each sees one version.
      AtomicBoolean stop = new AtomicBoolean();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicInteger searches = new AtomicInteger();
      Thread reader =
          new Thread(
              () -> {
                Random random = new Random(1);
                try {
                  while (!stop.get()) {
                    List<ScoredPoint> hits =
                        service.search("copy", SearchRequest.of(vector(random), 20));
                    long tags =
                        hits.stream().map(h -> h.payload().get("tag").asText()).distinct().count();
                    if (hits.size() != 20 || tags != 1) {
                      throw new AssertionError("a search saw " + hits);
                    }
                    searches.incrementAndGet();
                  }
                } catch (Throwable t) {
                  failure.set(t);
                }
              });
      reader.start();
      try {
        Thread.sleep(50);
        SnapshotVersion v2 =
            service.recoverSnapshot(
                "copy", service.snapshotFile("docs", second.name()).toUri(), null);
        assertEquals(2, v2.version());
        Thread.sleep(50);
      } finally {
        stop.set(true);
        reader.join();
      }
      assertNull(failure.get(), () -> "search failed during the cut-over: " + failure.get());
      assertTrue(searches.get() > 0);
      assertEquals(500, service.count("copy", null));
      assertEquals(
          List.of(1L, 2L),
          service.versions("copy").stream().map(SnapshotVersion::version).toList());

      SnapshotVersion back = service.rollback("copy");
      assertEquals(1, back.version());
      assertEquals(300, service.count("copy", null));
      assertThrows(NotFoundException.class, () -> service.rollback("copy"));

      // A wrong checksum and a missing location are refused, naming what is wrong.
      IllegalArgumentException e =
          assertThrows(
              IllegalArgumentException.class,
              () -> service.recoverSnapshot("copy", file.toUri(), "00".repeat(32)));
      assertTrue(e.getMessage().startsWith("checksum: "), e.getMessage());
      e =
          assertThrows(
              IllegalArgumentException.class,
              () -> service.recoverSnapshot("copy", URI.create("hdfs://nn/x"), null));
      assertTrue(e.getMessage().contains("'hdfs'"), e.getMessage());
      assertEquals(300, service.count("copy", null));

      // A version with other vectors is refused; the collection keeps serving what it had.
      service.createCollection(
          "small",
          CollectionConfig.fromJson(
              MAPPER.readTree("{\"vectors\": {\"size\": 4, \"distance\": \"Dot\"}}")),
          CollectionSettings.DEFAULT);
      SnapshotDescription small = service.createSnapshot("small");
      ConflictException mismatch =
          assertThrows(
              ConflictException.class,
              () ->
                  service.recoverSnapshot(
                      "copy", service.snapshotFile("small", small.name()).toUri(), null));
      assertTrue(
          mismatch.getMessage().contains("of size 8 (Euclid)")
              && mismatch.getMessage().contains("has size 4 (Dot)"),
          mismatch.getMessage());
      assertEquals(300, service.count("copy", null));

      assertTrue(service.deleteSnapshot("docs", first.name()));
      assertFalse(service.deleteSnapshot("docs", first.name()));
      assertThrows(NotFoundException.class, () -> service.snapshotFile("docs", first.name()));
      assertThrows(IllegalArgumentException.class, () -> service.snapshotFile("docs", "../x"));
    }
    try (LocalCollectionService service = open()) {
      assertEquals(
          300, service.count("copy", null), "the rolled-back version serves after restart");
      service.update(
          "copy", new Operation.DeletePoints(PointSelector.ids(List.of(PointId.of(1)))), true);
      assertEquals(299, service.count("copy", null));
    }
  }

  private static List<Point> points(int from, int to, String tag) {
    return ((Operation.Upsert) upsert(from, to, tag)).points();
  }

  private static long[] versions(long... v) {
    return v;
  }

  private static String tagOf(LocalCollectionService service, String collection, long id) {
    var found = service.retrieve(collection, List.of(PointId.of(id)), true, false);
    return found.isEmpty() ? null : found.get(0).payload().get("tag").asText();
  }

  /**
   * Versioned writes through the service: applied and stale counts, an alias, checks before
   * anything is logged, unknown collections; the versions outlive a restart, travel with a snapshot
   * published as a new version, and a rollback returns to the table the old version had.
   */
  @Test
  void versionedWritesCountStalePointsAndTheirVersionsTravelWithSnapshots() throws Exception {
    try (LocalCollectionService service = open()) {
      service.createCollection("docs", config(), CollectionSettings.DEFAULT);
      service.updateAliases(List.of(new AliasOperation.Create("latest", "docs")));
      VersionedUpdateResult first =
          service.upsertVersioned("docs", points(0, 3, "v5"), versions(5, 5, 5), true);
      assertEquals(3, first.applied());
      assertEquals(0, first.stale());
      assertTrue(first.completed());
      VersionedUpdateResult replay =
          service.upsertVersioned("latest", points(0, 4, "v4"), versions(4, 5, 6, 4), false);
      assertEquals(2, replay.applied()); // ids 2 (6 > 5) and 3 (new)
      assertEquals(2, replay.stale());
      assertFalse(replay.completed());
      assertEquals(first.operationId() + 1, replay.operationId());
      assertEquals("v5", tagOf(service, "docs", 0));
      assertEquals("v4", tagOf(service, "docs", 2));
      VersionedUpdateResult delete =
          service.deleteVersioned(
              "docs",
              List.of(PointId.of(0), PointId.of(1), PointId.of(99)),
              versions(6, 5, 1),
              true);
      assertEquals(2, delete.applied()); // 0, and 99 (a tombstone)
      assertEquals(1, delete.stale());
      assertEquals(3, service.count("docs", null));

      // Checked like a plain upsert, before anything is logged; errors name the point.
      float[] nan = new float[DIM];
      nan[3] = Float.NaN;
      IllegalArgumentException bad =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  service.upsertVersioned(
                      "docs",
                      List.of(
                          Point.of(PointId.of(7), new float[DIM], null),
                          Point.of(PointId.of(8), nan, null)),
                      versions(9, 9),
                      true));
      assertEquals(
          "points[1]: vector of point 8 has a non-finite value NaN at index 3", bad.getMessage());
      bad =
          assertThrows(
              IllegalArgumentException.class,
              () ->
                  service.upsertVersioned(
                      "docs",
                      List.of(Point.of(PointId.of(7), new float[3], null)),
                      versions(9),
                      true));
      assertEquals("points[0]: vector of point 7 has dimension 3; expected 8", bad.getMessage());
      assertTrue(service.retrieve("docs", List.of(PointId.of(7)), false, false).isEmpty());
      assertThrows(
          NotFoundException.class,
          () -> service.upsertVersioned("nowhere", points(0, 1, "x"), versions(1), true));
      NotFoundException missing =
          assertThrows(
              NotFoundException.class,
              () -> service.deleteVersioned("nowhere", List.of(PointId.of(1)), versions(1), true));
      assertEquals("collection 'nowhere' does not exist", missing.getMessage());
    }
    try (LocalCollectionService service = open()) {
      // After a restart: ids 1 (5), 2 (6), 3 (4) live; 0 (6) and 99 (1) tombstones.
      assertEquals(
          0, service.upsertVersioned("docs", points(0, 1, "late"), versions(6), true).applied());
      SnapshotDescription snapshot = service.createSnapshot("docs");
      service.upsertVersioned("docs", points(3, 4, "after"), versions(7), true);

      SnapshotVersion published =
          service.recoverSnapshot(
              "docs", service.snapshotFile("docs", snapshot.name()).toUri(), null);
      assertEquals(2, published.version());
      assertEquals("v4", tagOf(service, "docs", 3)); // the snapshot's, before "after"
      VersionedUpdateResult stale =
          service.upsertVersioned("docs", points(0, 4, "old"), versions(6, 5, 6, 4), true);
      assertEquals(0, stale.applied());
      assertEquals(4, stale.stale());
      assertEquals(
          1, service.upsertVersioned("docs", points(99, 100, "x"), versions(1), true).stale());

      service.rollback("docs");
      assertEquals("after", tagOf(service, "docs", 3));
      assertEquals(
          1, service.upsertVersioned("docs", points(3, 4, "old"), versions(7), true).stale());
    }
  }
}
