package io.quiver.serving;

import io.quiver.cluster.CollectionService;
import io.quiver.cluster.local.LocalCollectionService;
import io.quiver.serving.config.ServerConfig;
import io.quiver.serving.grpc.AdminGrpcService;
import io.quiver.serving.grpc.CollectionsGrpcService;
import io.quiver.serving.grpc.PointsGrpcService;
import io.quiver.serving.grpc.SnapshotsGrpcService;
import io.quiver.serving.grpc.VersionedPointsGrpcService;
import io.quiver.serving.metrics.CollectionMetrics;
import io.quiver.serving.rest.RestServices;
import io.quiver.serving.snapshot.HadoopSnapshotFetcher;
import java.io.IOException;
import java.util.List;

/**
 * A serving node: the collection service over the storage folder and the server that exposes it
 * (Qdrant's REST and gRPC APIs, Quiver's admin API). {@code quiver serve} runs one; tests start
 * them on ephemeral ports. Closing it stops the server gracefully (in-flight requests finish), then
 * closes the collections.
 */
public final class QuiverNode implements AutoCloseable {

  private final CollectionService collections;
  private final CollectionMetrics metrics;
  private final QuiverServer server;

  private QuiverNode(
      CollectionService collections, CollectionMetrics metrics, QuiverServer server) {
    this.collections = collections;
    this.metrics = metrics;
    this.server = server;
  }

  /** Opens the storage and starts serving it. */
  public static QuiverNode start(ServerConfig config) throws IOException {
    CollectionService collections =
        LocalCollectionService.open(
            config.storage().storagePath(), List.of(new HadoopSnapshotFetcher()));
    try {
      QuiverServer.Builder builder = QuiverServer.builder(config);
      register(builder, collections, config);
      builder.onShutdown(collections);
      QuiverServer server = builder.build();
      CollectionMetrics metrics = new CollectionMetrics(collections, server.meterRegistry(), 2_000);
      return new QuiverNode(collections, metrics, server.start());
    } catch (RuntimeException e) {
      collections.close();
      throw e;
    }
  }

  /** The API services over {@code collections}: one line per service. */
  static void register(
      QuiverServer.Builder builder, CollectionService collections, ServerConfig config) {
    // REST and gRPC endpoint services are added here as they land.
    RestServices rest = RestServices.of(collections, config.strictMode());
    rest.general().forEach(builder::restService);
    rest.search().forEach(builder::restSearchService);
    builder.grpcService(new CollectionsGrpcService(collections, config.strictMode()));
    builder.grpcService(new PointsGrpcService(collections, config.strictMode()));
    builder.grpcService(new SnapshotsGrpcService(collections));
    builder.grpcService(new AdminGrpcService(collections));
    builder.grpcService(new VersionedPointsGrpcService(collections, config.strictMode()));
  }

  public CollectionService collections() {
    return collections;
  }

  public QuiverServer server() {
    return server;
  }

  public int httpPort() {
    return server.httpPort();
  }

  public int grpcPort() {
    return server.grpcPort();
  }

  @Override
  public void close() {
    metrics.close();
    server.close();
  }
}
