package io.quiver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.serving.QuiverNode;
import io.quiver.serving.config.ServerConfig;
import io.quiver.serving.config.StrictMode;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A write with {@code publish} makes a real node serve the new version, with no failed query. */
class PublishTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @TempDir Path tmp;

  private static JsonNode post(QuiverNode node, String path, String body) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.httpPort() + path))
                .header("content-type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError(path + " -> HTTP " + r.statusCode() + ": " + r.body());
    }
    return MAPPER.readTree(r.body());
  }

  @Test
  void aPublishedVersionIsServedAndQueriesNeverFailDuringTheCutOver() throws Exception {
    SparkSession spark = TestSpark.session();
    Path root = tmp.resolve("lake");
    ServerConfig config =
        new ServerConfig(
            new ServerConfig.Service(
                "127.0.0.1", 0, 0, Optional.empty(), Optional.empty(), 32, false),
            ServerConfig.Tls.NONE,
            new ServerConfig.Storage(tmp.resolve("node")),
            StrictMode.DEFAULTS);
    try (QuiverNode node = QuiverNode.start(config)) {
      String address = "http://127.0.0.1:" + node.httpPort();
      Writes.writer(Writes.points(spark, 0, 300, 1, 8), root, "docs")
          .option("publish", address)
          .mode(SaveMode.Overwrite)
          .save();
      assertEquals(300, node.collections().count("docs", null));

      // Queries in a loop while a second version (more points) is built and published.
      AtomicReference<Throwable> failure = new AtomicReference<>();
      AtomicInteger queries = new AtomicInteger();
      Thread loop =
          new Thread(
              () -> {
                try {
                  while (!Thread.currentThread().isInterrupted()) {
                    JsonNode hits =
                        post(
                            node,
                            "/collections/docs/points/search",
                            "{\"vector\": [0,0,0,0,0,0,0,0], \"limit\": 5}");
                    if (hits.get("result").size() != 5) {
                      throw new AssertionError("a search returned " + hits);
                    }
                    queries.incrementAndGet();
                  }
                } catch (Throwable t) {
                  if (!(t instanceof InterruptedException)) {
                    failure.compareAndSet(null, t);
                  }
                }
              });
      loop.start();
      try {
        Writes.writer(Writes.points(spark, 0, 500, 2, 8), root, "docs")
            .option("publish", address)
            .mode(SaveMode.Overwrite)
            .save();
      } finally {
        loop.interrupt();
        loop.join();
      }
      assertNull(failure.get(), () -> "a query failed during the cut-over: " + failure.get());
      assertTrue(queries.get() > 0);
      assertEquals(500, node.collections().count("docs", null));
      assertEquals(
          List.of(2L, 1L),
          node.collections().versions("docs").stream()
              .map(v -> v.version())
              .sorted(java.util.Comparator.reverseOrder())
              .toList());

      // The node refuses a version whose vectors differ; the job fails and says why.
      Exception refused =
          assertThrows(
              Exception.class,
              () ->
                  Writes.writer(Writes.points(spark, 0, 50, 3, 4), root, "docs")
                      .option("publish", address)
                      .mode(SaveMode.Overwrite)
                      .save());
      String why = Writes.messages(refused);
      assertTrue(why.contains("refused to publish") && why.contains("has size 4"), why);
      assertEquals(500, node.collections().count("docs", null));
    }

    // No node at the address: the job fails naming it.
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Exception unreachable =
        assertThrows(
            Exception.class,
            () ->
                Writes.writer(Writes.points(spark, 0, 10, 4, 8), root, "other")
                    .option("publish", "http://127.0.0.1:" + closedPort)
                    .mode(SaveMode.Overwrite)
                    .save());
    assertTrue(
        Writes.messages(unreachable)
            .contains("could not reach node http://127.0.0.1:" + closedPort),
        Writes.messages(unreachable));
  }
}
