package io.quiver.serving;

import static io.quiver.serving.TestServers.JSON;
import static io.quiver.serving.TestServers.call;
import static io.quiver.serving.TestServers.json;
import static io.quiver.serving.TestServers.qdrantError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.filter.FilterParser;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.serving.api.CreateCollection;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every REST endpoint of a real node on loopback, driven over HTTP. Reads of the shared {@code
 * docs} collection are checked against an embedded {@link QuiverCollection} holding the same points
 * (exact searches must return the same ids); every test that writes uses a collection of its own,
 * so the tests do not depend on their order.
 */
class RestApiTest {
  private static final long SEED = Long.getLong("quiver.test.seed", 20261121L);
  private static final int DIM = 16;
  private static final int N = 3_000;
  private static final String DOCS = "docs";
  private static final String DOCS_BODY =
      "{\"vectors\": {\"size\": 16, \"distance\": \"Cosine\"},"
          + " \"optimizers_config\": {\"indexing_threshold\": 100},"
          + " \"hnsw_config\": {\"m\": 12, \"ef_construct\": 64}}";
  private static final String GROUP_FILTER =
      "{\"must\": [{\"key\": \"group\", \"match\": {\"any\": [\"g1\", \"g3\"]}}],"
          + " \"must_not\": [{\"key\": \"n\", \"range\": {\"lt\": 500}}]}";

  @TempDir static Path dir;
  private static QuiverNode node;
  private static QuiverCollection reference;
  private static float[][] vectors;

  @BeforeAll
  static void start() throws IOException {
    node = QuiverNode.start(TestServers.config("storage.storage_path=" + dir.resolve("node")));
    reference =
        QuiverCollection.create(
            dir.resolve("reference"), CreateCollection.fromJson(JSON.readTree(DOCS_BODY)).config());
    ok("PUT", "/collections/" + DOCS, DOCS_BODY);
    Random random = new Random(SEED);
    vectors = new float[N][];
    List<Point> points = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      vectors[i] = randomVector(random, DIM);
      points.add(new Point(PointId.of(i), java.util.Map.of("", vectors[i]), payload(i)));
    }
    reference.upsert(points, true);
    for (int start = 0; start < N; start += 500) {
      List<Point> batch = points.subList(start, start + 500);
      JsonNode result =
          ok("PUT", "/collections/docs/points?wait=true", upsertBody(batch, start % 1000 == 0));
      assertEquals("completed", result.get("status").asText());
    }
  }

  @AfterAll
  static void stop() throws IOException {
    if (node != null) {
      node.close();
    }
    if (reference != null) {
      reference.close();
    }
  }

  // ---------------------------------------------------------------- searches against the engine

  @Test
  void exactSearchReturnsTheEmbeddedEnginesIds() throws IOException {
    Random random = new Random(SEED + 1);
    Filter filter = FilterParser.parse(JSON.readTree(GROUP_FILTER));
    for (int q = 0; q < 8; q++) {
      float[] query = randomVector(random, DIM);
      String what = "query " + q + " (seed " + SEED + ")";
      JsonNode hits =
          ok(
              "POST",
              "/collections/docs/points/search",
              "{\"vector\": " + array(query) + ", \"limit\": 10, \"params\": {\"exact\": true}}");
      assertSameHits(exact(query, 10, 0, null), hits, what);
      JsonNode filtered =
          ok(
              "POST",
              "/collections/docs/points/search",
              "{\"vector\": "
                  + array(query)
                  + ", \"limit\": 7, \"offset\": 3, \"filter\": "
                  + GROUP_FILTER
                  + ", \"params\": {\"exact\": true}, \"with_payload\": true}");
      assertSameHits(exact(query, 7, 3, filter), filtered, what + " filtered");
      for (JsonNode hit : filtered) {
        assertEquals(payload(hit.get("id").asInt()), hit.get("payload"), what);
      }
      JsonNode queried =
          ok(
              "POST",
              "/collections/docs/points/query",
              "{\"query\": {\"nearest\": "
                  + array(query)
                  + "}, \"filter\": "
                  + GROUP_FILTER
                  + ", \"limit\": 5, \"params\": {\"exact\": true}}");
      assertSameHits(exact(query, 5, 0, filter), queried.get("points"), what + " query");
    }
  }

  @Test
  void batchesAnswerEachSearchInOrder() {
    Random random = new Random(SEED + 2);
    float[] a = randomVector(random, DIM);
    float[] b = randomVector(random, DIM);
    JsonNode search =
        ok(
            "POST",
            "/collections/docs/points/search/batch",
            "{\"searches\": [{\"vector\": "
                + array(a)
                + ", \"limit\": 3, \"params\": {\"exact\": true}}, {\"vector\": "
                + array(b)
                + ", \"limit\": 4, \"params\": {\"exact\": true}}]}");
    assertEquals(2, search.size());
    assertSameHits(exact(a, 3, 0, null), search.get(0), "search batch 0");
    assertSameHits(exact(b, 4, 0, null), search.get(1), "search batch 1");
    JsonNode query =
        ok(
            "POST",
            "/collections/docs/points/query/batch",
            "{\"searches\": [{\"query\": "
                + array(b)
                + ", \"params\": {\"exact\": true}}, {\"query\": 17, \"limit\": 2,"
                + " \"params\": {\"exact\": true}}]}");
    assertSameHits(exact(b, 10, 0, null), query.get(0).get("points"), "query batch 0 (limit 10)");
    List<ScoredPoint> around17 = exact(vectors[17], 3, 0, null);
    assertEquals(17, around17.get(0).id().num(), "a point is its own nearest neighbour");
    assertSameHits(around17.subList(1, 3), query.get(1).get("points"), "query by id leaves it out");
  }

  @Test
  void queryWithoutAQueryListsPointsInIdOrder() {
    JsonNode points =
        ok("POST", "/collections/docs/points/query", "{\"limit\": 4, \"offset\": 2}").get("points");
    assertEquals(List.of(2L, 3L, 4L, 5L), ids(points));
  }

  @Test
  void scoreThresholdAndApproximateSearch() {
    Random random = new Random(SEED + 3);
    float[] query = randomVector(random, DIM);
    List<ScoredPoint> top = exact(query, 5, 0, null);
    float threshold = top.get(2).score() - 1e-6f;
    JsonNode above =
        ok(
            "POST",
            "/collections/docs/points/search",
            "{\"vector\": "
                + array(query)
                + ", \"limit\": 10, \"score_threshold\": "
                + threshold
                + ", \"params\": {\"exact\": true}}");
    assertEquals(3, above.size(), above.toString());
    int found = 0;
    for (int q = 0; q < 20; q++) {
      float[] v = randomVector(random, DIM);
      Set<Long> truth = new HashSet<>();
      exact(v, 10, 0, null).forEach(p -> truth.add(p.id().num()));
      JsonNode hits =
          ok(
              "POST",
              "/collections/docs/points/search",
              "{\"vector\": "
                  + array(v)
                  + ", \"limit\": 10, \"params\": {\"hnsw_ef\": 128, \"quantization\":"
                  + " {\"rescore\": true, \"oversampling\": 2.0}}}");
      for (JsonNode hit : hits) {
        found += truth.contains(hit.get("id").asLong()) ? 1 : 0;
      }
    }
    assertTrue(found >= 180, "approximate recall@10 " + found / 200.0 + " (seed " + SEED + ")");
  }

  // ---------------------------------------------------------------- reads

  @Test
  void scrollVisitsEveryPointOnceInIdOrder() {
    List<Long> seen = new ArrayList<>();
    JsonNode offset = null;
    do {
      String body =
          "{\"limit\": 700, \"with_payload\": false"
              + (offset == null ? "" : ", \"offset\": " + offset)
              + "}";
      JsonNode page = ok("POST", "/collections/docs/points/scroll", body);
      for (JsonNode p : page.get("points")) {
        assertTrue(p.get("payload").isNull(), p.toString());
        seen.add(p.get("id").asLong());
      }
      offset = page.get("next_page_offset").isNull() ? null : page.get("next_page_offset");
    } while (offset != null);
    List<Long> expected = new ArrayList<>();
    for (PointRecord r : reference.scroll(null, N + 1, false, false).points()) {
      expected.add(r.id().num());
    }
    assertEquals(expected, seen);

    JsonNode filtered =
        ok(
            "POST",
            "/collections/docs/points/scroll",
            "{\"filter\": " + GROUP_FILTER + ", \"limit\": 5, \"with_vector\": true}");
    assertEquals(5, filtered.get("points").size());
    JsonNode first = filtered.get("points").get(0);
    assertEquals(DIM, first.get("vector").size());
    assertEquals(payload(first.get("id").asInt()), first.get("payload"));
  }

  @Test
  void countMatchesTheEngine() throws IOException {
    Filter filter = FilterParser.parse(JSON.readTree(GROUP_FILTER));
    assertEquals(N, ok("POST", "/collections/docs/points/count", "{}").get("count").asLong());
    assertEquals(
        reference.shard().count(filter),
        ok(
                "POST",
                "/collections/docs/points/count",
                "{\"filter\": " + GROUP_FILTER + ", \"exact\": false}")
            .get("count")
            .asLong());
  }

  @Test
  void retrieveAndGetPoint() {
    JsonNode records =
        ok(
            "POST",
            "/collections/docs/points",
            "{\"ids\": [5, 999999, 7], \"with_payload\": {\"include\": [\"group\", \"nested.x\"]}}");
    assertEquals(List.of(5L, 7L), ids(records));
    ObjectNode expected = JsonNodeFactory.instance.objectNode().put("group", "g0");
    expected.putObject("nested").put("x", 5);
    assertEquals(expected, records.get(0).get("payload"));
    assertTrue(records.get(0).get("vector").isNull());

    JsonNode point = ok("GET", "/collections/docs/points/42", null);
    assertEquals(42, point.get("id").asInt());
    assertEquals(payload(42), point.get("payload"));
    float[] stored =
        reference.retrieve(List.of(PointId.of(42)), false, true).get(0).vectors().get("");
    for (int i = 0; i < DIM; i++) {
      assertEquals(stored[i], point.get("vector").get(i).floatValue(), 1e-6f);
    }
    assertTrue(
        qdrantError(call(node.server(), "GET", "/collections/docs/points/999999", null), 404)
            .contains("999999"));
  }

  // ---------------------------------------------------------------- collections

  @Test
  void collectionLifecycle() {
    String body =
        "{\"vectors\": {\"size\": 8, \"distance\": \"Dot\"}, \"shard_number\": 2,"
            + " \"hnsw_config\": {\"m\": 8}, \"quantization_config\": {\"scalar\": {\"type\":"
            + " \"int8\", \"quantile\": 0.99}}}";
    assertEquals(true, ok("PUT", "/collections/life", body).asBoolean());
    assertTrue(
        qdrantError(call(node.server(), "PUT", "/collections/life", body), 409).contains("life"));
    assertEquals(true, ok("GET", "/collections/life/exists", null).get("exists").asBoolean());
    assertTrue(names(ok("GET", "/collections", null)).contains("life"));

    JsonNode info = ok("GET", "/collections/life", null);
    assertEquals("ok", info.get("optimizer_status").asText());
    assertEquals(0, info.get("points_count").asLong());
    JsonNode params = info.get("config").get("params");
    assertEquals(8, params.get("vectors").get("size").asInt());
    assertEquals("Dot", params.get("vectors").get("distance").asText());
    assertEquals(2, params.get("shard_number").asInt());
    assertEquals(1, params.get("replication_factor").asInt());
    assertEquals(8, info.get("config").get("hnsw_config").get("m").asInt());
    assertEquals(
        "int8", info.get("config").get("quantization_config").get("scalar").get("type").asText());
    assertTrue(info.get("config").get("optimizer_config").has("indexing_threshold"));
    assertTrue(info.get("config").get("wal_config").has("wal_capacity_mb"));
    assertTrue(info.get("payload_schema").isObject());

    ok(
        "PATCH",
        "/collections/life",
        "{\"optimizers_config\": {\"indexing_threshold\": 777},"
            + " \"params\": {\"replication_factor\": 3}}");
    info = ok("GET", "/collections/life", null);
    assertEquals(777, info.get("config").get("optimizer_config").get("indexing_threshold").asInt());
    assertEquals(3, info.get("config").get("params").get("replication_factor").asInt());

    assertEquals(true, ok("DELETE", "/collections/life", null).asBoolean());
    assertEquals(false, ok("GET", "/collections/life/exists", null).get("exists").asBoolean());
    assertTrue(
        qdrantError(call(node.server(), "GET", "/collections/life", null), 404).contains("life"));
    assertEquals(false, ok("DELETE", "/collections/life", null).asBoolean());
  }

  @Test
  void aliases() {
    ok("PUT", "/collections/aliased", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}");
    ok(
        "PUT",
        "/collections/aliased/points?wait=true",
        "{\"points\": [{\"id\": 1, \"vector\": [1, 0]}]}");
    ok(
        "POST",
        "/collections/aliases",
        "{\"actions\": [{\"create_alias\": {\"collection_name\": \"aliased\", \"alias_name\": \"a1\"}},"
            + " {\"create_alias\": {\"collection_name\": \"aliased\", \"alias_name\": \"a2\"}},"
            + " {\"rename_alias\": {\"old_alias_name\": \"a2\", \"new_alias_name\": \"a3\"}}]}");
    JsonNode all = ok("GET", "/aliases", null).get("aliases");
    assertTrue(
        all.toString().contains("{\"alias_name\":\"a1\",\"collection_name\":\"aliased\"}"),
        all.toString());
    assertEquals(
        "[{\"alias_name\":\"a1\",\"collection_name\":\"aliased\"},"
            + "{\"alias_name\":\"a3\",\"collection_name\":\"aliased\"}]",
        ok("GET", "/collections/aliased/aliases", null).get("aliases").toString());
    assertEquals(1, ok("POST", "/collections/a3/points/count", "{}").get("count").asInt());
    assertEquals(true, ok("GET", "/collections/a1/exists", null).get("exists").asBoolean());
    // All or nothing: the second action fails, so the first is not applied either.
    qdrantError(
        call(
            node.server(),
            "POST",
            "/collections/aliases",
            "{\"actions\": [{\"delete_alias\": {\"alias_name\": \"a1\"}},"
                + " {\"delete_alias\": {\"alias_name\": \"nope\"}}]}"),
        404);
    assertEquals(true, ok("GET", "/collections/a1/exists", null).get("exists").asBoolean());
    ok(
        "POST",
        "/collections/aliases",
        "{\"actions\": [{\"delete_alias\": {\"alias_name\": \"a1\"}}, {\"delete_alias\":"
            + " {\"alias_name\": \"a3\"}}]}");
    assertEquals(0, ok("GET", "/collections/aliased/aliases", null).get("aliases").size());
  }

  @Test
  void fieldIndexesShowInThePayloadSchema() {
    ok("PUT", "/collections/indexed", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}");
    ok(
        "PUT",
        "/collections/indexed/points?wait=true",
        "{\"points\": [{\"id\": 1, \"vector\": [1, 0], \"payload\": {\"color\": \"red\", \"n\": 1}},"
            + " {\"id\": 2, \"vector\": [0, 1], \"payload\": {\"color\": \"blue\"}},"
            + " {\"id\": 3, \"vector\": [1, 1]}]}");
    JsonNode created =
        ok(
            "PUT",
            "/collections/indexed/index?wait=true",
            "{\"field_name\": \"color\", \"field_schema\": \"keyword\"}");
    assertEquals("completed", created.get("status").asText());
    ok(
        "PUT",
        "/collections/indexed/index?wait=true",
        "{\"field_name\": \"n\", \"field_schema\": {\"type\": \"integer\", \"range\": true}}");
    JsonNode schema = ok("GET", "/collections/indexed", null).get("payload_schema");
    assertEquals("keyword", schema.get("color").get("data_type").asText());
    assertEquals(2, schema.get("color").get("points").asInt());
    assertEquals("integer", schema.get("n").get("data_type").asText());
    assertEquals(1, schema.get("n").get("points").asInt());
    assertEquals(
        1,
        ok(
                "POST",
                "/collections/indexed/points/count",
                "{\"filter\": {\"must\": [{\"key\": \"color\", \"match\": {\"value\": \"red\"}}]}}")
            .get("count")
            .asInt());
    ok("DELETE", "/collections/indexed/index/n?wait=true", null);
    assertFalse(ok("GET", "/collections/indexed", null).get("payload_schema").has("n"));
    assertTrue(
        qdrantError(
                call(
                    node.server(),
                    "PUT",
                    "/collections/indexed/index",
                    "{\"field_name\": \"loc\", \"field_schema\": \"geo\"}"),
                400)
            .contains("field_schema"));
  }

  @Test
  void optimizationsReportProgress() {
    JsonNode progress = ok("GET", "/collections/docs/optimizations?with=completed,queued", null);
    assertTrue(progress.get("summary").has("idle_segments"), progress.toString());
    assertTrue(progress.get("running").isArray());
    assertTrue(progress.get("queued").isArray());
    assertTrue(progress.get("completed").isArray());
    for (JsonNode done : progress.get("completed")) {
      assertEquals("done", done.get("status").asText());
      assertTrue(done.get("progress").has("started_at"), done.toString());
    }
    assertTrue(
        qdrantError(
                call(node.server(), "GET", "/collections/docs/optimizations?with=everything", null),
                400)
            .contains("everything"));
  }

  // ---------------------------------------------------------------- writes

  @Test
  void payloadUpdates() {
    ok("PUT", "/collections/payloads", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}");
    StringBuilder points = new StringBuilder("{\"points\": [");
    for (int i = 1; i <= 6; i++) {
      points
          .append(i > 1 ? "," : "")
          .append("{\"id\": ")
          .append(i)
          .append(", \"vector\": [1, ")
          .append(i)
          .append("], \"payload\": {\"a\": ")
          .append(i)
          .append(", \"b\": \"x\"}}");
    }
    ok("PUT", "/collections/payloads/points?wait=true", points.append("]}").toString());
    String p = "/collections/payloads/points/payload";
    ok("POST", p + "?wait=true", "{\"points\": [1, 2], \"payload\": {\"c\": true}}");
    ok("POST", p + "?wait=true", "{\"points\": [2], \"payload\": {\"d\": 1}, \"key\": \"inner\"}");
    ok("PUT", p + "?wait=true", "{\"points\": [3], \"payload\": {\"only\": 3}}");
    ok("POST", p + "/delete?wait=true", "{\"points\": [4], \"keys\": [\"a\"]}");
    ok("POST", p + "/clear?wait=true", "{\"points\": [5]}");
    ok(
        "POST",
        p + "?wait=true",
        "{\"filter\": {\"must\": [{\"key\": \"a\", \"match\": {\"value\": 6}}]}, \"payload\": {\"six\": 6}}");
    JsonNode records = ok("POST", "/collections/payloads/points", "{\"ids\": [1, 2, 3, 4, 5, 6]}");
    assertEquals(
        "[{\"a\":1,\"b\":\"x\",\"c\":true},{\"a\":2,\"b\":\"x\",\"c\":true,\"inner\":{\"d\":1}},"
            + "{\"only\":3},{\"b\":\"x\"},{},{\"a\":6,\"b\":\"x\",\"six\":6}]",
        payloads(records));
    assertTrue(
        qdrantError(call(node.server(), "POST", p, "{\"payload\": {\"x\": 1}}"), 400)
            .contains("filter"));
    assertTrue(
        qdrantError(
                call(
                    node.server(), "POST", p, "{\"points\": [1], \"filter\": {}, \"payload\": {}}"),
                400)
            .contains("not both"));
  }

  @Test
  void deletesByIdsAndByFilter() {
    ok("PUT", "/collections/deletes", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}");
    StringBuilder batch = new StringBuilder("{\"batch\": {\"ids\": [");
    for (int i = 0; i < 20; i++) {
      batch.append(i > 0 ? "," : "").append(i);
    }
    batch.append("], \"vectors\": [");
    for (int i = 0; i < 20; i++) {
      batch.append(i > 0 ? "," : "").append("[1, ").append(i).append("]");
    }
    batch.append("], \"payloads\": [");
    for (int i = 0; i < 20; i++) {
      batch.append(i > 0 ? "," : "").append("{\"even\": ").append(i % 2 == 0).append("}");
    }
    ok("PUT", "/collections/deletes/points?wait=true", batch.append("]}}").toString());
    ok("POST", "/collections/deletes/points/delete?wait=true", "{\"points\": [1, 3, 5]}");
    assertEquals(17, ok("POST", "/collections/deletes/points/count", "{}").get("count").asInt());
    ok(
        "POST",
        "/collections/deletes/points/delete?wait=true",
        "{\"filter\": {\"must\": [{\"key\": \"even\", \"match\": {\"value\": true}}]}}");
    JsonNode left =
        ok("POST", "/collections/deletes/points/scroll", "{\"limit\": 100}").get("points");
    assertEquals(List.of(7L, 9L, 11L, 13L, 15L, 17L, 19L), ids(left));
  }

  @Test
  void namedVectorsUuidsAndDistances() {
    ok(
        "PUT",
        "/collections/multi",
        "{\"vectors\": {\"image\": {\"size\": 3, \"distance\": \"Dot\"},"
            + " \"text\": {\"size\": 2, \"distance\": \"Euclid\"}}}");
    String u1 = UUID.nameUUIDFromBytes("one".getBytes()).toString();
    String u2 = UUID.nameUUIDFromBytes("two".getBytes()).toString();
    ok(
        "PUT",
        "/collections/multi/points?wait=true",
        "{\"batch\": {\"ids\": [\""
            + u1
            + "\", \""
            + u2.replace("-", "")
            + "\"],"
            + " \"vectors\": {\"image\": [[1, 0, 0], [0, 1, 0]], \"text\": [[0, 0], [3, 4]]}}}");
    JsonNode hits =
        ok(
            "POST",
            "/collections/multi/points/search",
            "{\"vector\": {\"name\": \"text\", \"vector\": [0, 0]}, \"limit\": 2,"
                + " \"with_vector\": [\"text\"]}");
    assertEquals(u1, hits.get(0).get("id").asText());
    assertEquals(0.0, hits.get(0).get("score").asDouble(), 1e-6);
    assertEquals(u2, hits.get(1).get("id").asText(), "UUIDs without dashes are the same id");
    assertEquals(5.0, hits.get(1).get("score").asDouble(), 1e-5, "Euclid answers the distance");
    assertEquals("{\"text\":[3.0,4.0]}", hits.get(1).get("vector").toString());
    JsonNode queried =
        ok(
            "POST",
            "/collections/multi/points/query",
            "{\"query\": [0, 2, 0], \"using\": \"image\", \"limit\": 1, \"with_vector\": true}");
    JsonNode best = queried.get("points").get(0);
    assertEquals(u2, best.get("id").asText());
    assertEquals(2.0, best.get("score").asDouble(), 1e-6);
    assertTrue(best.get("vector").has("image") && best.get("vector").has("text"), best.toString());
    JsonNode byId =
        ok(
            "POST",
            "/collections/multi/points/query",
            "{\"query\": \"" + u1 + "\", \"using\": \"text\"}");
    assertEquals(List.of(u2), byId.get("points").findValuesAsText("id"));
    assertTrue(
        qdrantError(
                call(
                    node.server(),
                    "POST",
                    "/collections/multi/points/search",
                    "{\"vector\": {\"name\": \"audio\", \"vector\": [1]}}"),
                400)
            .contains("audio"));
  }

  @Test
  void writesWithoutWaitAreAcknowledged() {
    ok("PUT", "/collections/nowait", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}");
    JsonNode result =
        ok("PUT", "/collections/nowait/points", "{\"points\": [{\"id\": 1, \"vector\": [1, 2]}]}");
    assertEquals("acknowledged", result.get("status").asText());
    assertTrue(result.get("operation_id").asLong() >= 1);
    // Applied before the answer, durable or not yet: reads see it.
    assertEquals(1, ok("POST", "/collections/nowait/points/count", "{}").get("count").asInt());
  }

  // ---------------------------------------------------------------- snapshots and versions

  @Test
  void snapshotsDownloadRecoverPublishAndRollBack() throws Exception {
    ok("PUT", "/collections/snap", "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}");
    ok(
        "PUT",
        "/collections/snap/points?wait=true",
        "{\"points\": [{\"id\": 1, \"vector\": [1, 0]}, {\"id\": 2, \"vector\": [0, 1]}]}");
    JsonNode snapshot = ok("POST", "/collections/snap/snapshots?wait=true", null);
    String name = snapshot.get("name").asText();
    assertTrue(name.endsWith(".snapshot"), name);
    assertTrue(
        snapshot
            .get("creation_time")
            .asText()
            .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d"));
    assertEquals(
        List.of(name), ok("GET", "/collections/snap/snapshots", null).findValuesAsText("name"));

    HttpResponse<byte[]> download =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .build()
            .send(
                TestServers.request(node.server(), "/collections/snap/snapshots/" + name)
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, download.statusCode());
    assertEquals(snapshot.get("size").asLong(), download.body().length);
    String sha256 =
        HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(download.body()));
    assertEquals(snapshot.get("checksum").asText(), sha256);
    Path file = Files.write(dir.resolve(name), download.body());

    // Writes after the snapshot: version 1 now holds 3 points, the snapshot 2.
    ok(
        "PUT",
        "/collections/snap/points?wait=true",
        "{\"points\": [{\"id\": 3, \"vector\": [1, 1]}]}");
    ok(
        "PUT",
        "/collections/snap_copy/snapshots/recover",
        "{\"location\": \"" + file + "\", \"checksum\": \"" + sha256 + "\"}");
    assertEquals(2, ok("POST", "/collections/snap_copy/points/count", "{}").get("count").asInt());

    JsonNode published =
        ok(
            "POST",
            "/quiver/collections/snap/publish",
            "{\"uri\": \"" + file.toUri() + "\", \"wait\": true}");
    assertEquals(2, published.get("version").asInt());
    assertTrue(published.get("active").asBoolean());
    assertEquals(2, ok("POST", "/collections/snap/points/count", "{}").get("count").asInt());
    JsonNode versions = ok("GET", "/quiver/collections/snap/versions", null).get("versions");
    assertEquals(
        List.of(2, 1), versions.findValues("version").stream().map(JsonNode::asInt).toList());
    JsonNode active = ok("POST", "/quiver/collections/snap/rollback", null);
    assertEquals(1, active.get("version").asInt());
    assertEquals(3, ok("POST", "/collections/snap/points/count", "{}").get("count").asInt());

    assertEquals(true, ok("DELETE", "/collections/snap/snapshots/" + name, null).asBoolean());
    assertEquals(0, ok("GET", "/collections/snap/snapshots", null).size());
    qdrantError(call(node.server(), "DELETE", "/collections/snap/snapshots/" + name, null), 404);
    qdrantError(call(node.server(), "GET", "/collections/snap/snapshots/" + name, null), 404);
    assertTrue(
        qdrantError(
                call(
                    node.server(),
                    "PUT",
                    "/collections/snap/snapshots/recover",
                    "{\"location\": \"relative/x.snapshot\"}"),
                400)
            .contains("location"));
  }

  // ---------------------------------------------------------------- helpers

  static JsonNode ok(String method, String path, String body) {
    HttpResponse<String> response = call(node.server(), method, path, body);
    assertEquals(200, response.statusCode(), method + " " + path + ": " + response.body());
    JsonNode json = json(response);
    assertEquals("ok", json.get("status").asText(), response.body());
    return json.get("result");
  }

  private static List<ScoredPoint> exact(float[] query, int limit, int offset, Filter filter) {
    return reference.search(
        new SearchRequest(
            "",
            query,
            limit,
            offset,
            SearchParams.DEFAULT.withExact(true),
            null,
            false,
            false,
            filter));
  }

  private static void assertSameHits(List<ScoredPoint> expected, JsonNode actual, String what) {
    List<Long> expectedIds = new ArrayList<>();
    expected.forEach(p -> expectedIds.add(p.id().num()));
    assertEquals(expectedIds, ids(actual), what);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).score(), actual.get(i).get("score").floatValue(), 1e-5f, what);
    }
  }

  private static List<Long> ids(JsonNode points) {
    List<Long> out = new ArrayList<>();
    points.forEach(p -> out.add(p.get("id").asLong()));
    return out;
  }

  private static List<String> names(JsonNode collections) {
    return collections.get("collections").findValuesAsText("name");
  }

  private static String payloads(JsonNode records) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    records.forEach(r -> out.add(r.get("payload")));
    return out.toString();
  }

  private static ObjectNode payload(int i) {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    p.put("group", "g" + (i % 5)).put("n", i);
    p.putArray("tags").add("t" + (i % 3)).add("t" + (i % 7));
    p.putObject("nested").put("x", i % 10);
    return p;
  }

  static float[] randomVector(Random random, int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = random.nextFloat() * 2 - 1;
    }
    return v;
  }

  static String array(float[] v) {
    StringBuilder out = new StringBuilder("[");
    for (int i = 0; i < v.length; i++) {
      out.append(i > 0 ? ", " : "").append(v[i]);
    }
    return out.append(']').toString();
  }

  /** Alternates Qdrant's two upsert forms: a list of points, or columns. */
  private static String upsertBody(List<Point> points, boolean asList) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    if (asList) {
      ArrayNode list = body.putArray("points");
      for (Point p : points) {
        ObjectNode json = list.addObject();
        json.set("id", p.id().toJson());
        json.set("vector", floats(p.vector("")));
        json.set("payload", p.payload());
      }
    } else {
      ObjectNode batch = body.putObject("batch");
      ArrayNode ids = batch.putArray("ids");
      ArrayNode vectorsJson = batch.putArray("vectors");
      ArrayNode payloads = batch.putArray("payloads");
      for (Point p : points) {
        ids.add(p.id().toJson());
        vectorsJson.add(floats(p.vector("")));
        payloads.add(p.payload());
      }
    }
    return body.toString();
  }

  private static ArrayNode floats(float[] v) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    for (float x : v) {
      out.add(x);
    }
    return out;
  }
}
