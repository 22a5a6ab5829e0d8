package io.quiver.serving.grpc;

import com.google.protobuf.Timestamp;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.SnapshotsGrpc;
import io.qdrant.client.grpc.SnapshotsService;
import io.quiver.cluster.CollectionService;
import io.quiver.cluster.NotFoundException;
import io.quiver.cluster.SnapshotDescription;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;

/**
 * Qdrant's {@code qdrant.Snapshots} service: snapshot files of a collection. Qdrant has no gRPC
 * recovery; Quiver's is {@code quiver.QuiverAdmin/PublishSnapshot} ({@link AdminGrpcService}).
 * Full-storage snapshots are not served (UNIMPLEMENTED).
 */
public final class SnapshotsGrpcService extends SnapshotsGrpc.SnapshotsImplBase {

  private final CollectionService collections;

  public SnapshotsGrpcService(CollectionService collections) {
    this.collections = collections;
  }

  @Override
  public void create(
      SnapshotsService.CreateSnapshotRequest request,
      StreamObserver<SnapshotsService.CreateSnapshotResponse> response) {
    long start = System.nanoTime();
    SnapshotDescription snapshot;
    try {
      snapshot = collections.createSnapshot(Calls.collection(request.getCollectionName()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Calls.reply(
        response,
        SnapshotsService.CreateSnapshotResponse.newBuilder()
            .setSnapshotDescription(description(snapshot))
            .setTime(Calls.seconds(start))
            .build());
  }

  @Override
  public void list(
      SnapshotsService.ListSnapshotsRequest request,
      StreamObserver<SnapshotsService.ListSnapshotsResponse> response) {
    long start = System.nanoTime();
    SnapshotsService.ListSnapshotsResponse.Builder out =
        SnapshotsService.ListSnapshotsResponse.newBuilder();
    try {
      for (SnapshotDescription s :
          collections.listSnapshots(Calls.collection(request.getCollectionName()))) {
        out.addSnapshotDescriptions(description(s));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Calls.reply(response, out.setTime(Calls.seconds(start)).build());
  }

  @Override
  public void delete(
      SnapshotsService.DeleteSnapshotRequest request,
      StreamObserver<SnapshotsService.DeleteSnapshotResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    if (request.getSnapshotName().isEmpty()) {
      throw new IllegalArgumentException("snapshot_name is required");
    }
    boolean deleted;
    try {
      deleted = collections.deleteSnapshot(collection, request.getSnapshotName());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (!deleted) {
      throw new NotFoundException(
          "snapshot '"
              + request.getSnapshotName()
              + "' of collection '"
              + collection
              + "' does not exist");
    }
    Calls.reply(
        response,
        SnapshotsService.DeleteSnapshotResponse.newBuilder().setTime(Calls.seconds(start)).build());
  }

  @Override
  public void createFull(
      SnapshotsService.CreateFullSnapshotRequest request,
      StreamObserver<SnapshotsService.CreateSnapshotResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Snapshots/CreateFull",
        "full-storage snapshots are not supported; snapshot each collection");
  }

  @Override
  public void listFull(
      SnapshotsService.ListFullSnapshotsRequest request,
      StreamObserver<SnapshotsService.ListSnapshotsResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Snapshots/ListFull",
        "full-storage snapshots are not supported; list each collection's");
  }

  @Override
  public void deleteFull(
      SnapshotsService.DeleteFullSnapshotRequest request,
      StreamObserver<SnapshotsService.DeleteSnapshotResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Snapshots/DeleteFull", "full-storage snapshots are not supported");
  }

  private static SnapshotsService.SnapshotDescription description(SnapshotDescription s) {
    SnapshotsService.SnapshotDescription.Builder out =
        SnapshotsService.SnapshotDescription.newBuilder()
            .setName(s.name())
            .setCreationTime(timestamp(s.creationTime()))
            .setSize(s.size());
    if (s.checksum() != null) {
      out.setChecksum(s.checksum());
    }
    return out.build();
  }

  static Timestamp timestamp(Instant t) {
    return Timestamp.newBuilder().setSeconds(t.getEpochSecond()).setNanos(t.getNano()).build();
  }
}
