package io.quiver.engine.collection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.TestData;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.filter.FilterParser;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.segment.SegmentMeta;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.engine.snapshot.InvalidSnapshotException;
import io.quiver.engine.snapshot.SnapshotArchive;
import io.quiver.engine.snapshot.SnapshotManifest;
import io.quiver.engine.vector.VectorSimilarity;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CollectionSnapshotTest {

  private static final int DIM = 16;
  private static final String[] COLORS = {"red", "green", "blue", "black"};

  @TempDir Path tmp;

  private static CollectionConfig config(long indexingThresholdKb) {
    return CollectionConfig.of(VectorParams.of(DIM, VectorSimilarity.COSINE))
        .withOptimizer(OptimizerParams.defaults().withIndexingThresholdKb(indexingThresholdKb));
  }

  private static Point point(long id, float[] v) {
    ObjectNode payload =
        JsonNodeFactory.instance
            .objectNode()
            .put("n", id)
            .put("color", COLORS[(int) (id % COLORS.length)]);
    return Point.of(PointId.of(id), v, payload);
  }

  private static List<Point> points(float[][] data, int from, int to) {
    List<Point> out = new ArrayList<>();
    for (int i = from; i < to; i++) {
      out.add(point(i, data[i]));
    }
    return out;
  }

  private static List<PointId> ids(long... ids) {
    return LongStream.of(ids).mapToObj(PointId::of).toList();
  }

  /** Every live point with payload and vectors, by id. */
  private static Map<PointId, PointRecord> everything(QuiverCollection c) {
    Map<PointId, PointRecord> out = new TreeMap<>();
    for (PointId from = null; ; ) {
      var page = c.scroll(from, 500, true, true);
      page.points().forEach(p -> out.put(p.id(), p));
      if (page.nextOffset() == null) {
        return out;
      }
      from = page.nextOffset();
    }
  }

  private static void assertSamePoints(
      Map<PointId, PointRecord> expected, Map<PointId, PointRecord> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    for (PointRecord e : expected.values()) {
      PointRecord a = actual.get(e.id());
      assertEquals(e.payload().toString(), a.payload().toString(), "payload of " + e.id());
      assertEquals(e.version(), a.version(), "version of " + e.id());
      // Cosine vectors are stored normalised; building a segment normalises them again.
      assertArrayEquals(e.vectors().get(""), a.vectors().get(""), 1e-6f, "vector of " + e.id());
    }
  }

  private static Filter colorIs(String color) throws IOException {
    return FilterParser.parse(
        new ObjectMapper()
            .readTree(
                "{\"must\": [{\"key\": \"color\", \"match\": {\"value\": \"" + color + "\"}}]}"));
  }

  private static List<PointId> exactSearch(QuiverCollection c, float[] q, Filter filter) {
    return c
        .search(
            SearchRequest.of(q, 10)
                .withFilter(filter)
                .withParams(SearchParams.DEFAULT.withExact(true)))
        .stream()
        .map(ScoredPoint::id)
        .toList();
  }

  @Test
  void aSnapshotHoldsExactlyWhatWasAppliedAndRestoresIntoAWorkingCollection() throws Exception {
    float[][] data = TestData.gaussianMixture(3_000, DIM, 8, 42);
    Path source = tmp.resolve("docs");
    Path snap = tmp.resolve("snap");
    Map<PointId, PointRecord> atSnapshot;
    List<List<PointId>> searchesAtSnapshot = new ArrayList<>();
    SnapshotManifest manifest;
    try (QuiverCollection c = QuiverCollection.create(source, config(0))) {
      c.createFieldIndex("color", "keyword", true);
      c.upsert(points(data, 0, 2_000), true);
      c.optimize(); // an indexed immutable segment with a payload index
      c.upsert(points(data, 2_000, 2_500), true); // these stay in the mutable segment
      c.delete(ids(3, 4, 2_003), true); // deletes in both kinds of segment
      ObjectNode extra = JsonNodeFactory.instance.objectNode().put("tag", "moved");
      c.setPayload(ids(10, 2_010), extra, true); // copy-on-write out of the immutable segment
      assertTrue(c.segmentCount() >= 2);

      atSnapshot = everything(c);
      for (int q = 0; q < 5; q++) {
        searchesAtSnapshot.add(exactSearch(c, data[2_500 + q], colorIs(COLORS[q % 4])));
      }
      manifest = c.snapshot(snap);

      // What comes after the snapshot is not in it.
      c.upsert(points(data, 2_500, 3_000), true);
      c.delete(ids(0, 1), true);
      c.optimize();
      assertThrows(FileAlreadyExistsException.class, () -> c.snapshot(snap));
    }
    assertEquals(2_497, manifest.pointCount());
    assertEquals("docs", manifest.collection());
    assertEquals(manifest.watermark(), manifest.version());
    assertEquals("keyword", manifest.config().get("payload_schema").get("color").asText());

    Path restoredDir = tmp.resolve("restored");
    try (QuiverCollection r = QuiverCollection.restore(snap, restoredDir)) {
      assertEquals(2_497, r.count());
      assertSamePoints(atSnapshot, everything(r));
      assertEquals(List.of(new SegmentMeta.IndexedField("color", "keyword")), r.shard().indexes());
      for (int q = 0; q < 5; q++) {
        assertEquals(
            searchesAtSnapshot.get(q), exactSearch(r, data[2_500 + q], colorIs(COLORS[q % 4])));
      }
      List<ScoredPoint> hnsw = r.search(SearchRequest.of(data[77], 1).withFilter(colorIs("green")));
      assertEquals(PointId.of(77), hnsw.get(0).id()); // 77 % 4 == 1: green

      // The restored collection takes writes after the snapshot's watermark.
      assertEquals(manifest.watermark(), r.shard().checkpointSequence());
      long seq = r.upsert(points(data, 2_500, 2_600), true);
      assertEquals(manifest.watermark() + 1, seq);
      r.delete(ids(5), true);
    }
    try (QuiverCollection r = QuiverCollection.open(restoredDir)) {
      assertEquals(2_497 + 100 - 1, r.count());
      r.optimize();
      assertEquals(2_596, r.count());
      assertFalse(r.retrieve(ids(2_599), true, false).isEmpty());
    }
    // The restored collection shares files with the snapshot by hard link; the snapshot is intact.
    assertEquals(2_497, QuiverCollection.restore(snap, tmp.resolve("again")).count());
  }

  /**
   * A snapshot carries the external versions, tombstones included, as of its watermark: the
   * collection restored from it (from the folder or from the tar archive) refuses the same stale
   * writes. A snapshot without versioned writes lists no version table.
   */
  @Test
  void aSnapshotCarriesTheVersionTableSoARestoredCollectionRefusesStaleWrites() throws Exception {
    float[][] data = TestData.gaussianMixture(40, DIM, 4, 7);
    Path snap = tmp.resolve("snap");
    try (QuiverCollection c = QuiverCollection.create(tmp.resolve("docs"), config(0))) {
      c.upsert(points(data, 0, 10), true);
      assertFalse(
          c.snapshot(tmp.resolve("plain")).shards().stream().anyMatch(s -> s.versions() != null));
      c.upsertVersioned(points(data, 0, 5), new long[] {5, 5, 5, 5, 5}, true);
      c.optimize(); // the table checkpointed in the shard, too
      c.deleteVersioned(ids(1, 20), new long[] {9, 9}, true); // a live point and a tombstone
      SnapshotManifest manifest = c.snapshot(snap);
      assertEquals(1, manifest.shards().size());
      assertEquals("shard-0/versions.qv", manifest.shards().get(0).versions().path());
      // After the snapshot: not in it.
      c.upsertVersioned(points(data, 2, 3), new long[] {50}, true);
    }
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    SnapshotArchive.pack(snap, tar);
    SnapshotArchive.unpack(new ByteArrayInputStream(tar.toByteArray()), tmp.resolve("unpacked"));
    for (Path from : List.of(snap, tmp.resolve("unpacked"))) {
      try (QuiverCollection r =
          QuiverCollection.restore(from, tmp.resolve("r-" + from.getFileName()))) {
        assertEquals(9, r.count());
        assertEquals(java.util.OptionalLong.of(5), r.shard().externalVersion(PointId.of(2)));
        assertEquals(java.util.OptionalLong.of(9), r.shard().externalVersion(PointId.of(20)));
        assertEquals(java.util.OptionalLong.empty(), r.shard().externalVersion(PointId.of(7)));
        var stale = r.upsertVersioned(points(data, 0, 3), new long[] {5, 8, 4}, true);
        assertEquals(0, stale.applied());
        assertEquals(3, stale.stale());
        var tombstone = r.upsertVersioned(List.of(point(20, data[20])), new long[] {9}, true);
        assertEquals(1, tombstone.stale());
        assertEquals(1, r.upsertVersioned(points(data, 2, 3), new long[] {6}, true).applied());
      }
    }
  }

  @Test
  void aSnapshotTakenUnderConcurrentWritesAndOptimizationIsAPrefixOfTheLog() throws Exception {
    float[][] data = TestData.gaussianMixture(4_000, DIM, 8, 7);
    Path source = tmp.resolve("busy");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicLong written = new AtomicLong();
    // 4 KB threshold: the optimizer indexes every ~60 points, so snapshots meet swaps in flight.
    try (QuiverCollection c = QuiverCollection.create(source, config(4))) {
      Thread writer =
          new Thread(
              () -> {
                try {
                  for (int i = 0; i < data.length && !stop.get(); i++) {
                    c.upsert(List.of(point(i, data[i])), false);
                    if (i % 10 == 9) {
                      c.delete(ids(i - 9), false); // ids ending in 0 die 9 operations later
                    }
                    written.set(i);
                  }
                } catch (Throwable t) {
                  failure.set(t);
                }
              });
      writer.start();
      List<Path> snapshots = new ArrayList<>();
      try {
        for (int k = 0; k < 4; k++) {
          while (written.get() < 400L * (k + 1) && writer.isAlive()) {
            Thread.sleep(5);
          }
          Path snap = tmp.resolve("snap-" + k);
          c.snapshot(snap);
          snapshots.add(snap);
        }
      } finally {
        stop.set(true);
        writer.join();
      }
      if (failure.get() != null) {
        throw new AssertionError("writer failed", failure.get());
      }
      for (Path snap : snapshots) {
        try (QuiverCollection r = QuiverCollection.restore(snap, tmp.resolve("r-" + snap))) {
          // Replay the log up to the watermark in a model: upserts of i, delete of i-9 after 9+.
          long watermark = r.shard().checkpointSequence();
          TreeMap<PointId, Long> model = new TreeMap<>();
          long seq = 0;
          for (int i = 0; seq < watermark; i++) {
            model.put(PointId.of(i), 0L);
            seq++;
            if (i % 10 == 9 && seq < watermark) {
              model.remove(PointId.of(i - 9));
              seq++;
            }
          }
          Map<PointId, PointRecord> restored = everything(r);
          assertEquals(model.keySet(), restored.keySet(), "snapshot " + snap);
          for (PointRecord p : restored.values()) {
            assertEquals(p.id().toString(), p.payload().get("n").asText());
          }
        }
      }
    }
  }

  @Test
  void aDamagedSnapshotIsRefusedAndLeavesNothingBehind() throws Exception {
    float[][] data = TestData.gaussianMixture(500, DIM, 4, 3);
    Path snap = tmp.resolve("snap");
    try (QuiverCollection c = QuiverCollection.create(tmp.resolve("c"), config(0))) {
      c.upsert(points(data, 0, 500), true);
      c.optimize();
      c.snapshot(snap);
    }
    // Through a tar archive and back, as a download would go.
    ByteArrayOutputStream tar = new ByteArrayOutputStream();
    SnapshotArchive.pack(snap, tar);
    Path unpacked = tmp.resolve("unpacked");
    SnapshotArchive.unpack(new ByteArrayInputStream(tar.toByteArray()), unpacked);
    try (QuiverCollection r = QuiverCollection.restore(unpacked, tmp.resolve("from-tar"))) {
      assertEquals(500, r.count());
    }

    Path vectors;
    try (var files = Files.walk(snap)) {
      vectors =
          files
              .filter(p -> p.getFileName().toString().startsWith("vectors"))
              .findFirst()
              .orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(vectors.toFile(), "rw")) {
      f.seek(100);
      int b = f.read();
      f.seek(100);
      f.write(b ^ 0x10);
    }
    Path target = tmp.resolve("bad");
    InvalidSnapshotException e =
        assertThrows(InvalidSnapshotException.class, () -> QuiverCollection.restore(snap, target));
    assertTrue(e.getMessage().contains("checksum mismatch"), e.getMessage());
    assertTrue(e.getMessage().contains(vectors.getFileName().toString()), e.getMessage());
    assertFalse(Files.exists(target));

    try (QuiverCollection other = QuiverCollection.create(tmp.resolve("taken"), config(0))) {
      other.count();
    }
    assertThrows(
        IllegalStateException.class,
        () -> QuiverCollection.restore(unpacked, tmp.resolve("taken")));
  }
}
