package io.quiver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.point.PointId;
import io.quiver.engine.point.ShardRouter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongPredicate;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.datasources.v2.BatchScanExec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A read answers predicates on {@code id} and the {@code filter} option in the segments: the rows
 * are the ones Spark would keep, the scan says what it was given, and a set of ids reads only the
 * shards they route to.
 */
class ReadPushdownTest {

  private static final int POINTS = 400;
  private static final int SHARDS = 4;

  @TempDir static Path root;

  private static SparkSession spark;

  @BeforeAll
  static void write() {
    spark = TestSpark.session();
    StructType schema =
        new StructType()
            .add("id", DataTypes.LongType)
            .add("vector", DataTypes.createArrayType(DataTypes.FloatType))
            .add("bucket", DataTypes.IntegerType)
            .add("name", DataTypes.StringType);
    List<Row> rows = new ArrayList<>();
    for (long id = 0; id < POINTS; id++) {
      rows.add(RowFactory.create(id, Writes.vector(id, 0, 8), (int) (id % 7), "n" + (id % 3)));
    }
    Writes.writer(spark.createDataFrame(rows, schema).repartition(3), root, "docs")
        .option("shards", Integer.toString(SHARDS))
        .option("payload_indexes", "bucket:integer")
        .mode(SaveMode.Overwrite)
        .save();
  }

  /** The collection with extra read options, as name, value pairs. */
  private static Dataset<Row> read(String... options) {
    DataFrameReader reader =
        spark
            .read()
            .format("quiver")
            .option("path", root.toUri().toString())
            .option("collection", "docs");
    for (int i = 0; i < options.length; i += 2) {
      reader = reader.option(options[i], options[i + 1]);
    }
    return reader.load();
  }

  private static Set<Long> ids(Dataset<Row> df) {
    return df.select("id").collectAsList().stream()
        .map(r -> r.getLong(0))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static Set<Long> expected(LongPredicate keep) {
    return LongStream.range(0, POINTS)
        .filter(keep)
        .boxed()
        .collect(Collectors.toCollection(TreeSet::new));
  }

  private static BatchScanExec scan(Dataset<Row> df) {
    return (BatchScanExec) df.queryExecution().executedPlan().collectLeaves().head();
  }

  @Test
  void aSetOfIdsIsLookedUpInTheShardsItRoutesTo() {
    Dataset<Row> df = read().where("id IN (3, 50, 399, 1000, -1)");
    assertEquals(Set.of(3L, 50L, 399L), ids(df));
    BatchScanExec scan = scan(df);
    assertTrue(scan.scan().description().contains("id IN [3, 50, 399, 1000]"), scan.toString());
    Set<Integer> shards = new TreeSet<>();
    for (long id : new long[] {3, 50, 399, 1000}) {
      shards.add(ShardRouter.shardOf(PointId.of(id), SHARDS));
    }
    // One segment per shard (one slice each): a partition per shard the ids route to.
    assertEquals(shards.size(), scan.inputPartitions().size(), shards.toString());

    assertEquals(Set.of(7L), ids(read().where("id = 7")));
    assertEquals(Set.of(), ids(read().where("id = 7 AND id = 8")));
  }

  @Test
  void rangesAndOtherPredicatesGiveTheRowsSparkWouldKeep() {
    assertEquals(
        expected(id -> id >= 100 && id < 120), ids(read().where("id >= 100 AND id < 120")));
    assertEquals(expected(id -> id > 390), ids(read().where("id > 390")));
    assertEquals(expected(id -> id <= 5), ids(read().where("id <= 5")));
    assertTrue(scan(read().where("id > 390")).scan().description().contains("id >= 391"));
    // An OR is not pushed; Spark evaluates it after the scan.
    assertEquals(
        expected(id -> id == 5 || id % 7 == 2),
        ids(read().where("id = 5 OR payload LIKE '%\"bucket\":2%'")));
    // A pushed range beside a predicate Spark keeps.
    assertEquals(
        expected(id -> id < 50 && id % 3 == 1),
        ids(read().where("id < 50 AND payload LIKE '%\"name\":\"n1\"%'")));
  }

  @Test
  void theFilterOptionSelectsPointsWithThePayloadIndexes() {
    Dataset<Row> bucket3 =
        read("filter", "{\"must\": [{\"key\": \"bucket\", \"match\": {\"value\": 3}}]}");
    assertEquals(expected(id -> id % 7 == 3), ids(bucket3));
    assertTrue(scan(bucket3).scan().description().contains("filter"), scan(bucket3).toString());
    // An unindexed field, a range, and a pushed id range together.
    Dataset<Row> both =
        read(
                "filter",
                "{\"must\": [{\"key\": \"name\", \"match\": {\"value\": \"n2\"}},"
                    + " {\"key\": \"bucket\", \"range\": {\"gte\": 4}}]}")
            .where("id BETWEEN 10 AND 200");
    assertEquals(expected(id -> id % 3 == 2 && id % 7 >= 4 && id >= 10 && id <= 200), ids(both));
  }

  @Test
  void stringIdsArePushedAsCanonicalText() {
    Dataset<Row> df = read("id_type", "string").where("id IN ('42', '042', 'x')");
    assertEquals(
        List.of("42"), df.select("id").collectAsList().stream().map(r -> r.getString(0)).toList());
  }

  @Test
  void aBadFilterNamesTheOptionAndTheValue() {
    IllegalArgumentException notJson =
        assertThrows(IllegalArgumentException.class, () -> read("filter", "{must: [").count());
    assertTrue(notJson.getMessage().contains("option 'filter'"), notJson.getMessage());
    assertTrue(notJson.getMessage().contains("{must: ["), notJson.getMessage());
    IllegalArgumentException unknown =
        assertThrows(
            IllegalArgumentException.class,
            () -> read("filter", "{\"must\": [{\"key\": \"a\", \"likes\": 1}]}").count());
    assertTrue(unknown.getMessage().contains("option 'filter'"), unknown.getMessage());
    assertTrue(unknown.getMessage().contains("likes"), unknown.getMessage());
  }
}
