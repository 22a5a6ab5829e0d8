package io.quiver.serving.grpc;

import io.grpc.stub.StreamObserver;
import io.quiver.client.grpc.ListVersionsRequest;
import io.quiver.client.grpc.ListVersionsResponse;
import io.quiver.client.grpc.PublishSnapshotRequest;
import io.quiver.client.grpc.PublishSnapshotResponse;
import io.quiver.client.grpc.QuiverAdminGrpc;
import io.quiver.client.grpc.RollbackRequest;
import io.quiver.client.grpc.RollbackResponse;
import io.quiver.client.grpc.SnapshotVersion;
import io.quiver.cluster.CollectionService;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Quiver's {@code quiver.QuiverAdmin} service: publish a snapshot as a collection's new version,
 * list the versions, roll back. A single node always waits for the cut-over ({@code wait} is moot):
 * a version exists only once it serves.
 */
public final class AdminGrpcService extends QuiverAdminGrpc.QuiverAdminImplBase {

  /** A URI scheme of two or more letters; {@code C:\...} is a Windows path, not a scheme. */
  private static final Pattern SCHEME = Pattern.compile("^[a-zA-Z][a-zA-Z0-9+.-]+:.*");

  private final CollectionService collections;

  public AdminGrpcService(CollectionService collections) {
    this.collections = collections;
  }

  @Override
  public void publishSnapshot(
      PublishSnapshotRequest request, StreamObserver<PublishSnapshotResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    URI location = location(request.getUri());
    io.quiver.cluster.SnapshotVersion version;
    try {
      version = collections.recoverSnapshot(collection, location, null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Calls.reply(
        response,
        PublishSnapshotResponse.newBuilder()
            .setVersion(version(version))
            .setTime(Calls.seconds(start))
            .build());
  }

  @Override
  public void listVersions(
      ListVersionsRequest request, StreamObserver<ListVersionsResponse> response) {
    long start = System.nanoTime();
    List<io.quiver.cluster.SnapshotVersion> versions =
        collections.versions(Calls.collection(request.getCollectionName()));
    ListVersionsResponse.Builder out = ListVersionsResponse.newBuilder();
    for (int i = versions.size() - 1; i >= 0; i--) { // newest first
      out.addVersions(version(versions.get(i)));
    }
    Calls.reply(response, out.setTime(Calls.seconds(start)).build());
  }

  @Override
  public void rollback(RollbackRequest request, StreamObserver<RollbackResponse> response) {
    long start = System.nanoTime();
    io.quiver.cluster.SnapshotVersion active;
    try {
      active = collections.rollback(Calls.collection(request.getCollectionName()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Calls.reply(
        response,
        RollbackResponse.newBuilder()
            .setActive(version(active))
            .setTime(Calls.seconds(start))
            .build());
  }

  /** A URI with a scheme as it is; anything else is a local path. */
  static URI location(String uri) {
    if (uri.isBlank()) {
      throw new IllegalArgumentException(
          "uri is required: a snapshot file or folder, as a local path or a URI");
    }
    try {
      return SCHEME.matcher(uri).matches() ? new URI(uri) : Path.of(uri).toUri();
    } catch (URISyntaxException | InvalidPathException e) {
      throw new IllegalArgumentException("uri: '" + uri + "' is not a URI or a path", e);
    }
  }

  private static SnapshotVersion version(io.quiver.cluster.SnapshotVersion v) {
    SnapshotVersion.Builder out =
        SnapshotVersion.newBuilder()
            .setVersion(v.version())
            .setPublishedAt(SnapshotsGrpcService.timestamp(v.publishedAt()))
            .setActive(v.current());
    if (v.source() != null) {
      out.setUri(v.source());
    }
    return out.build();
  }
}
