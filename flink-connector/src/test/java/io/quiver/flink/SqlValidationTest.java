package io.quiver.flink;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.flink.table.api.EnvironmentSettings;
import org.apache.flink.table.api.TableEnvironment;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A quiver table that cannot be written is refused when an INSERT into it is planned, naming the
 * option or the column. Planning only: no job runs and no node is needed.
 */
class SqlValidationTest {

  private static TableEnvironment tables;

  @BeforeAll
  static void planner() {
    tables = TableEnvironment.create(EnvironmentSettings.inStreamingMode());
  }

  /** Creates table {@code t} with {@code columns} and {@code options}; returns the failure. */
  private static String refusal(String columns, String options) {
    tables.executeSql("DROP TEMPORARY TABLE IF EXISTS t");
    tables.executeSql(
        "CREATE TEMPORARY TABLE t ("
            + columns
            + ") WITH ('connector' = 'quiver', 'address' = '127.0.0.1:1', 'collection' = 'c'"
            + options
            + ")");
    Exception e =
        assertThrows(
            Exception.class,
            () -> tables.explainSql("INSERT INTO t SELECT * FROM t_source"),
            "planning should fail");
    return SqlSinkTest.messages(e);
  }

  private static void assertRefused(String columns, String options, String... parts) {
    tables.executeSql("DROP TEMPORARY TABLE IF EXISTS t_source");
    tables.executeSql(
        "CREATE TEMPORARY TABLE t_source ("
            + columns.replaceAll(",?\\s*PRIMARY KEY \\([^)]*\\) NOT ENFORCED", "")
            + ") WITH ('connector' = 'datagen', 'number-of-rows' = '1')");
    String message = refusal(columns, options);
    for (String part : parts) {
      assertTrue(message.contains(part), () -> "'" + part + "' not in:\n" + message);
    }
  }

  private static final String GOOD =
      "id BIGINT, embedding ARRAY<FLOAT>, tag STRING, v BIGINT, PRIMARY KEY (id) NOT ENFORCED";

  @Test
  void aMissingPrimaryKey() {
    assertRefused(
        "id BIGINT, embedding ARRAY<FLOAT>",
        "",
        "quiver table: a primary key is required: declare PRIMARY KEY (<column>) NOT ENFORCED");
  }

  @Test
  void aPrimaryKeyOfTwoColumns() {
    assertRefused(
        "id BIGINT, part BIGINT, embedding ARRAY<FLOAT>, PRIMARY KEY (id, part) NOT ENFORCED",
        "",
        "the primary key must be a single column, the point id (BIGINT or STRING); got [id, part]");
  }

  @Test
  void aPrimaryKeyOfAnotherType() {
    assertRefused(
        "id DOUBLE, embedding ARRAY<FLOAT>, PRIMARY KEY (id) NOT ENFORCED",
        "",
        "the primary key column 'id' has type DOUBLE NOT NULL; the point id must be BIGINT");
  }

  @Test
  void anUnknownOption() {
    assertRefused(GOOD, ", 'sink.batch.size' = '10'", "Unsupported options", "sink.batch.size");
  }

  @Test
  void noVectorColumn() {
    assertRefused(
        "id BIGINT, tag STRING, PRIMARY KEY (id) NOT ENFORCED",
        "",
        "quiver table: no vector column among [id, tag]: a point needs a vector");
  }

  @Test
  void aVersionColumnThatIsNoInteger() {
    assertRefused(
        GOOD,
        ", 'version' = 'tag'",
        "option 'version' names column 'tag' of type STRING; the version column must be an integer"
            + " type");
  }

  @Test
  void aVersionColumnThatIsNotThere() {
    assertRefused(
        GOOD,
        ", 'version' = 'offset'",
        "option 'version' names column 'offset', which the table does not have; its columns are"
            + " [id, embedding, tag, v]");
  }

  @Test
  void aVectorOptionOnAColumnThatIsNoVector() {
    assertRefused(
        GOOD,
        ", 'vector' = 'tag'",
        "option 'vector' names column 'tag' of type STRING; a vector column must be ARRAY<FLOAT>"
            + " or ARRAY<DOUBLE>");
  }

  @Test
  void aPayloadColumnOfATypeJsonCannotHold() {
    assertRefused(
        "id BIGINT, embedding ARRAY<FLOAT>, raw_bytes BYTES, PRIMARY KEY (id) NOT ENFORCED",
        "",
        "payload column 'raw_bytes' has type BYTES, which a payload cannot hold");
  }

  @Test
  void sinkOptionValuesAreCheckedNamingTheOption() {
    assertRefused(
        GOOD,
        ", 'sink.batch.max-points' = '0'",
        "option 'sink.batch.max-points': quiver sink: maxBatchSize must be in [1, 100000]; got 0");
    assertRefused(
        GOOD,
        ", 'sink.delivery-guarantee' = 'exactly-once'",
        "option 'sink.delivery-guarantee': quiver sink: deliveryGuarantee EXACTLY_ONCE is not"
            + " offered");
    assertRefused(GOOD, ", 'address' = ' , '", "setAddresses is required");
  }
}
