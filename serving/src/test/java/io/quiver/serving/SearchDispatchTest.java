package io.quiver.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Points.SearchPoints;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Reads run on the search pool ({@code storage.performance.max_search_threads}) or, when it would
 * have one thread, on the event loop that received them; writes run on Armeria's blocking executor
 * either way. Both dispatches answer the same, under concurrent reads and writes.
 */
class SearchDispatchTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path tmp;

  @ParameterizedTest(name = "max_search_threads={0}")
  @ValueSource(ints = {1, 3})
  void readsAndWritesAnswerOnEitherDispatch(int searchThreads) throws Exception {
    var config =
        TestServers.config(
            "storage.storage_path=" + tmp.resolve("storage"),
            "storage.performance.max_search_threads=" + searchThreads);
    assertEquals(searchThreads, config.storage().searchThreads());
    HttpClient http = HttpClient.newHttpClient();
    try (QuiverNode node = QuiverNode.start(config)) {
      String base = "http://127.0.0.1:" + node.httpPort() + "/collections/docs";
      rest(http, "PUT", base, "{\"vectors\": {\"size\": 2, \"distance\": \"Euclid\"}}");
      StringBuilder points = new StringBuilder();
      for (int i = 0; i < 50; i++) {
        points.append(i == 0 ? "" : ",").append("{\"id\": ").append(i);
        points.append(", \"vector\": [").append(i).append(", 0]}");
      }
      rest(http, "PUT", base + "/points?wait=true", "{\"points\": [" + points + "]}");

      QdrantClient grpc =
          new QdrantClient(
              QdrantGrpcClient.newBuilder("127.0.0.1", node.grpcPort(), false).build());
      try {
        // Many reads in flight at once, over both protocols, beside a write.
        List<CompletableFuture<Long>> answers = new ArrayList<>();
        for (int q = 0; q < 40; q++) {
          int target = q;
          var search =
              grpc.searchAsync(
                  SearchPoints.newBuilder()
                      .setCollectionName("docs")
                      .addVector(target + 0.1f)
                      .addVector(0)
                      .setLimit(1)
                      .build());
          answers.add(
              CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return search.get().get(0).getId().getNum();
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }));
          answers.add(
              http.sendAsync(
                      post(
                          base + "/points/search",
                          "{\"vector\": [" + (target + 0.1) + ", 0]," + " \"limit\": 1}"),
                      HttpResponse.BodyHandlers.ofString())
                  .thenApply(r -> readJson(r.body()).get("result").get(0).get("id").asLong()));
        }
        rest(
            http,
            "PUT",
            base + "/points?wait=true",
            "{\"points\": [{\"id\": 100, \"vector\": [1000, 0]}]}");
        for (int i = 0; i < answers.size(); i++) {
          assertEquals(i / 2, answers.get(i).get().longValue(), "answer " + i);
        }
        JsonNode count = rest(http, "POST", base + "/points/count", "{\"exact\": true}");
        assertEquals(51, count.get("result").get("count").asInt());
      } finally {
        grpc.close();
      }
    }
  }

  private static HttpRequest post(String uri, String body) {
    return HttpRequest.newBuilder(URI.create(uri))
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  private static JsonNode rest(HttpClient http, String method, String uri, String body)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(uri))
                .header("content-type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, r.statusCode(), method + " " + uri + ": " + r.body());
    return readJson(r.body());
  }

  private static JsonNode readJson(String body) {
    try {
      return JSON.readTree(body);
    } catch (Exception e) {
      throw new IllegalStateException(body, e);
    }
  }
}
