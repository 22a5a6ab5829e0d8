package io.quiver.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.collection.QuiverCollection;
import io.quiver.flink.build.QuiverBuildSink;
import io.quiver.flink.build.QuiverBuildSinkBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bounded build refuses bad records and bad settings with messages that name the point and the
 * field, or the setter and the value; a failed build publishes no version, and a node that cannot
 * be reached fails the job after the version is committed, naming the address.
 */
class BuildBadInputTest {

  @RegisterExtension static final MiniClusterExtension FLINK = new MiniClusterExtension();

  @TempDir Path root;

  private QuiverBuildSinkBuilder<Doc> docs(String collection) {
    return QuiverBuildSink.<Doc>builder()
        .setPath(root.toUri().toString())
        .setCollection(collection)
        .setConfig("{\"vectors\": {\"size\": 4, \"distance\": \"Dot\"}}")
        .setRecordConverter(
            d ->
                d.deleted
                    ? QuiverRecord.delete(d.id, d.version)
                    : QuiverRecord.upsert(d.id, d.embedding, d.version)
                        .withPayload(Map.of("tag", d.tag)));
  }

  /** Runs {@code docs} through {@code sink} and returns the job's failure, one cause per line. */
  private static String failure(List<Doc> docs, QuiverBuildSink<Doc> sink) {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(1);
    env.fromData(docs).sinkTo(sink);
    Exception e = assertThrows(Exception.class, () -> env.execute("bad build input"));
    return SinkJobs.messages(e);
  }

  private static void assertContains(String text, String... parts) {
    for (String part : parts) {
      assertTrue(text.contains(part), () -> "'" + part + "' not in:\n" + text);
    }
  }

  private boolean committed(String collection, long version) {
    return Files.exists(root.resolve(collection).resolve("v" + version).resolve("manifest.json"));
  }

  @Test
  void aWrongDimensionFailsNamingThePointAndNoVersionAppears() {
    QuiverBuildSink<Doc> sink = docs("dims").build();
    assertContains(
        failure(
            List.of(
                Doc.upsert(1L, new float[] {1, 2, 3, 4}, "ok", 1),
                Doc.upsert(7L, new float[] {1, 2, 3}, "short", 2)),
            sink),
        "quiver build of 'dims': vector of point 7 has dimension 3; expected 4 (version 2)");
    assertFalse(committed("dims", sink.version()));
  }

  @Test
  void nanFailsNamingThePointAndThePosition() {
    QuiverBuildSink<Doc> sink = docs("nan").build();
    assertContains(
        failure(List.of(Doc.upsert(8L, new float[] {1, 2, Float.NaN, 4}, "nan", 3)), sink),
        "quiver build of 'nan': vector of point 8 has a non-finite value NaN at index 2"
            + " (version 3)");
    assertFalse(committed("nan", sink.version()));
  }

  @Test
  void aNullIdFailsNamingTheField() {
    assertContains(
        failure(
            List.of(Doc.upsert(null, new float[] {1, 2, 3, 4}, "no id", 5)), docs("ids").build()),
        "quiver sink: id is null; every record needs an id");
  }

  @Test
  void anUnreachableNodeFailsTheJobNamingTheAddressAfterTheVersionIsCommitted() throws Exception {
    String dead = "http://127.0.0.1:" + SinkRetryTest.freePort();
    QuiverBuildSink<Doc> sink = docs("unpublished").setPublish(dead).build();
    assertContains(
        failure(List.of(Doc.upsert(1L, new float[] {1, 2, 3, 4}, "x", 1)), sink),
        "could not reach node " + dead + " to publish ");
    assertTrue(committed("unpublished", sink.version()), "the version is on storage");
    Path target = Files.createTempDirectory(root, "restored-");
    Files.delete(target);
    try (QuiverCollection c =
        QuiverCollection.restore(
            root.resolve("unpublished").resolve("v" + sink.version()), target)) {
      assertEquals(1, c.count());
    }
  }

  @Test
  void badSettingsFailNamingTheSetterAndTheValue() {
    assertMessage(
        () -> docs("x").setConfig("{\"vectors\": "), "quiver build: setConfig: not JSON: ");
    assertMessage(
        () -> docs("x").setConfig("[1]"),
        "quiver build: setConfig: expected a JSON object such as");
    assertMessage(
        () -> docs("x").setConfig("{\"vectors\": {\"size\": 0, \"distance\": \"Dot\"}}"),
        "quiver build: setConfig: ");
    assertMessage(
        () -> docs("x").setShards(0), "quiver build: setShards: must be in [1, 4096]; got 0");
    assertMessage(
        () -> docs("x").setPayloadIndex("tag", "nonsense"),
        "quiver build: setPayloadIndex('tag'): ");
    assertMessage(
        () -> docs("x").setPublish("ftp://node:6333"),
        "quiver build: setPublish: expected a node's REST address such as http://host:6333; got"
            + " 'ftp://node:6333'");
    assertMessage(
        () -> docs("bad name"),
        "quiver build: setCollection: collection name must be 1-255 letters");
    assertMessage(
        () -> QuiverBuildSink.<Doc>builder().setCollection("x").build(),
        "quiver build: setPath was not called");
  }

  private static void assertMessage(Runnable setting, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, setting::run);
    assertTrue(
        e.getMessage().startsWith(expected), () -> "'" + expected + "' vs " + e.getMessage());
  }
}
