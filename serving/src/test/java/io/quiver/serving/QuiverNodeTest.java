package io.quiver.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.cluster.CollectionSettings;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QuiverNodeTest {

  @TempDir Path tmp;

  @Test
  void aNodeServesItsStorageAndExportsCollectionGauges() throws Exception {
    var config = TestServers.config("storage.storage_path=" + tmp.resolve("storage"));
    try (QuiverNode node = QuiverNode.start(config)) {
      node.collections()
          .createCollection(
              "docs",
              CollectionConfig.fromJson(
                  new ObjectMapper()
                      .readTree("{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}")),
              CollectionSettings.DEFAULT);
      node.collections()
          .update(
              "docs",
              new Operation.Upsert(
                  List.of(
                      Point.of(PointId.of(1), new float[] {1, 0}, null),
                      Point.of(PointId.of(2), new float[] {0, 1}, null))),
              true);
      String metrics = "";
      for (int attempt = 0;
          attempt < 100 && !metrics.contains("collection=\"docs\"} 2.0");
          attempt++) {
        Thread.sleep(100);
        HttpResponse<String> r =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + node.httpPort() + "/metrics"))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        metrics = r.body();
      }
      assertTrue(metrics.contains("quiver_collection_points{collection=\"docs\"} 2.0"), metrics);
      assertTrue(metrics.contains("quiver_collection_version{collection=\"docs\"} 1.0"), metrics);
    }
    // The collection outlives the node.
    try (QuiverNode node = QuiverNode.start(config)) {
      assertEquals(2, node.collections().count("docs", null));
    }
  }
}
