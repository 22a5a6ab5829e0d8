package io.quiver.flink;

import com.google.protobuf.MessageLite;
import io.grpc.stub.StreamObserver;
import io.quiver.client.grpc.QuiverPointsGrpc;
import io.quiver.client.grpc.VersionedDelete;
import io.quiver.client.grpc.VersionedUpsert;
import io.quiver.client.grpc.VersionedWriteResponse;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One request a writer sends until the node acknowledges it: a {@code quiver.QuiverPoints/Upsert}
 * or {@code /Delete} and its attempts so far. Only the task thread touches it.
 */
final class NodeRequest {

  private final VersionedUpsert upsert;
  private final VersionedDelete delete;
  private final int writes;
  private final long bytes;
  private final String collection;

  /** Attempts made, the node of the latest, when it started, and the nodes tried. */
  int attempts;

  int node;
  long startNanos;
  final Set<NodeAddress> tried = new LinkedHashSet<>();

  private NodeRequest(VersionedUpsert upsert, VersionedDelete delete) {
    this.upsert = upsert;
    this.delete = delete;
    MessageLite message = upsert != null ? upsert : delete;
    this.writes = upsert != null ? upsert.getPointsCount() : delete.getIdsCount();
    this.bytes = message.getSerializedSize();
    this.collection = upsert != null ? upsert.getCollectionName() : delete.getCollectionName();
  }

  static NodeRequest upsert(VersionedUpsert upsert) {
    return new NodeRequest(upsert, null);
  }

  static NodeRequest delete(VersionedDelete delete) {
    return new NodeRequest(null, delete);
  }

  void send(
      QuiverPointsGrpc.QuiverPointsStub stub, StreamObserver<VersionedWriteResponse> observer) {
    if (upsert != null) {
      stub.upsert(upsert, observer);
    } else {
      stub.delete(delete, observer);
    }
  }

  int writes() {
    return writes;
  }

  long bytes() {
    return bytes;
  }

  /** "upsert of 3 points in collection 'docs'", for messages. */
  String describe() {
    return (upsert != null ? "upsert of " : "delete of ")
        + writes
        + (upsert != null ? (writes == 1 ? " point" : " points") : (writes == 1 ? " id" : " ids"))
        + " in collection '"
        + collection
        + "'";
  }
}
