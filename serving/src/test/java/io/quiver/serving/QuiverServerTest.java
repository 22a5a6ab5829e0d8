package io.quiver.serving;

import static io.quiver.serving.TestServers.get;
import static io.quiver.serving.TestServers.json;
import static io.quiver.serving.TestServers.qdrantError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckReply;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server shell as clients see it: service info, health probes, 404s, metrics. */
class QuiverServerTest {
  private static final AtomicBoolean ready = new AtomicBoolean(true);
  private static TestApi api;
  private static QuiverServer server;

  @BeforeAll
  static void start() {
    api = new TestApi();
    server =
        TestServers.builder(TestServers.config())
            .restService(api)
            .accessTable(TestApi.table())
            .readiness(ready::get)
            .build()
            .start();
  }

  @AfterAll
  static void stop() {
    api.release.countDown();
    server.close();
  }

  @Test
  void portsAreBoundAndDistinct() {
    assertTrue(server.httpPort() > 0);
    assertTrue(server.grpcPort() > 0);
    assertNotEquals(server.httpPort(), server.grpcPort());
  }

  @Test
  void officialQdrantClientHealthCheckOverGrpc() throws Exception {
    try (QdrantClient client =
        new QdrantClient(
            QdrantGrpcClient.newBuilder("127.0.0.1", server.grpcPort(), false).build())) {
      HealthCheckReply reply = client.healthCheckAsync().get(30, TimeUnit.SECONDS);
      assertEquals("quiver", reply.getTitle());
      assertEquals(ServerInfo.current().version(), reply.getVersion());
      assertTrue(reply.getVersion().matches("1\\.\\d+\\.\\d+"), reply.getVersion());
    }
  }

  @Test
  void serviceInfoOverRest() {
    HttpResponse<String> response = get(server, "/");
    assertEquals(200, response.statusCode());
    assertTrue(
        response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
    JsonNode info = json(response);
    assertEquals("quiver", info.path("title").asText());
    assertEquals(ServerInfo.current().version(), info.path("version").asText());
    assertTrue(info.has("commit"), response.body());
    assertEquals(ServerInfo.current().quiverVersion(), info.path("quiver_version").asText());
  }

  @Test
  void healthProbesAnswerInPlainText() {
    assertEquals("healthz check passed", get(server, "/healthz").body());
    assertEquals("livez check passed", get(server, "/livez").body());
    HttpResponse<String> ready = get(server, "/readyz");
    assertEquals(200, ready.statusCode());
    assertEquals("all shards are ready", ready.body());
  }

  @Test
  void readyzFollowsReadiness() {
    ready.set(false);
    try {
      HttpResponse<String> response = get(server, "/readyz");
      assertEquals(503, response.statusCode());
      assertEquals("some shards are not ready", response.body());
    } finally {
      ready.set(true);
    }
  }

  @Test
  void resultsComeInQdrantsEnvelopeInSnakeCase() {
    HttpResponse<String> response = get(server, "/test/items/apples");
    assertEquals(200, response.statusCode(), response.body());
    JsonNode body = json(response);
    assertEquals("ok", body.path("status").asText());
    assertTrue(body.path("time").isNumber());
    assertEquals("apples", body.path("result").path("item_name").asText());
    assertEquals(3, body.path("result").path("points_count").asInt());
  }

  @Test
  void unknownPathIsQdrantShaped404() {
    String error = qdrantError(get(server, "/no/such/thing"), 404);
    assertTrue(error.contains("/no/such/thing"), error);
  }

  @Test
  void metricsListRequestsByRouteAndJvm() throws Exception {
    get(server, "/healthz");
    get(server, "/no/such/thing");
    try (QdrantClient client =
        new QdrantClient(
            QdrantGrpcClient.newBuilder("127.0.0.1", server.grpcPort(), false).build())) {
      client.healthCheckAsync().get(30, TimeUnit.SECONDS);
    }
    // A request is counted when its log completes, which may be just after the client has the
    // response: wait for the lines, with a deadline.
    String metrics =
        metricsWhen(
            m ->
                m.lines()
                        .anyMatch(
                            l ->
                                l.startsWith("quiver_rest_requests_total{")
                                    && l.contains("route=\"GET /healthz\""))
                    && m.lines()
                        .anyMatch(
                            l ->
                                l.startsWith("quiver_grpc_requests_total{")
                                    && l.contains("method=\"HealthCheck\"")));
    assertTrue(metrics.contains("quiver_rest_request_duration_seconds"), metrics);
    assertTrue(metrics.contains("jvm_memory_used_bytes"), metrics);
    // Unknown paths share one tag.
    assertTrue(metrics.contains("route=\"unmatched\""), metrics);
    assertFalse(metrics.contains("/no/such/thing"), metrics);
  }

  private static String metricsWhen(Predicate<String> condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      HttpResponse<String> response = get(server, "/metrics");
      assertEquals(200, response.statusCode());
      if (condition.test(response.body())) {
        return response.body();
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("metrics never matched:\n" + response.body());
      }
      Thread.onSpinWait();
    }
  }
}
