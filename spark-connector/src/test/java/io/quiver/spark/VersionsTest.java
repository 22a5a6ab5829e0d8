package io.quiver.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.snapshot.SegmentEntry;
import io.quiver.engine.snapshot.ShardEntry;
import io.quiver.engine.snapshot.SnapshotManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Overwrite, append and the version column. */
class VersionsTest {

  private static final int DIM = 8;

  @TempDir static Path root;
  @TempDir static Path scratch;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
  }

  @Test
  void overwriteWritesACompleteNewVersionAndKeepsTheOldOne() throws Exception {
    Writes.writer(Writes.points(spark, 0, 100, 0, DIM), root, "over").mode("append").save();
    Writes.writer(Writes.points(spark, 100, 150, 1, DIM), root, "over").mode("overwrite").save();
    assertEquals(50, Collections.manifest(root, "over", 2).pointCount());
    Map<Long, float[]> latest = vectors(Writes.read(spark, root, "over").collectAsList());
    assertEquals(50, latest.size());
    assertArrayEquals(Writes.vector(120, 1, DIM), latest.get(120L));
    List<Row> v1 =
        spark
            .read()
            .format("quiver")
            .option("path", root.toUri().toString())
            .option("collection", "over")
            .option("as_of_version", "1")
            .load()
            .collectAsList();
    assertEquals(100, v1.size());
  }

  @Test
  void overwriteWithNoRowsEmptiesTheCollection() throws Exception {
    Writes.writer(Writes.points(spark, 0, 40, 0, DIM), root, "empty").mode("append").save();
    Writes.writer(Writes.points(spark, 0, 0, 0, DIM), root, "empty")
        .option("dimension", String.valueOf(DIM))
        .mode("overwrite")
        .save();
    assertEquals(0, Collections.manifest(root, "empty", 2).pointCount());
    assertEquals(0, Writes.read(spark, root, "empty").count());
  }

  @Test
  void theDefaultSaveModeIsRefusedBySpark() {
    Exception e =
        assertThrows(
            Exception.class,
            () -> Writes.writer(Writes.points(spark, 0, 5, 0, DIM), root, "nomode").save());
    assertTrue(
        Writes.messages(e).contains("UNSUPPORTED_DATA_SOURCE_SAVE_MODE"), Writes.messages(e));
  }

  @Test
  void appendKeepsTheCurrentPointsAndTheNewOnesWin() throws Exception {
    Writes.writer(Writes.points(spark, 0, 100, 0, DIM), root, "app")
        .option("shards", "2")
        .mode("append")
        .save();
    // Ids 50..149: 50..99 replace the first write's points, 100..149 are new.
    Writes.writer(Writes.points(spark, 50, 150, 1, DIM), root, "app").mode("append").save();
    // Ids 0..9 once more: a carried segment that already has deletes gets more.
    Writes.writer(Writes.points(spark, 0, 10, 2, DIM), root, "app").mode("append").save();

    SnapshotManifest v2 = Collections.manifest(root, "app", 2);
    assertEquals(150, v2.pointCount());
    assertEquals(2, v2.shards().size(), "append keeps the shard count");
    SnapshotManifest v3 = Collections.manifest(root, "app", 3);
    assertEquals(150, v3.pointCount());
    for (ShardEntry shard : v3.shards()) {
      for (SegmentEntry s : shard.segments()) {
        long deletedFiles = s.files().stream().filter(f -> f.name().startsWith("deleted-")).count();
        assertTrue(deletedFiles <= 1, s.dir() + " lists " + deletedFiles + " deleted-points files");
      }
    }
    Map<Long, float[]> expected = new HashMap<>();
    for (long id = 0; id < 150; id++) {
      expected.put(id, Writes.vector(id, id < 10 ? 2 : id < 50 ? 0 : 1, DIM));
    }
    Map<Long, float[]> read = vectors(Writes.read(spark, root, "app").collectAsList());
    assertEquals(expected.keySet(), read.keySet());
    expected.forEach((id, v) -> assertArrayEquals(v, read.get(id), "vector of " + id));
    try (QuiverCollection c = Collections.restore(root, "app", 3, scratch)) {
      assertEquals(150, c.count());
      for (PointRecord r :
          c.retrieve(List.of(PointId.of(5), PointId.of(60), PointId.of(30)), true, true)) {
        assertArrayEquals(expected.get(r.id().num()), r.vectors().get(""), "vector of " + r.id());
      }
    }
  }

  @Test
  void appendRefusesToChangeTheCollection() {
    Writes.writer(Writes.points(spark, 0, 20, 0, DIM), root, "fixed")
        .option("shards", "2")
        .mode("append")
        .save();
    IllegalArgumentException shards =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Writes.writer(Writes.points(spark, 0, 20, 0, DIM), root, "fixed")
                    .option("shards", "3")
                    .mode("append")
                    .save());
    assertTrue(
        shards.getMessage().contains("an append keeps the shard count"), shards.getMessage());
    IllegalArgumentException distance =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Writes.writer(Writes.points(spark, 0, 20, 0, DIM), root, "fixed")
                    .option("distance", "Dot")
                    .mode("append")
                    .save());
    assertTrue(
        distance
            .getMessage()
            .startsWith("option 'distance' is Dot, but the unnamed vector has Euclid"),
        distance.getMessage());
  }

  @Test
  void theHighestVersionWinsAmongRowsWithTheSameId() throws Exception {
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType)
            .add("vector", DataTypes.createArrayType(DataTypes.FloatType))
            .add("rev", DataTypes.LongType)
            .add("tag", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 200; id++) {
      // Five revisions per id, in a scrambled order, spread over partitions by repartition().
      for (long k : new long[] {3, 0, 4, 1, 2}) {
        long rev = 10 * id + k;
        rows.add(RowFactory.create(id, Writes.vector(id, (int) k, DIM), rev, "rev-" + rev));
      }
    }
    Writes.writer(spark.createDataFrame(rows, schema).repartition(4), root, "dedup")
        .option("version", "rev")
        .option("shards", "2")
        .mode("append")
        .save();
    assertEquals(200, Collections.manifest(root, "dedup", 1).pointCount());
    try (QuiverCollection c = Collections.restore(root, "dedup", 1, scratch)) {
      assertEquals(200, c.count());
      List<PointId> ids = new ArrayList<>();
      for (long id = 0; id < 200; id++) {
        ids.add(PointId.of(id));
      }
      for (PointRecord r : c.retrieve(ids, true, true)) {
        long id = r.id().num();
        assertEquals(10 * id + 4, r.version(), "version of " + id);
        assertEquals("rev-" + (10 * id + 4), r.payload().get("tag").asText());
        assertArrayEquals(Writes.vector(id, 4, DIM), r.vectors().get(""), "vector of " + id);
      }
    }
  }

  private static Map<Long, float[]> vectors(List<Row> rows) {
    Map<Long, float[]> out = new HashMap<>();
    for (Row r : rows) {
      List<Float> v = r.getList(r.fieldIndex("vector"));
      float[] f = new float[v.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = v.get(i);
      }
      if (out.put(r.getLong(0), f) != null) {
        throw new AssertionError("id " + r.getLong(0) + " read twice");
      }
    }
    return out;
  }
}
