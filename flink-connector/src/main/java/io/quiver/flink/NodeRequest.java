package io.quiver.flink;

import com.google.protobuf.MessageLite;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Common;
import io.quiver.client.grpc.QuiverPointsGrpc;
import io.quiver.client.grpc.VersionedDelete;
import io.quiver.client.grpc.VersionedUpsert;
import io.quiver.client.grpc.VersionedWriteResponse;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

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

  /** The ids the request writes, as {@link QuiverRecord#id()} gives them. */
  List<Object> ids() {
    List<Object> ids = new ArrayList<>(writes);
    if (upsert != null) {
      upsert.getPointsList().forEach(p -> ids.add(id(p.getPoint().getId())));
    } else {
      delete.getIdsList().forEach(v -> ids.add(id(v.getId())));
    }
    return ids;
  }

  private static Object id(Common.PointId id) {
    return id.hasUuid() ? UUID.fromString(id.getUuid()) : (Object) id.getNum();
  }

  boolean isDelete() {
    return delete != null;
  }

  String collection() {
    return collection;
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
