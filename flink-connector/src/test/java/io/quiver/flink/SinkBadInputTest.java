package io.quiver.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Bad input and unreachable nodes fail the job with a message that names the field and the value,
 * or the address; nothing is dropped silently. Each job writes a few good points first: the sink
 * stops at the bad one, and what the node acknowledged before stays.
 */
@ExtendWith(SharedNode.class)
class SinkBadInputTest {

  @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

  private static TestNode node;

  @BeforeAll
  static void useNode(TestNode shared) throws Exception {
    node = shared;
    node.createCollection("bad_input", 4);
  }

  private static QuiverSinkBuilder<Doc> docs(String collection, String... addresses) {
    return QuiverSink.<Doc>builder()
        .setAddresses(addresses)
        .setCollection(collection)
        .setIdExtractor(d -> d.id)
        .setVectorExtractor(d -> d.embedding)
        .setPayloadExtractor(d -> Map.of("tag", d.tag))
        .setVersionExtractor(d -> d.version)
        .setOperationExtractor(
            d -> d.deleted ? QuiverRecord.Operation.DELETE : QuiverRecord.Operation.UPSERT);
  }

  /** Runs {@code docs} through {@code sink} and returns the job's failure, one cause per line. */
  private static String failure(List<Doc> docs, QuiverSink<Doc> sink) {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(1);
    env.fromData(docs).sinkTo(sink);
    Exception e = assertThrows(Exception.class, () -> env.execute("bad input"));
    return SinkJobs.messages(e);
  }

  private static void assertContains(String text, String... parts) {
    for (String part : parts) {
      assertTrue(text.contains(part), () -> "'" + part + "' not in:\n" + text);
    }
  }

  @Test
  void aWrongDimensionFailsWithTheNodesMessage() {
    String message =
        failure(
            List.of(
                Doc.upsert(1L, new float[] {1, 2, 3, 4}, "ok", 1),
                Doc.upsert(7L, new float[] {1, 2, 3}, "short", 1)),
            docs("bad_input", node.address()).setMaxBatchSize(1).build());
    assertContains(
        message,
        "node " + node.address() + " refused the upsert of 1 point in collection 'bad_input'",
        "INVALID_ARGUMENT",
        "vector of point 7 has dimension 3; expected 4");
    assertEquals(1, node.points("bad_input", 2).size(), "the good point before it stays");
  }

  @Test
  void nanAndInfinityFailBeforeSendingNamingThePointAndTheField() {
    assertContains(
        failure(
            List.of(Doc.upsert(8L, new float[] {1, 2, Float.NaN, 4}, "nan", 3)),
            docs("bad_input", node.address()).build()),
        "point 8 (version 3): vector[2] is NaN; vector values must be finite");
    QuiverSink<QuiverRecord> named =
        QuiverSink.forRecords().setAddresses(node.address()).setCollection("bad_input").build();
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.fromData(
            QuiverRecord.upsertNamed(
                9L, Map.of("image", new float[] {Float.NEGATIVE_INFINITY, 0, 0, 0}), 4))
        .sinkTo(named);
    assertContains(
        SinkJobs.messages(assertThrows(Exception.class, () -> env.execute("infinity"))),
        "point 9 (version 4): vector 'image'[0] is -Infinity; vector values must be finite");
  }

  @Test
  void aNullIdFailsNamingTheField() {
    assertContains(
        failure(
            List.of(Doc.upsert(null, new float[] {1, 2, 3, 4}, "no id", 5)),
            docs("bad_input", node.address()).build()),
        "the id extractor returned null (field 'id') for Doc{id=null, tag=no id, version=5}");
  }

  @Test
  void anUnknownCollectionFailsWithTheNodesMessage() {
    assertContains(
        failure(List.of(Doc.delete(1L, 1)), docs("nope", node.address()).build()),
        "node " + node.address() + " refused the delete of 1 id in collection 'nope'",
        "NOT_FOUND",
        "collection 'nope' does not exist");
  }

  @Test
  void anUnreachableNodeFailsAfterTheRetriesNamingTheAddress() throws Exception {
    String dead = "127.0.0.1:" + SinkRetryTest.freePort();
    assertContains(
        failure(
            List.of(Doc.upsert(1L, new float[] {1, 2, 3, 4}, "x", 1)),
            docs("bad_input", dead)
                .setMaxRetries(2)
                .setRetryBackoff(Duration.ofMillis(1), Duration.ofMillis(5))
                .build()),
        "no node took the upsert of 1 point in collection 'bad_input' in 3 attempts (maxRetries 2)"
            + " to ["
            + dead
            + "]",
        "the last failure, from " + dead + ": UNAVAILABLE");
  }
}
