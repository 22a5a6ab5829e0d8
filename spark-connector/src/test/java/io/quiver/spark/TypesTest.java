package io.quiver.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.engine.snapshot.SnapshotManifest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The column types a write takes: named vectors of each kind, UUID and int ids, quantization. */
class TypesTest {

  @TempDir static Path root;
  @TempDir static Path scratch;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
  }

  @Test
  void namedVectorsFromDoubleArraysAndMlVectors() throws Exception {
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType)
            .add("emb_text", DataTypes.createArrayType(DataTypes.DoubleType))
            .add("emb_image", SQLDataTypes.VectorType());
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 60; id++) {
      float[] t = Writes.vector(id, 1, 6);
      double[] text = new double[t.length];
      for (int i = 0; i < t.length; i++) {
        text[i] = t[i];
      }
      // Sparse for even ids, dense for odd ones.
      org.apache.spark.ml.linalg.Vector image =
          id % 2 == 0
              ? Vectors.sparse(5, new int[] {1, 3}, new double[] {id, -id})
              : Vectors.dense(id, 0, 1, 2, 3);
      rows.add(RowFactory.create(id, text, image));
    }
    Writes.writer(spark.createDataFrame(rows, schema), root, "named")
        .option("vectors", "text:emb_text,image:emb_image")
        .option("distance", "Dot")
        .mode("append")
        .save();
    try (QuiverCollection c = Collections.restore(root, "named", 1, scratch)) {
      assertEquals(60, c.count());
      for (PointRecord r : c.retrieve(List.of(PointId.of(4), PointId.of(7)), true, true)) {
        long id = r.id().num();
        assertArrayEquals(Writes.vector(id, 1, 6), r.vectors().get("text"));
        float[] image = id % 2 == 0 ? new float[] {0, id, 0, -id, 0} : new float[] {id, 0, 1, 2, 3};
        assertArrayEquals(image, r.vectors().get("image"));
        assertEquals("{}", r.payload().toString());
      }
    }
    assertEquals(
        "struct<id:bigint,text:array<float>,image:array<float>,payload:string>",
        Writes.read(spark, root, "named").schema().simpleString());
  }

  @Test
  void uuidIdsAreCanonicalisedAndReadBackAsStrings() throws Exception {
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType)
            .add("vector", DataTypes.createArrayType(DataTypes.FloatType));
    List<Row> rows = new ArrayList<>();
    Set<String> expected = new HashSet<>();
    for (long i = 0; i < 80; i++) {
      UUID uuid = new UUID(Writes.SEED, i);
      expected.add(uuid.toString());
      // Some ids upper case: still one point each, routed by their canonical form.
      String text = i % 5 == 0 ? uuid.toString().toUpperCase(Locale.ROOT) : uuid.toString();
      rows.add(RowFactory.create(text, Writes.vector(i, 0, 4)));
    }
    Writes.writer(spark.createDataFrame(rows, schema), root, "uuids")
        .option("shards", "2")
        .mode("append")
        .save();
    assertEquals(80, Collections.manifest(root, "uuids", 1).pointCount());
    Set<String> read = new HashSet<>();
    for (Row r :
        spark
            .read()
            .format("quiver")
            .option("path", root.toUri().toString())
            .option("collection", "uuids")
            .option("id_type", "string")
            .load()
            .collectAsList()) {
      read.add(r.getString(0));
    }
    assertEquals(expected, read);
  }

  @Test
  void intIdsWorkWithMoreSegments() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (int id = 0; id < 120; id++) {
      rows.add(RowFactory.create(id, Writes.vector(id, 0, 4)));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.IntegerType)
            .add("vector", DataTypes.createArrayType(DataTypes.FloatType));
    Writes.writer(spark.createDataFrame(rows, schema), root, "ints")
        .option("shards", "2")
        .mode("append")
        .save();
    SnapshotManifest manifest = Collections.manifest(root, "ints", 1);
    assertEquals(120, manifest.pointCount());
    // Spark's hash of an int differs from the routing's hash of the id as a long: each task
    // builds one segment per shard it sees.
    assertTrue(manifest.shards().get(0).segments().size() >= 1);
    assertEquals(120, Writes.read(spark, root, "ints").count());
  }

  @Test
  void quantizedCollectionsSearch() throws Exception {
    Writes.writer(Writes.points(spark, 0, 400, 0, 16), root, "int8")
        .option("quantization", "int8")
        .option("full_scan_threshold", "0")
        .mode("append")
        .save();
    SnapshotManifest manifest = Collections.manifest(root, "int8", 1);
    assertEquals("int8", manifest.config().at("/vectors/quantization_config/scalar/type").asText());
    try (QuiverCollection c = Collections.restore(root, "int8", 1, scratch)) {
      List<ScoredPoint> hits = c.search(SearchRequest.of(Writes.vector(17, 0, 16), 1));
      assertEquals(17, hits.get(0).id().num());
    }
  }

  @Test
  void cosineVectorsReadBackNormalised() {
    Writes.writer(Writes.points(spark, 0, 10, 0, 4), root, "cosine")
        .option("distance", "Cosine")
        .mode("append")
        .save();
    for (Row r : Writes.read(spark, root, "cosine").collectAsList()) {
      List<Float> v = r.getList(1);
      double norm = 0;
      for (float f : v) {
        norm += f * f;
      }
      assertEquals(1.0, norm, 1e-5, "id " + r.getLong(0));
    }
  }
}
