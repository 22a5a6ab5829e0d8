package io.quiver.serving;

import static io.quiver.serving.TestServers.call;
import static io.quiver.serving.TestServers.json;
import static io.quiver.serving.TestServers.qdrantError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.serving.config.ServerConfig;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input over REST: each request is refused with a 4xx in Qdrant's error shape and a message
 * that names the field and the value, nothing of it is applied, and the node keeps serving. And
 * what was acknowledged survives a restart of the node on the same storage.
 */
class RestBadInputTest {
  private static final String SEARCH = "/collections/bad/points/search";
  private static final String UPSERT = "/collections/bad/points?wait=true";
  private static final String LIMITS =
      "strict_mode.max_query_limit=1000,strict_mode.upsert_max_batchsize=500,"
          + "strict_mode.search_max_hnsw_ef=512,strict_mode.filter_max_conditions=8";

  @TempDir static Path dir;
  private static QuiverNode node;

  @BeforeAll
  static void start() throws IOException {
    node = QuiverNode.start(config(dir.resolve("node")));
    ok("PUT", "/collections/bad", "{\"vectors\": {\"size\": 4, \"distance\": \"Dot\"}}");
    ok(
        "PUT",
        UPSERT,
        "{\"points\": [{\"id\": 1, \"vector\": [1, 0, 0, 0], \"payload\": {\"a\": 1}},"
            + " {\"id\": 2, \"vector\": [0, 1, 0, 0]}]}");
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
  }

  private static ServerConfig config(Path storage) {
    String[] limits = LIMITS.split(",");
    String[] settings = new String[limits.length + 2];
    System.arraycopy(limits, 0, settings, 0, limits.length);
    settings[limits.length] = "service.max_request_size_mb=1";
    settings[limits.length + 1] = "storage.storage_path=" + storage;
    return TestServers.config(settings);
  }

  @Test
  void malformedJson() {
    assertRefused("PUT", UPSERT, "{\"points\": [", 400, "Format error in JSON body");
    assertRefused("POST", SEARCH, "{\"vector\": [NaN, 1, 2, 3]}", 400, "Format error in JSON body");
    assertRefused("POST", SEARCH, "", 400, "Format error in JSON body");
    assertRefused("POST", SEARCH, "[1, 2, 3, 4]", 400, "must be a JSON object");
  }

  @Test
  void numbersThatAreNotFiniteFloats() {
    assertRefused(
        "POST",
        SEARCH,
        "{\"vector\": [\"NaN\", 1, 2, 3]}",
        400,
        "vector[0] must be a number; got \"NaN\"");
    assertRefused(
        "POST",
        SEARCH,
        "{\"vector\": [1e39, 1, 2, 3]}",
        400,
        "vector[0] must be a finite 32-bit float");
    assertRefused(
        "POST",
        SEARCH,
        "{\"vector\": [1, 1e400, 2, 3]}",
        400,
        "vector[1] must be a finite 32-bit float");
    assertRefused(
        "PUT",
        UPSERT,
        "{\"points\": [{\"id\": 9, \"vector\": [1, 2, 3, -1e39]}]}",
        400,
        "points[0].vector[3] must be a finite 32-bit float");
    assertRefused(
        "POST",
        SEARCH,
        "{\"vector\": [1, 2, 3, 4], \"score_threshold\": \"high\"}",
        400,
        "score_threshold must be a number");
  }

  @Test
  void wrongDimension() {
    assertRefused(
        "PUT",
        UPSERT,
        "{\"points\": [{\"id\": 9, \"vector\": [1, 2, 3]}]}",
        400,
        "vector of point 9 has dimension 3; expected 4");
    assertRefused(
        "POST", SEARCH, "{\"vector\": [1, 2]}", 400, "query vector has dimension 2; expected 4");
    assertRefused(
        "PUT",
        UPSERT,
        "{\"batch\": {\"ids\": [9, 10], \"vectors\": [[1, 2, 3, 4]]}}",
        400,
        "batch.vectors has 1 entries; batch.ids has 2");
  }

  @Test
  void unknownCollectionVectorNameOrField() {
    assertRefused(
        "POST", "/collections/nowhere/points/search", "{\"vector\": [1, 2, 3, 4]}", 404, "nowhere");
    assertRefused("PUT", "/collections/nowhere/points", "{\"points\": []}", 404, "nowhere");
    assertRefused("GET", "/collections/nowhere", null, 404, "nowhere");
    assertRefused(
        "POST", "/collections/nowhere/points/delete", "{\"points\": [1]}", 404, "nowhere");
    assertRefused(
        "PUT",
        UPSERT,
        "{\"points\": [{\"id\": 9, \"vector\": {\"image\": [1, 2, 3, 4]}}]}",
        400,
        "vector name 'image' is not in this collection");
    assertRefused(
        "POST",
        SEARCH,
        "{\"vector\": {\"name\": \"image\", \"vector\": [1, 2, 3, 4]}}",
        400,
        "vector name 'image' is not in this collection");
    assertRefused(
        "POST",
        "/collections/bad/points/query",
        "{\"query\": 1, \"using\": \"image\"}",
        400,
        "using: vector name 'image'");
    assertRefused(
        "POST",
        SEARCH,
        "{\"vector\": [1, 2, 3, 4], \"filter\": {\"must\": [{\"key\": \"a\", \"matches\": {\"value\": 1}}]}}",
        400,
        "filter.must[0]");
    assertRefused(
        "POST", "/collections/bad/points/query", "{\"query\": 77}", 404, "point 77 does not exist");
    assertRefused("POST", "/nowhere", "{}", 404, "no endpoint POST /nowhere");
  }

  @Test
  void limitsAndStrictMode() {
    assertRefused(
        "POST",
        SEARCH,
        "{\"vector\": [1, 2, 3, 4], \"limit\": 0}",
        400,
        "limit must be in [1, 1000] (strict_mode.max_query_limit); got 0");
    assertRefused(
        "POST",
        SEARCH,
        "{\"vector\": [1, 2, 3, 4], \"limit\": 1000000000000}",
        400,
        "got 1000000000000");
    assertRefused(
        "POST",
        SEARCH,
        "{\"vector\": [1, 2, 3, 4], \"limit\": 99999999999999999999999}",
        400,
        "limit must be in [1, 1000]");
    assertRefused(
        "POST",
        SEARCH,
        "{\"vector\": [1, 2, 3, 4], \"limit\": \"10\"}",
        400,
        "limit must be an integer; got \"10\"");
    assertRefused(
        "POST",
        SEARCH,
        "{\"vector\": [1, 2, 3, 4], \"limit\": 10, \"offset\": 995}",
        400,
        "offset + limit");
    assertRefused(
        "POST",
        "/collections/bad/points/scroll",
        "{\"limit\": -1}",
        400,
        "limit must be in [1, 1000]");
    assertRefused(
        "POST",
        SEARCH,
        "{\"vector\": [1, 2, 3, 4], \"params\": {\"hnsw_ef\": 100000}}",
        400,
        "params.hnsw_ef must be in [1, 512] (strict_mode.search_max_hnsw_ef)");
    assertRefused(
        "POST",
        SEARCH,
        "{\"vector\": [1, 2, 3, 4], \"params\": {\"quantization\": {\"oversampling\": 0.5}}}",
        400,
        "params.quantization.oversampling must be in [1, 1000]");
    StringBuilder conditions = new StringBuilder();
    for (int i = 0; i < 9; i++) {
      conditions
          .append(i > 0 ? "," : "")
          .append("{\"key\": \"a\", \"match\": {\"value\": ")
          .append(i)
          .append("}}");
    }
    assertRefused(
        "POST",
        "/collections/bad/points/count",
        "{\"filter\": {\"should\": [" + conditions + "]}}",
        400,
        "filter (conditions) must be in [0, 8] (strict_mode.filter_max_conditions); got 9");
    StringBuilder points = new StringBuilder("{\"points\": [");
    for (int i = 0; i < 501; i++) {
      points
          .append(i > 0 ? "," : "")
          .append("{\"id\": ")
          .append(100 + i)
          .append(", \"vector\": [1, 1, 1, 1]}");
    }
    assertRefused(
        "PUT",
        UPSERT,
        points + "]}",
        400,
        "points (count) must be in [0, 500] (strict_mode.upsert_max_batchsize); got 501");
    assertRefused(
        "POST",
        "/collections/bad/points/search/batch",
        "{\"searches\": [{\"vector\": [1, 2, 3, 4]}, {\"vector\": [1]}]}",
        400,
        "query vector has dimension 1");
  }

  @Test
  void badQueryParameters() {
    assertRefused(
        "PUT",
        "/collections/bad/points?wait=maybe",
        "{\"points\": []}",
        400,
        "wait must be true or false; got 'maybe'");
    assertRefused(
        "POST",
        SEARCH + "?timeout=soon",
        "{\"vector\": [1, 2, 3, 4]}",
        400,
        "timeout must be an integer; got 'soon'");
    assertRefused(
        "POST",
        SEARCH + "?timeout=100000",
        "{\"vector\": [1, 2, 3, 4]}",
        400,
        "timeout must be in [1, 60] (strict_mode.max_timeout)");
    assertRefused(
        "GET", "/collections/bad/optimizations?with=all", null, 400, "with: unknown value 'all'");
  }

  @Test
  void oversizedBody() {
    String big = "{\"points\": [], \"padding\": \"" + "x".repeat(1_100_000) + "\"}";
    assertRefused("PUT", UPSERT, big, 413, "Payload too large");
  }

  @Test
  void badIdsAndSelectors() {
    assertRefused(
        "PUT",
        UPSERT,
        "{\"points\": [{\"id\": -1, \"vector\": [1, 2, 3, 4]}]}",
        400,
        "points[0].id must be an unsigned 64-bit integer or a UUID; got -1");
    assertRefused(
        "PUT",
        UPSERT,
        "{\"points\": [{\"id\": 1.5, \"vector\": [1, 2, 3, 4]}]}",
        400,
        "points[0].id");
    assertRefused(
        "PUT",
        UPSERT,
        "{\"points\": [{\"id\": 18446744073709551616, \"vector\": [1, 2, 3, 4]}]}",
        400,
        "points[0].id");
    assertRefused(
        "POST",
        "/collections/bad/points",
        "{\"ids\": [\"not-a-uuid\"]}",
        400,
        "ids[0] must be an unsigned 64-bit integer or a UUID");
    assertRefused(
        "GET",
        "/collections/bad/points/abc",
        null,
        400,
        "id must be an unsigned integer or a UUID; got 'abc'");
    assertRefused(
        "POST", "/collections/bad/points/delete", "{}", 400, "\"points\": [ids] or \"filter\"");
    assertRefused(
        "POST",
        "/collections/bad/points/payload",
        "{\"points\": [1], \"payload\": [1]}",
        400,
        "payload must be a JSON object");
    assertRefused(
        "POST",
        "/collections/bad/points/scroll",
        "{\"offset\": {}}",
        400,
        "offset must be an unsigned 64-bit integer or a UUID");
  }

  @Test
  void unsupportedShapesAreRefusedByName() {
    assertRefused(
        "POST",
        "/collections/bad/points/query",
        "{\"query\": {\"fusion\": \"rrf\"}}",
        400,
        "query.fusion: not supported");
    assertRefused(
        "POST",
        "/collections/bad/points/query",
        "{\"prefetch\": [{\"query\": [1, 2, 3, 4]}], \"query\": {\"fusion\": \"rrf\"}}",
        400,
        "prefetch");
    assertRefused(
        "POST",
        "/collections/bad/points/query",
        "{\"query\": {\"nearest\": [1, 2, 3, 4], \"mmr\": {}}}",
        400,
        "query.mmr");
    assertRefused(
        "POST",
        "/collections/bad/points/query",
        "{\"query\": {\"indices\": [1], \"values\": [0.5]}}",
        400,
        "sparse vectors are not supported");
    assertRefused(
        "POST",
        "/collections/bad/points/query",
        "{\"query\": [[1, 2, 3, 4]]}",
        400,
        "multivectors");
    assertRefused(
        "POST",
        "/collections/bad/points/query",
        "{\"query\": {\"text\": \"hi\", \"model\": \"m\"}}",
        400,
        "inference");
    assertRefused(
        "POST",
        "/collections/bad/points/query",
        "{\"score_threshold\": 0.5}",
        400,
        "score_threshold needs a query");
    assertRefused(
        "POST", "/collections/bad/points/scroll", "{\"order_by\": \"a\"}", 400, "order_by");
    assertRefused(
        "PUT", UPSERT, "{\"points\": [], \"update_mode\": \"insert_only\"}", 400, "update_mode");
    assertRefused(
        "PUT",
        "/collections/sparse",
        "{\"vectors\": {\"size\": 4, \"distance\": \"Dot\"}, \"sparse_vectors\": {\"s\": {}}}",
        400,
        "sparse_vectors");
  }

  /**
   * Writes answered {@code completed} or {@code acknowledged} are all there after the node stops
   * and a new one opens the same storage; refused writes in between leave nothing.
   */
  @Test
  void acknowledgedWritesSurviveARestart(@TempDir Path storage) throws IOException {
    JsonNode before;
    try (QuiverNode first = QuiverNode.start(config(storage))) {
      send(
          first,
          "PUT",
          "/collections/durable",
          "{\"vectors\": {\"size\": 2, \"distance\": \"Euclid\"}}",
          200);
      StringBuilder points = new StringBuilder("{\"points\": [");
      for (int i = 0; i < 100; i++) {
        points
            .append(i > 0 ? "," : "")
            .append("{\"id\": ")
            .append(i)
            .append(", \"vector\": [")
            .append(i)
            .append(", 1], \"payload\": {\"i\": ")
            .append(i)
            .append("}}");
      }
      send(first, "PUT", "/collections/durable/points?wait=true", points + "]}", 200);
      // Acknowledged only (no wait): applied, logged, fsync pending.
      JsonNode ack =
          send(
              first,
              "PUT",
              "/collections/durable/points",
              "{\"points\": [{\"id\": 500, \"vector\": [5, 5]}]}",
              200);
      assertEquals("acknowledged", ack.get("result").get("status").asText());
      send(
          first,
          "POST",
          "/collections/durable/points/payload",
          "{\"points\": [7], \"payload\": {\"seven\": true}}",
          200);
      send(first, "POST", "/collections/durable/points/delete", "{\"points\": [0, 1, 2]}", 200);
      send(
          first,
          "PUT",
          "/collections/durable/index?wait=true",
          "{\"field_name\": \"i\", \"field_schema\": \"integer\"}",
          200);
      send(
          first,
          "POST",
          "/collections/aliases",
          "{\"actions\": [{\"create_alias\": {\"collection_name\": \"durable\", \"alias_name\": \"kept\"}}]}",
          200);
      // Refused in between: nothing of them may appear after the restart.
      send(
          first,
          "PUT",
          "/collections/durable/points?wait=true",
          "{\"points\": [{\"id\": 600, \"vector\": [1, 1]}, {\"id\": 601, \"vector\": [1]}]}",
          400);
      send(
          first,
          "PUT",
          "/collections/durable/points?wait=true",
          "{\"points\": [{\"id\": 602, \"vector\": [1, 1e39]}]}",
          400);
      before =
          send(
                  first,
                  "POST",
                  "/collections/durable/points/scroll",
                  "{\"limit\": 1000, \"with_vector\": true}",
                  200)
              .get("result");
      assertEquals(98, before.get("points").size());
    }
    try (QuiverNode second = QuiverNode.start(config(storage))) {
      JsonNode after =
          send(
                  second,
                  "POST",
                  "/collections/durable/points/scroll",
                  "{\"limit\": 1000, \"with_vector\": true}",
                  200)
              .get("result");
      assertEquals(before, after);
      JsonNode seven = send(second, "GET", "/collections/kept/points/7", null, 200).get("result");
      assertEquals("{\"i\":7,\"seven\":true}", seven.get("payload").toString());
      JsonNode info = send(second, "GET", "/collections/durable", null, 200).get("result");
      assertEquals("integer", info.get("payload_schema").get("i").get("data_type").asText());
      JsonNode nearest =
          send(
                  second,
                  "POST",
                  "/collections/durable/points/search",
                  "{\"vector\": [5, 4], \"limit\": 1}",
                  200)
              .get("result");
      assertEquals(500, nearest.get(0).get("id").asInt());
      assertEquals(1.0, nearest.get(0).get("score").asDouble(), 1e-6);
      assertEquals(
          0,
          send(second, "POST", "/collections/durable/points", "{\"ids\": [600, 601, 602]}", 200)
              .get("result")
              .size());
    }
  }

  // ---------------------------------------------------------------- helpers

  private static JsonNode ok(String method, String path, String body) {
    return send(node, method, path, body, 200).get("result");
  }

  private static JsonNode send(
      QuiverNode target, String method, String path, String body, int status) {
    HttpResponse<String> response = call(target.server(), method, path, body);
    assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
    return json(response);
  }

  /**
   * The request is refused with {@code status} and a message holding {@code fragment}; the node
   * still serves and nothing changed.
   */
  private static void assertRefused(
      String method, String path, String body, int status, String fragment) {
    String error = qdrantError(call(node.server(), method, path, body), status);
    assertTrue(
        error.contains(fragment),
        method + " " + path + ": '" + error + "' should contain '" + fragment + "'");
    assertEquals(
        2,
        ok("POST", "/collections/bad/points/count", "{}").get("count").asInt(),
        "after " + method + " " + path);
  }
}
