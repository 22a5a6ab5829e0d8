package io.quiver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.spark.write.WriteMetrics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Bad rows fail the job with a message naming the column, the row's id and the value, and leave no
 * version behind; with {@code on_error=skip} they are left out and counted.
 */
class BadInputTest {

  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.LongType)
          .add("vector", DataTypes.createArrayType(DataTypes.FloatType))
          .add("score", DataTypes.DoubleType);

  @TempDir static Path root;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
  }

  /** 20 good rows (ids 0..19, 4 dimensions) plus {@code bad}. */
  private static Dataset<Row> withBadRow(Row bad) {
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 20; id++) {
      rows.add(RowFactory.create(id, Writes.vector(id, 0, 4), 0.5));
    }
    rows.add(bad);
    return spark.createDataFrame(rows, SCHEMA);
  }

  private static String failure(String collection, Dataset<Row> df) {
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                Writes.writer(df, root, collection).option("dimension", "4").mode("append").save());
    assertFalse(Files.exists(root.resolve(collection).resolve("v1")), "a version was left");
    return Writes.messages(e);
  }

  @Test
  void nullVector() {
    String m = failure("nullvec", withBadRow(RowFactory.create(42L, null, 0.5)));
    assertTrue(m.contains("bad value in column 'vector' for id 42: the vector is null"), m);
  }

  @Test
  void wrongLengthVector() {
    String m = failure("short", withBadRow(RowFactory.create(43L, new float[] {1f, 2f, 3f}, 0.5)));
    assertTrue(
        m.contains(
            "bad value in column 'vector' for id 43: expected 4 elements, got 3; value: [1.0, 2.0,"
                + " 3.0] (3 elements)"),
        m);
  }

  @Test
  void nanInAVector() {
    String m =
        failure(
            "nan", withBadRow(RowFactory.create(44L, new float[] {1f, Float.NaN, 3f, 4f}, 0.5)));
    assertTrue(
        m.contains(
            "bad value in column 'vector' for id 44: element 1 is NaN; vectors must be finite;"
                + " value: [1.0, NaN, 3.0, 4.0]"),
        m);
  }

  @Test
  void nanInThePayload() {
    String m =
        failure(
            "nanpayload", withBadRow(RowFactory.create(45L, Writes.vector(45, 0, 4), Double.NaN)));
    assertTrue(m.contains("bad value in column 'score' for id 45: NaN has no JSON form"), m);
  }

  @Test
  void nullId() {
    String m = failure("nullid", withBadRow(RowFactory.create(null, Writes.vector(1, 0, 4), 0.5)));
    assertTrue(m.contains("column 'id' is null in row"), m);
  }

  @Test
  void unsupportedColumnTypesFailBeforeAnyTaskRuns() {
    Dataset<Row> df =
        withBadRow(RowFactory.create(46L, Writes.vector(46, 0, 4), 0.5))
            .selectExpr("id", "vector", "cast('x' as binary) as blob");
    String m = failure("binary", df);
    assertTrue(m.contains("column 'blob' has type binary, which a quiver payload cannot hold"), m);
    Dataset<Row> ints = df.selectExpr("id", "array(1, 2, 3, 4) as vector");
    String v = failure("intvector", ints);
    assertTrue(
        v.contains(
            "vector column 'vector' has type array<int>; a vector column must be array<float>,"
                + " array<double> or a Spark ML Vector"),
        v);
    String id = failure("missing", df.withColumnRenamed("id", "key"));
    assertTrue(id.contains("column 'id' (option 'id') is not in the DataFrame"), id);
  }

  @Test
  void skipLeavesBadRowsOutAndCountsThem() throws Exception {
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < 100; id++) {
      float[] v = Writes.vector(id, 0, 4);
      if (id % 10 == 3) {
        v[2] = Float.POSITIVE_INFINITY;
      }
      rows.add(RowFactory.create(id % 10 == 7 ? null : id, id % 10 == 5 ? null : v, 0.5));
    }
    AtomicLong skipped = new AtomicLong(-1);
    // Listeners run on Spark's listener bus, after save() returns: wait for the write's event.
    CountDownLatch reported = new CountDownLatch(1);
    QueryExecutionListener listener =
        new QueryExecutionListener() {
          @Override
          public void onSuccess(String funcName, QueryExecution qe, long durationNs) {
            Long value = metric(qe.executedPlan(), WriteMetrics.SKIPPED);
            if (value != null) {
              skipped.set(value);
              reported.countDown();
            }
          }

          @Override
          public void onFailure(String funcName, QueryExecution qe, Exception exception) {}
        };
    spark.listenerManager().register(listener);
    try {
      Writes.writer(spark.createDataFrame(rows, SCHEMA).repartition(3), root, "skip")
          .option("dimension", "4")
          .option("on_error", "skip")
          .mode("append")
          .save();
      assertTrue(
          reported.await(60, TimeUnit.SECONDS), "no query event with the skippedRows metric");
    } finally {
      spark.listenerManager().unregister(listener);
    }
    assertEquals(70, Collections.manifest(root, "skip", 1).pointCount());
    assertEquals(70, Writes.read(spark, root, "skip").count());
    assertEquals(30, skipped.get(), "skippedRows metric");
  }

  @Test
  void aMisspeltOptionFailsTheWrite() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Writes.writer(
                        withBadRow(RowFactory.create(1L, Writes.vector(1, 0, 4), 0.5)),
                        root,
                        "typo")
                    .option("shard", "4")
                    .mode("append")
                    .save());
    assertTrue(
        e.getMessage().startsWith("unknown write option 'shard'; the options are ["),
        e.getMessage());
  }

  @Test
  void aGpuDemandedWhereNoneOpensFailsTheTaskSayingWhy() {
    Dataset<Row> good = withBadRow(RowFactory.create(20L, Writes.vector(20, 0, 4), 0.5));
    String message =
        Writes.messages(
            assertThrows(
                Exception.class,
                () ->
                    Writes.writer(good, root, "gpu")
                        .option("dimension", "4")
                        .option("accelerator", "cuda")
                        .mode("append")
                        .save()));
    // The gpu module is on the class path (ServiceLoader finds it) and says why it cannot open.
    assertTrue(message.contains("accelerator 'cuda' cannot be opened: cuda: "), message);
    assertFalse(Files.exists(root.resolve("gpu").resolve("v1").resolve("manifest.json")));
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Writes.writer(good, root, "gpu")
                    .option("accelerator", "gpu")
                    .mode("append")
                    .save());
    assertEquals(
        "option 'accelerator' must be one of [auto, cpu, cuda]; got 'gpu'", e.getMessage());
  }

  @Test
  void skipNeedsTheDimensionUpFront() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                Writes.writer(withBadRow(RowFactory.create(1L, null, 0.5)), root, "skipdim")
                    .option("on_error", "skip")
                    .mode("append")
                    .save());
    assertTrue(
        e.getMessage().startsWith("on_error=skip needs the vector sizes up front"), e.getMessage());
  }

  /** The value of metric {@code name} anywhere in {@code plan}, or null. */
  private static Long metric(SparkPlan plan, String name) {
    Option<SQLMetric> m = plan.metrics().get(name);
    if (m.isDefined()) {
      return m.get().value();
    }
    for (SparkPlan child : CollectionConverters.asJava(plan.children())) {
      Long v = metric(child, name);
      if (v != null) {
        return v;
      }
    }
    return null;
  }
}
