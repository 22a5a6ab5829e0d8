package io.quiver.spark.stream;

import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.serving.QuiverNode;
import io.quiver.serving.config.ServerConfig;
import io.quiver.serving.config.StrictMode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A real Quiver node on loopback for the streaming tests, with {@code upsert_max_batchsize} of
 * {@link #MAX_BATCH} so that a test can make it refuse a request (HTTP 400).
 */
final class StreamNode implements AutoCloseable {

  static final int MAX_BATCH = 100;

  private static final HttpClient HTTP =
      HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  private final QuiverNode node;

  StreamNode(Path storage) throws IOException {
    node =
        QuiverNode.start(
            new ServerConfig(
                new ServerConfig.Service(
                    "127.0.0.1", 0, 0, Optional.empty(), Optional.empty(), 32, false),
                ServerConfig.Tls.NONE,
                new ServerConfig.Storage(storage),
                new StrictMode(100_000, MAX_BATCH, 10_000, 1_000, Duration.ofSeconds(60))));
  }

  String address() {
    return "http://127.0.0.1:" + node.httpPort();
  }

  /** Creates {@code name} with one unnamed vector of {@code size} (Euclid) over REST. */
  void createCollection(String name, int size) throws Exception {
    HttpResponse<String> r =
        HTTP.send(
            HttpRequest.newBuilder(URI.create(address() + "/collections/" + name))
                .header("content-type", "application/json")
                .PUT(
                    HttpRequest.BodyPublishers.ofString(
                        "{\"vectors\": {\"size\": " + size + ", \"distance\": \"Euclid\"}}"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new AssertionError("creating " + name + ": HTTP " + r.statusCode() + " " + r.body());
    }
  }

  /** Every point the node serves in {@code collection}, by id. */
  Map<PointId, PointRecord> points(String collection) {
    Map<PointId, PointRecord> out = new TreeMap<>();
    for (PointRecord r :
        node.collections().scroll(collection, null, 100_000, null, true, true).points()) {
      out.put(r.id(), r);
    }
    return out;
  }

  @Override
  public void close() {
    node.close();
  }
}
