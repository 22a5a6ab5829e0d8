package io.quiver.spark.stream;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.from_json;
import static org.apache.spark.sql.functions.max_by;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.spark.TestSpark;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.SparkPlan;
import org.apache.spark.sql.execution.metric.SQLMetric;
import org.apache.spark.sql.execution.streaming.runtime.MemoryStream;
import org.apache.spark.sql.execution.streaming.runtime.StreamingQueryWrapper;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.Trigger;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * {@code writeStream.format("quiver")} against a real node: micro-batches of upserts and deletes
 * leave the node holding exactly what a plain model of the same rows holds, through retried 503s;
 * refusals by the node, a missing collection and bad rows fail the query saying why.
 */
class StreamWriteTest {

  private static final long SEED = 0x5EED_5173L;
  private static final int DIM = 4;

  /** The rows a test feeds, as JSON lines: id, vector, name (the payload), op, seq (a version). */
  private static final StructType ROW =
      new StructType()
          .add("id", DataTypes.LongType)
          .add("vector", DataTypes.createArrayType(DataTypes.FloatType))
          .add("name", DataTypes.StringType)
          .add("op", DataTypes.StringType)
          .add("seq", DataTypes.LongType);

  @TempDir static Path tmp;
  private static SparkSession spark;
  private static StreamNode node;

  @BeforeAll
  static void start() throws Exception {
    spark = TestSpark.session();
    node = new StreamNode(tmp.resolve("node"));
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  /** One input row. */
  private record In(long id, float[] vector, String name, String op, long seq) {
    String json() {
      return "{\"id\":"
          + id
          + ",\"vector\":"
          + (vector == null ? "null" : Arrays.toString(vector))
          + ",\"name\":\""
          + name
          + "\",\"op\":\""
          + op
          + "\",\"seq\":"
          + seq
          + "}";
    }
  }

  private static float[] vector(SplittableRandom r, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) r.nextDouble(-1, 1);
    }
    return v;
  }

  private static MemoryStream<String> input(int partitions) {
    return MemoryStream.apply(spark, partitions, Encoders.STRING());
  }

  private static void add(MemoryStream<String> input, List<In> rows) {
    List<String> lines = new ArrayList<>();
    for (In row : rows) {
      lines.add(row.json());
    }
    input.addData(CollectionConverters.asScala(lines).toSeq());
  }

  private static DataStreamWriter<Row> writer(
      MemoryStream<String> input, String collection, String address) {
    Dataset<Row> rows = input.toDF().select(from_json(col("value"), ROW).as("r")).select("r.*");
    return rows.writeStream()
        .format("quiver")
        .option("checkpointLocation", tmp.resolve("checkpoints").resolve(collection).toString())
        .option("publish", address)
        .option("collection", collection)
        .option("op", "op");
  }

  /** Every message along a cause chain. */
  private static String messages(Throwable t) {
    StringBuilder out = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      out.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
    }
    return out.toString();
  }

  /** Runs {@code rows} as one micro-batch of a fresh query that must fail; returns why. */
  private static String failure(String collection, String address, List<In> rows, String... opts)
      throws Exception {
    MemoryStream<String> input = input(2);
    DataStreamWriter<Row> w = writer(input, collection, address);
    for (int i = 0; i < opts.length; i += 2) {
      w = w.option(opts[i], opts[i + 1]);
    }
    StreamingQuery q = w.start();
    try {
      add(input, rows);
      return messages(assertThrows(Exception.class, q::processAllAvailable));
    } finally {
      q.stop();
    }
  }

  private static SparkPlan lastPlan(StreamingQuery q) {
    return ((StreamingQueryWrapper) q).streamingQuery().lastExecution().executedPlan();
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

  /** What the node must hold: the rows applied one after another. */
  private static final class Model {
    final Map<PointId, In> points = new TreeMap<>();

    void apply(List<In> rows) {
      for (In row : rows) {
        if (row.op.equalsIgnoreCase("delete")) {
          points.remove(PointId.of(row.id));
        } else {
          points.put(PointId.of(row.id), row);
        }
      }
    }

    void check(String collection) {
      Map<PointId, PointRecord> served = node.points(collection);
      assertEquals(points.keySet(), served.keySet(), "ids (seed " + Long.toHexString(SEED) + ")");
      for (Map.Entry<PointId, In> e : points.entrySet()) {
        PointRecord r = served.get(e.getKey());
        assertArrayEquals(e.getValue().vector, r.vectors().get(""), "vector of " + e.getKey());
        assertEquals(
            "{\"name\":\"" + e.getValue().name + "\"}",
            r.payload().toString(),
            "payload of " + e.getKey());
      }
    }
  }

  @Test
  void microBatchesOfUpsertsAndDeletesLeaveWhatAModelHolds() throws Exception {
    node.createCollection("model", DIM);
    SplittableRandom random = new SplittableRandom(SEED);
    MemoryStream<String> input = input(3);
    StreamingQuery q =
        writer(input, "model", node.address())
            .option("version", "seq")
            .option("batch_size", "16")
            .start();
    Model model = new Model();
    long seq = 0;
    try {
      for (int batch = 0; batch < 4; batch++) {
        List<In> rows = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
          long id = random.nextInt(50);
          boolean delete = random.nextInt(10) < 3;
          rows.add(
              delete
                  ? new In(id, null, "", random.nextBoolean() ? "delete" : "DELETE", seq++)
                  : new In(id, vector(random, DIM), "p" + id + "-" + seq, "Upsert", seq++));
        }
        add(input, rows);
        q.processAllAvailable();
        model.apply(rows);
        model.check("model");
      }
      String plan = lastPlan(q).toString();
      // Spark 4.1 plans the write's distribution and ordering for a micro-batch too.
      assertTrue(plan.contains("Exchange hashpartitioning(id#"), plan);
      assertTrue(plan.contains("Sort [seq#"), plan);
      Long upserted = metric(lastPlan(q), StreamMetrics.UPSERTED);
      assertNotNull(upserted, plan);
      assertTrue(upserted > 0 && upserted <= 80, "pointsUpserted " + upserted);
    } finally {
      q.stop();
    }
  }

  @Test
  void withoutAVersionTheLastRowOfAnIdInTheBatchWins() throws Exception {
    node.createCollection("lastwins", DIM);
    SplittableRandom random = new SplittableRandom(SEED + 1);
    MemoryStream<String> input = input(1); // one input partition: the shuffle keeps its order
    StreamingQuery q = writer(input, "lastwins", node.address()).option("payload", "name").start();
    try {
      List<In> first =
          List.of(
              new In(1, vector(random, DIM), "one", "upsert", 0),
              new In(2, vector(random, DIM), "two", "upsert", 0),
              new In(4, vector(random, DIM), "four", "upsert", 0));
      List<In> second =
          List.of(
              new In(1, vector(random, DIM), "one-again", "upsert", 0),
              new In(1, null, "", "delete", 0), // upsert then delete: gone
              new In(2, null, "", "Delete", 0),
              new In(2, vector(random, DIM), "two-back", "UPSERT", 0), // delete then upsert
              new In(3, vector(random, DIM), "three-a", "upsert", 0),
              new In(3, vector(random, DIM), "three-b", "upsert", 0),
              new In(5, null, "", "delete", 0)); // never existed
      Model model = new Model();
      add(input, first);
      q.processAllAvailable();
      model.apply(first);
      model.check("lastwins");
      add(input, second);
      q.processAllAvailable();
      model.apply(second);
      model.check("lastwins");
      assertEquals(
          List.of(2L, 3L, 4L),
          node.points("lastwins").keySet().stream().map(PointId::num).toList());
    } finally {
      q.stop();
    }
  }

  @Test
  void requestsTheNodeCouldNotTakeAreRetriedAndTheResultIsExact() throws Exception {
    node.createCollection("flaky", DIM);
    SplittableRandom random = new SplittableRandom(SEED + 2);
    try (FlakyProxy proxy = new FlakyProxy(node.address(), n -> n <= 3 ? 503 : 0)) {
      MemoryStream<String> input = input(2);
      StreamingQuery q =
          writer(input, "flaky", proxy.address())
              .option("batch_size", "10")
              .option("retry_backoff_ms", "5")
              .option("payload", "name")
              .start();
      try {
        List<In> rows = new ArrayList<>();
        for (long id = 0; id < 60; id++) {
          rows.add(new In(id, vector(random, DIM), "p" + id, "upsert", 0));
        }
        add(input, rows);
        q.processAllAvailable();
        assertEquals(3, proxy.failed());
        assertEquals(3L, metric(lastPlan(q), StreamMetrics.RETRIES), "nodeRetries");
        assertEquals(60L, metric(lastPlan(q), StreamMetrics.UPSERTED), "pointsUpserted");
        Model model = new Model();
        model.apply(rows);
        model.check("flaky");
      } finally {
        q.stop();
      }
    }
  }

  @Test
  void aMicroBatchRunAgainAfterAFailureGivesTheSameState() throws Exception {
    node.createCollection("replay", DIM);
    SplittableRandom random = new SplittableRandom(SEED + 4);
    MemoryStream<String> input = input(2);
    Model model = new Model();
    List<In> first = new ArrayList<>();
    for (long id = 0; id < 40; id++) {
      first.add(new In(id, vector(random, DIM), "p" + id, "upsert", id));
    }
    List<In> second = new ArrayList<>();
    for (long seq = 40; seq < 100; seq++) {
      long id = random.nextInt(60);
      second.add(
          random.nextInt(3) == 0
              ? new In(id, null, "", "delete", seq)
              : new In(id, vector(random, DIM), "q" + seq, "upsert", seq));
    }
    try (FlakyProxy proxy = new FlakyProxy(node.address(), n -> 0)) {
      StreamingQuery q =
          writer(input, "replay", proxy.address())
              .option("version", "seq")
              .option("batch_size", "8")
              .start();
      try {
        add(input, first);
        q.processAllAvailable();
        model.apply(first);
        model.check("replay");
        // Micro-batch 1: the node takes the first write, then refuses every other one, in every
        // attempt of the task, and the query fails with part of the micro-batch applied.
        proxy.failWith(n -> n == 1 ? 0 : 400);
        add(input, second);
        assertThrows(Exception.class, q::processAllAvailable);
        assertTrue(proxy.writes() > 1, "writes " + proxy.writes());
      } finally {
        q.stop();
      }
    }
    // The query restarted from its checkpoint runs micro-batch 1 again, whole.
    StreamingQuery again =
        writer(input, "replay", node.address())
            .option("version", "seq")
            .option("batch_size", "8")
            .start();
    try {
      again.processAllAvailable();
      model.apply(second);
      model.check("replay");
    } finally {
      again.stop();
    }
  }

  @Test
  void anAggregationInUpdateModeUpsertsTheChangedKeys() throws Exception {
    node.createCollection("updates", DIM);
    SplittableRandom random = new SplittableRandom(SEED + 5);
    MemoryStream<String> input = input(2);
    Dataset<Row> latest =
        input
            .toDF()
            .select(from_json(col("value"), ROW).as("r"))
            .select("r.*")
            .groupBy("id")
            .agg(max_by(col("vector"), col("seq")).as("vector"), count("*").as("rows"));
    StreamingQuery q =
        latest
            .writeStream()
            .format("quiver")
            .outputMode("update")
            .option("checkpointLocation", tmp.resolve("checkpoints").resolve("updates").toString())
            .option("publish", node.address())
            .option("collection", "updates")
            .start();
    Map<Long, float[]> vectors = new TreeMap<>();
    Map<Long, Long> rows = new TreeMap<>();
    long seq = 0;
    try {
      for (int batch = 0; batch < 2; batch++) {
        List<In> in = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
          long id = random.nextInt(10);
          In row = new In(id, vector(random, DIM), "", "upsert", seq++);
          in.add(row);
          vectors.put(id, row.vector());
          rows.merge(id, 1L, Long::sum);
        }
        add(input, in);
        q.processAllAvailable();
        Map<PointId, PointRecord> served = node.points("updates");
        assertEquals(vectors.size(), served.size());
        for (Map.Entry<Long, float[]> e : vectors.entrySet()) {
          PointRecord r = served.get(PointId.of(e.getKey()));
          assertArrayEquals(e.getValue(), r.vectors().get(""), "vector of " + e.getKey());
          assertEquals("{\"rows\":" + rows.get(e.getKey()) + "}", r.payload().toString());
        }
      }
    } finally {
      q.stop();
    }
    // Complete mode would ask the sink to replace the whole collection every micro-batch.
    StreamingQuery complete =
        latest
            .writeStream()
            .format("quiver")
            .outputMode("complete")
            .option("checkpointLocation", tmp.resolve("checkpoints").resolve("complete").toString())
            .option("publish", node.address())
            .option("collection", "updates")
            .start();
    try {
      String why = messages(assertThrows(Exception.class, complete::processAllAvailable));
      assertTrue(why.contains("complete mode would replace the whole collection"), why);
    } finally {
      complete.stop();
    }
  }

  @Test
  void continuousProcessingIsRefusedAtStart() {
    // It has no shuffle to keep the rows of an id together, so Spark refuses a sink that asks.
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                spark
                    .readStream()
                    .format("rate")
                    .load()
                    .selectExpr("value AS id", "array(1f, 2f, 3f, 4f) AS vector")
                    .writeStream()
                    .format("quiver")
                    .trigger(Trigger.Continuous("1 second"))
                    .option(
                        "checkpointLocation",
                        tmp.resolve("checkpoints").resolve("continuous").toString())
                    .option("publish", node.address())
                    .option("collection", "continuous")
                    .start());
    assertTrue(
        e.getMessage().contains("cannot request distribution and ordering in continuous"),
        e.getMessage());
  }

  @Test
  void aRequestTheNodeRefusesFailsTheQueryWithTheNodesReason() throws Exception {
    node.createCollection("refused", DIM);
    SplittableRandom random = new SplittableRandom(SEED + 3);
    List<In> rows = new ArrayList<>();
    for (long id = 0; id < 1000; id++) {
      rows.add(new In(id, vector(random, DIM), "p" + id, "upsert", 0));
    }
    // More points in one request than the node's strict_mode.upsert_max_batchsize allows.
    String why = failure("refused", node.address(), rows, "batch_size", "1000");
    assertTrue(why.contains("refused the upsert of"), why);
    assertTrue(why.contains("(HTTP 400: "), why);
    assertTrue(why.contains("strict_mode.upsert_max_batchsize"), why);
  }

  @Test
  void aCollectionTheNodeDoesNotHaveFailsTheQueryAtItsFirstBatch() throws Exception {
    String why =
        failure("absent", node.address(), List.of(new In(1, new float[DIM], "x", "upsert", 0)));
    assertTrue(why.contains("collection 'absent' does not exist on node " + node.address()), why);
  }

  @Test
  void noNodeAtTheAddressFailsAfterTheRetries() throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    String why =
        failure(
            "any",
            "http://127.0.0.1:" + closedPort,
            List.of(new In(1, new float[DIM], "x", "upsert", 0)),
            "max_retries",
            "1",
            "retry_backoff_ms",
            "1");
    assertTrue(why.contains("did not take the request for collection 'any' in 2 attempts"), why);
    assertTrue(why.contains("ConnectException"), why);
  }

  @Test
  void aBadOpNamesTheColumnTheIdAndTheValue() throws Exception {
    node.createCollection("badop", DIM);
    String why =
        failure(
            "badop",
            node.address(),
            List.of(
                new In(1, new float[DIM], "x", "upsert", 0),
                new In(7, new float[DIM], "y", "merge", 0)));
    assertTrue(
        why.contains(
            "bad value in column 'op' for id 7: the op must be 'upsert' or 'delete' (in any"
                + " case); value: 'merge'"),
        why);
  }

  @Test
  void aVectorOfTheWrongSizeNamesTheColumnTheIdAndTheValue() throws Exception {
    node.createCollection("wrongsize", DIM);
    String why =
        failure(
            "wrongsize",
            node.address(),
            List.of(new In(9, new float[] {1f, 2f, 3f}, "x", "upsert", 0)));
    assertTrue(
        why.contains(
            "bad value in column 'vector' for id 9: expected 4 elements, got 3; value: [1.0, 2.0,"
                + " 3.0]"),
        why);
  }

  @Test
  void optionsAreCheckedBeforeAnythingIsSent() throws Exception {
    node.createCollection("opts", DIM);
    List<In> one = List.of(new In(1, new float[DIM], "x", "upsert", 0));
    String typo = failure("opts", node.address(), one, "batch_sise", "10");
    assertTrue(typo.contains("unknown streaming write option 'batch_sise'"), typo);
    String named = failure("opts", node.address(), one, "vectors", "text:vector");
    assertTrue(
        named.contains(
            "collection 'opts' on node "
                + node.address()
                + " has one unnamed vector, so option 'vectors' names vector 'text'"),
        named);
    assertTrue(node.points("opts").isEmpty());
  }
}
