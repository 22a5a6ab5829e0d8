package io.quiver.benchmarks.flink;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.cluster.CollectionSettings;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.serving.QuiverNode;
import io.quiver.serving.config.ServerConfig;
import io.quiver.serving.config.StrictMode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** The node every run writes to: in this JVM, on loopback, with ephemeral ports. */
final class NodeUnderTest implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();

  private final QuiverNode node;

  NodeUnderTest(Path storage) throws IOException {
    node =
        QuiverNode.start(
            new ServerConfig(
                new ServerConfig.Service(
                    "127.0.0.1", 0, 0, Optional.empty(), Optional.empty(), 32, false),
                ServerConfig.Tls.NONE,
                new ServerConfig.Storage(storage),
                StrictMode.DEFAULTS));
  }

  int grpcPort() {
    return node.grpcPort();
  }

  String address() {
    return "127.0.0.1:" + node.grpcPort();
  }

  /**
   * A fresh collection: Euclid below 512 dimensions, Cosine from there (as the serving bench). With
   * {@code indexing} off (Qdrant's advice for bulk loads: {@code indexing_threshold} 0, and no
   * flush for an hour, since a flush checkpoints by building an indexed segment), the node builds
   * no HNSW segment while the points come in, so a timed upload measures the writers and the write
   * path, not when the background indexing happened to start.
   */
  void create(String name, int dim, boolean indexing) throws IOException {
    if (node.collections().exists(name)) {
      node.collections().deleteCollection(name);
    }
    String distance = dim >= 512 ? "Cosine" : "Euclid";
    node.collections()
        .createCollection(
            name,
            CollectionConfig.fromJson(
                JSON.readTree(
                    "{\"vectors\": {\"size\": "
                        + dim
                        + ", \"distance\": \""
                        + distance
                        + "\"}, \"hnsw_config\": {\"m\": 16, \"ef_construct\": 100}"
                        + (indexing
                            ? ""
                            : ", \"optimizers_config\": {\"indexing_threshold\": 0,"
                                + " \"flush_interval_sec\": 3600}")
                        + "}")),
            CollectionSettings.DEFAULT);
  }

  void drop(String name) throws IOException {
    node.collections().deleteCollection(name);
  }

  long count(String name) {
    return node.collections().count(name, null);
  }

  /**
   * Polls the point count every 0.2 ms until it reaches {@code n}; returns the {@link
   * System#nanoTime} it was first seen there.
   *
   * @throws IllegalStateException when it has not within {@code timeoutSeconds}
   */
  long awaitCount(String name, long n, long timeoutSeconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    while (true) {
      long c = count(name);
      long now = System.nanoTime();
      if (c >= n) {
        return now;
      }
      if (now > deadline) {
        throw new IllegalStateException(
            "collection '"
                + name
                + "' holds "
                + c
                + " points after "
                + timeoutSeconds
                + " s; "
                + n
                + " expected");
      }
      LockSupport.parkNanos(200_000);
    }
  }

  /** Whether a k = 10 search with {@code vector} returns point {@code id}. */
  boolean searchFinds(String name, float[] vector, long id) {
    List<ScoredPoint> hits =
        node.collections()
            .search(
                name,
                new SearchRequest(
                    "", vector, 10, 0, SearchParams.DEFAULT, null, false, false, null));
    for (ScoredPoint p : hits) {
      if (p.id().num() == id) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void close() {
    node.close();
  }
}
