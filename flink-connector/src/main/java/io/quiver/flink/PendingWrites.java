package io.quiver.flink;

import io.qdrant.client.grpc.Common;
import io.quiver.client.grpc.VersionedDelete;
import io.quiver.client.grpc.VersionedUpsert;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writes a subtask has not sent yet, at most one per id: the one the node would end up with.
 * The node applies a write only when its version is newer (unsigned) than the id's stored version,
 * so of several writes of one id it keeps the newest, and of equal versions the first. This buffer
 * keeps exactly that write, and drops the others; sending what is left gives the node the state
 * sending everything in order would have given it. With each id at most once, the batch's deletes
 * and upserts do not depend on each other and go out as two independent requests.
 */
final class PendingWrites {

  private final Map<Common.PointId, RecordConverter.Write> writes = new LinkedHashMap<>();
  private long upsertBytes;
  private long deleteBytes;
  private int deletes;

  /**
   * Adds a write, or drops it when a pending write of its id is as new or newer.
   *
   * @return whether a write (this one or the one it replaced) was dropped
   */
  boolean add(RecordConverter.Write write) {
    RecordConverter.Write pending = writes.get(write.id());
    if (pending != null) {
      if (Long.compareUnsigned(write.version(), pending.version()) <= 0) {
        return true;
      }
      account(pending, -1);
      writes.remove(write.id()); // re-inserted at the end: insertion order is arrival order
    }
    writes.put(write.id(), write);
    account(write, 1);
    return pending != null;
  }

  private void account(RecordConverter.Write write, int sign) {
    if (write.delete()) {
      deleteBytes += sign * (long) write.encodedSize();
      deletes += sign;
    } else {
      upsertBytes += sign * (long) write.encodedSize();
    }
  }

  boolean isEmpty() {
    return writes.isEmpty();
  }

  int size() {
    return writes.size();
  }

  /** The larger of the two request bodies the pending writes make. */
  long requestBytes() {
    return Math.max(upsertBytes, deleteBytes);
  }

  /** What the pending writes make of a request when {@code write} joins them. */
  long requestBytesWith(RecordConverter.Write write) {
    return (write.delete() ? deleteBytes : upsertBytes) + write.encodedSize();
  }

  /** The pending writes as at most one delete and one upsert request; empties the buffer. */
  Requests drain(String collection, boolean wait) {
    VersionedDelete.Builder delete =
        deletes == 0
            ? null
            : VersionedDelete.newBuilder().setCollectionName(collection).setWait(wait);
    VersionedUpsert.Builder upsert =
        deletes == writes.size()
            ? null
            : VersionedUpsert.newBuilder().setCollectionName(collection).setWait(wait);
    for (RecordConverter.Write w : writes.values()) {
      if (w.delete()) {
        delete.addIds(w.versionedId());
      } else {
        upsert.addPoints(w.point());
      }
    }
    writes.clear();
    upsertBytes = 0;
    deleteBytes = 0;
    deletes = 0;
    return new Requests(
        delete == null ? null : delete.build(), upsert == null ? null : upsert.build());
  }

  /** A drained batch: either may be null. */
  record Requests(VersionedDelete delete, VersionedUpsert upsert) {}
}
