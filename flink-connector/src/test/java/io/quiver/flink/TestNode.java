package io.quiver.flink;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.cluster.CollectionSettings;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.serving.QuiverNode;
import io.quiver.serving.config.ServerConfig;
import io.quiver.serving.config.StrictMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A real Quiver node in the test JVM, on loopback with ephemeral ports. Public for the packaging
 * tests.
 */
public final class TestNode implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final QuiverNode node;

  private TestNode(QuiverNode node) {
    this.node = node;
  }

  public static TestNode start(Path storage) throws IOException {
    return start(storage, Optional.empty(), ServerConfig.Tls.NONE);
  }

  static TestNode start(Path storage, Optional<String> apiKey, ServerConfig.Tls tls)
      throws IOException {
    return new TestNode(
        QuiverNode.start(
            new ServerConfig(
                new ServerConfig.Service(
                    "127.0.0.1", 0, 0, apiKey, Optional.empty(), 32, tls.cert().isPresent()),
                tls,
                new ServerConfig.Storage(storage),
                StrictMode.DEFAULTS)));
  }

  /** {@code 127.0.0.1:<grpc port>}. */
  public String address() {
    return "127.0.0.1:" + node.grpcPort();
  }

  /** {@code http://127.0.0.1:<rest port>}. */
  public String restAddress() {
    return "http://127.0.0.1:" + node.httpPort();
  }

  int grpcPort() {
    return node.grpcPort();
  }

  /** Creates a collection of {@code dim}-dimensional vectors, dot product. */
  public void createCollection(String name, int dim) throws IOException {
    node.collections()
        .createCollection(
            name,
            CollectionConfig.fromJson(
                JSON.readTree("{\"vectors\": {\"size\": " + dim + ", \"distance\": \"Dot\"}}")),
            CollectionSettings.DEFAULT);
  }

  /** Creates a collection from its JSON config ({@code {"vectors": ...}}). */
  void createCollection(String name, String configJson) throws IOException {
    node.collections()
        .createCollection(
            name, CollectionConfig.fromJson(JSON.readTree(configJson)), CollectionSettings.DEFAULT);
  }

  /** The live points among ids {@code [0, n)}, with payloads and vectors. */
  public Map<Long, PointRecord> points(String collection, int n) {
    List<PointId> ids = new ArrayList<>(n);
    for (long id = 0; id < n; id++) {
      ids.add(PointId.of(id));
    }
    Map<Long, PointRecord> out = new HashMap<>();
    for (PointRecord r : node.collections().retrieve(collection, ids, true, true)) {
      out.put(r.id().num(), r);
    }
    return out;
  }

  public long count(String collection) {
    return node.collections().count(collection, null);
  }

  @Override
  public void close() {
    node.close();
  }
}
