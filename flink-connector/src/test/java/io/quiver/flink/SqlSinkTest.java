package io.quiver.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.point.PointRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.Schema;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.types.Row;
import org.apache.flink.types.RowKind;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SQL jobs on an upsert changelog against a real node: the collection ends as a plain model of the
 * changelog says, with the table's version column and with versions the writers derive; payload
 * columns of every supported type arrive as JSON; a null vector fails the job naming the column.
 */
@ExtendWith(SharedNode.class)
class SqlSinkTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  private static final int IDS = 200;
  private static final int CHANGES = 3_000;
  private static final long SEED = Long.getLong("quiver.test.seed", 20261121L);

  private static TestNode node;

  @BeforeAll
  static void useNode(TestNode shared) throws Exception {
    node = shared;
    node.createCollection("sql_versioned", 4);
    node.createCollection("sql_derived", 4);
    node.createCollection("sql_bad_rows", 4);
    node.createCollection(
        "sql_named",
        "{\"vectors\": {\"text\": {\"size\": 2, \"distance\": \"Dot\"},"
            + " \"image\": {\"size\": 3, \"distance\": \"Dot\"}}}");
  }

  private static StreamExecutionEnvironment env() {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(1);
    return env;
  }

  private static StreamTableEnvironment tables() {
    return tables(env());
  }

  private static StreamTableEnvironment tables(StreamExecutionEnvironment env) {
    return StreamTableEnvironment.create(env, EnvironmentSettings.inStreamingMode());
  }

  private String with(String collection, String... options) {
    StringBuilder s =
        new StringBuilder("'connector' = 'quiver', 'address' = '")
            .append(node.address())
            .append("', 'collection' = '")
            .append(collection)
            .append('\'');
    for (int i = 0; i < options.length; i += 2) {
      s.append(", '").append(options[i]).append("' = '").append(options[i + 1]).append('\'');
    }
    return " WITH (" + s + ")";
  }

  /** A seeded changelog over ids [0, IDS) and the rows it leaves: id, v, embedding, tag. */
  private static final class Changelog {
    final List<Row> rows = new ArrayList<>();
    final Map<Long, Row> live = new HashMap<>();

    Changelog(long seed) {
      Random random = new Random(seed);
      for (long v = 1; v <= CHANGES; v++) {
        long id = random.nextInt(IDS);
        Row before = live.get(id);
        if (before != null && random.nextInt(4) == 0) {
          // A delete carries the deleted row and, like a CDC position, its own version.
          live.remove(id);
          rows.add(Row.ofKind(RowKind.DELETE, id, v, before.getField(2), before.getField(3)));
          continue;
        }
        float[] vector = {id, v, random.nextFloat(), -1};
        Row after = Row.of(id, v, vector, "t" + v);
        if (before == null) {
          rows.add(after);
        } else {
          Row old = Row.copy(before);
          old.setKind(RowKind.UPDATE_BEFORE);
          rows.add(old);
          Row update = Row.copy(after);
          update.setKind(RowKind.UPDATE_AFTER);
          rows.add(update);
        }
        live.put(id, after);
      }
    }

    static TypeInformation<Row> type() {
      return Types.ROW_NAMED(
          new String[] {"id", "v", "embedding", "tag"},
          Types.LONG,
          Types.LONG,
          Types.PRIMITIVE_ARRAY(Types.FLOAT),
          Types.STRING);
    }
  }

  /** Writes {@code rows} of a changelog into {@code collection} through a quiver table. */
  private void write(List<Row> rows, String collection, boolean versionColumn) throws Exception {
    StreamExecutionEnvironment env = env();
    write(env, env.fromData(rows, Changelog.type()).name("changelog"), collection, versionColumn);
  }

  private void write(
      StreamExecutionEnvironment env,
      DataStream<Row> changes,
      String collection,
      boolean versionColumn)
      throws Exception {
    StreamTableEnvironment tables = tables(env);
    tables.createTemporaryView(
        "changes",
        tables.fromChangelogStream(
            changes, Schema.newBuilder().primaryKey("id").build(), ChangelogMode.all()));
    tables.executeSql(
        "CREATE TABLE points (id BIGINT, embedding ARRAY<FLOAT>, tag STRING, v BIGINT,"
            + " PRIMARY KEY (id) NOT ENFORCED)"
            + with(
                collection,
                versionColumn
                    ? new String[] {
                      "vector",
                      "embedding",
                      "version",
                      "v",
                      "sink.parallelism",
                      "2",
                      "sink.linger",
                      "0 ms",
                      "sink.delivery-guarantee",
                      "at-least-once"
                    }
                    : new String[] {"vector", "embedding", "sink.parallelism", "2"}));
    tables.executeSql("INSERT INTO points SELECT id, embedding, tag, v FROM changes").await();
  }

  /** Asserts that the node holds exactly the changelog's final rows. */
  private static void assertModel(Changelog changelog, String collection, boolean versionColumn) {
    Map<Long, PointRecord> points = node.points(collection, IDS);
    assertEquals(changelog.live.keySet(), points.keySet(), "seed " + SEED + ": live ids");
    for (Map.Entry<Long, Row> e : changelog.live.entrySet()) {
      PointRecord p = points.get(e.getKey());
      Row row = e.getValue();
      String what = "seed " + SEED + ", id " + e.getKey();
      assertArrayEquals((float[]) row.getField(2), p.vectors().get(""), what);
      assertEquals(row.getField(3), p.payload().get("tag").asText(), what);
      if (versionColumn) {
        assertTrue(!p.payload().has("v"), "the version column is no payload field");
      } else {
        assertEquals(row.getField(1), p.payload().get("v").asLong(), what);
      }
    }
  }

  @Test
  void anUpsertChangelogWithAVersionColumnEndsAsTheModelAndAReplayChangesNothing()
      throws Exception {
    Changelog changelog = new Changelog(SEED);
    write(changelog.rows, "sql_versioned", true);
    assertModel(changelog, "sql_versioned", true);
    // A restore replays what followed a checkpoint: every replayed write is stale.
    write(changelog.rows.subList(0, changelog.rows.size() * 2 / 3), "sql_versioned", true);
    assertModel(changelog, "sql_versioned", true);
  }

  @Test
  void anUpsertChangelogWithDerivedVersionsEndsAsTheModel() throws Exception {
    Changelog changelog = new Changelog(SEED);
    write(changelog.rows, "sql_derived", false);
    assertModel(changelog, "sql_derived", false);
  }

  private static final Changelog RESTARTED = new Changelog(SEED + 1);

  /**
   * The job fails once in a map before the table, after some checkpoints, and restarts from the
   * last one: the source replays the changes after it. With a version column the replayed writes
   * are stale; with derived versions they are applied again, in order. Either way the collection
   * ends as the model.
   */
  @ParameterizedTest(name = "version column {0}")
  @ValueSource(booleans = {true, false})
  void aJobThatFailsOnceAndRestartsEndsAsTheModel(boolean versionColumn) throws Exception {
    String collection = "sql_restart_" + versionColumn;
    node.createCollection(collection, 4);
    FailOnce.failed.set(false);
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(50));
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ZERO);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(1);
    // A checkpoint lets the next 500 positions out, so the failure comes after a few.
    DataGeneratorSource<Long> positions =
        new DataGeneratorSource<>(
            i -> i, RESTARTED.rows.size(), RateLimiterStrategy.perCheckpoint(500), Types.LONG);
    DataStream<Row> changes =
        env.fromSource(positions, WatermarkStrategy.noWatermarks(), "positions")
            .map(new FailOnce())
            .returns(Changelog.type());
    write(env, changes, collection, versionColumn);
    assertTrue(FailOnce.failed.get(), "the injected failure happened");
    assertModel(RESTARTED, collection, versionColumn);
  }

  /** Position to changelog row; throws once, past the middle of the changelog. */
  static final class FailOnce implements MapFunction<Long, Row> {
    static final AtomicBoolean failed = new AtomicBoolean();

    @Override
    public Row map(Long position) {
      if (position == RESTARTED.rows.size() / 2 && failed.compareAndSet(false, true)) {
        throw new IllegalStateException("injected failure at position " + position);
      }
      return RESTARTED.rows.get(position.intValue());
    }
  }

  @Test
  void namedVectorsAndPayloadTypes() throws Exception {
    StreamTableEnvironment tables = tables();
    tables.executeSql(
        "CREATE TABLE typed (id STRING, text ARRAY<FLOAT>, image ARRAY<DOUBLE>, n INT,"
            + " score DOUBLE, ok BOOLEAN, tags ARRAY<STRING>, attrs MAP<STRING, INT>,"
            + " nested ROW<a INT, b STRING>, ts TIMESTAMP(3), born DATE, price DECIMAL(10, 2),"
            + " PRIMARY KEY (id) NOT ENFORCED)"
            + with("sql_named"));
    tables
        .executeSql(
            "INSERT INTO typed VALUES"
                + " ('1', ARRAY[CAST(1 AS FLOAT), 2], ARRAY[CAST(1 AS DOUBLE), 2, 3], 7, 0.5, TRUE,"
                + "  ARRAY['a', 'b'], MAP['x', 1], ROW(1, 'z'), TIMESTAMP '2026-01-02 03:04:05.678',"
                + "  DATE '2026-01-02', 12.34),"
                + " ('2', ARRAY[CAST(3 AS FLOAT), 4], ARRAY[CAST(4 AS DOUBLE), 5, 6], CAST(NULL AS INT),"
                + "  CAST(NULL AS DOUBLE), CAST(NULL AS BOOLEAN), CAST(NULL AS ARRAY<STRING>),"
                + "  CAST(NULL AS MAP<STRING, INT>), CAST(NULL AS ROW<a INT, b STRING>),"
                + "  CAST(NULL AS TIMESTAMP(3)), CAST(NULL AS DATE), CAST(NULL AS DECIMAL(10, 2)))")
        .await();
    Map<Long, PointRecord> points = node.points("sql_named", 3);
    PointRecord one = points.get(1L);
    assertArrayEquals(new float[] {1, 2}, one.vectors().get("text"));
    assertArrayEquals(new float[] {1, 2, 3}, one.vectors().get("image"));
    assertEquals(
        "{\"n\":7,\"score\":0.5,\"ok\":true,\"tags\":[\"a\",\"b\"],\"attrs\":{\"x\":1},"
            + "\"nested\":{\"a\":1,\"b\":\"z\"},\"ts\":\"2026-01-02T03:04:05.678\","
            + "\"born\":\"2026-01-02\",\"price\":12.34}",
        one.payload().toString());
    PointRecord two = points.get(2L);
    assertArrayEquals(new float[] {3, 4}, two.vectors().get("text"));
    assertArrayEquals(new float[] {4, 5, 6}, two.vectors().get("image"));
    assertEquals(
        "{\"n\":null,\"score\":null,\"ok\":null,\"tags\":null,\"attrs\":null,\"nested\":null,"
            + "\"ts\":null,\"born\":null,\"price\":null}",
        two.payload().toString());
  }

  @Test
  void aNullVectorFailsTheJobNamingTheColumn() {
    StreamTableEnvironment tables = tables();
    tables.executeSql(
        "CREATE TABLE bad (id BIGINT, embedding ARRAY<FLOAT>, PRIMARY KEY (id) NOT ENFORCED)"
            + with("sql_bad_rows", "vector", "embedding"));
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                tables
                    .executeSql(
                        "INSERT INTO bad VALUES (1, ARRAY[CAST(1 AS FLOAT), 2, 3, 4]),"
                            + " (2, CAST(NULL AS ARRAY<FLOAT>))")
                    .await());
    String messages = messages(e);
    assertTrue(
        messages.contains(
            "the vector column 'embedding' is null for the upsert of point 2; every upsert needs"
                + " its vectors"),
        messages);
  }

  static String messages(Throwable t) {
    StringBuilder s = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      s.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append('\n');
    }
    return s.toString();
  }
}
