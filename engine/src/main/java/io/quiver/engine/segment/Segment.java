package io.quiver.engine.segment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.hnsw.SearchResults;
import io.quiver.engine.point.PointId;
import java.io.Closeable;

/**
 * One segment of a shard as the shard sees it: points at internal offsets {@code 0..size()-1}, some
 * deleted. Reads are safe from any thread; changes (deletes, and appends to the mutable segment)
 * come from the shard's single writer.
 */
public interface Segment extends Closeable {

  SegmentId id();

  /** Offsets in use, deleted ones included. */
  int size();

  default int liveCount() {
    return size() - deleted().count();
  }

  PointId pointId(int offset);

  /** The offset of {@code id}, deleted or not, or -1 when this segment never held it. */
  int offsetOf(PointId id);

  /** The sequence of the operation that wrote the point at {@code offset}. */
  long version(int offset);

  DeletedPoints deleted();

  /** The payload at {@code offset}; callers must not modify it. */
  ObjectNode payload(int offset);

  /** A copy of the stored vector {@code name} at {@code offset} (normalised for cosine). */
  float[] vector(String name, int offset);

  /**
   * The best {@code k} live offsets for {@code query} (already validated and prepared for the
   * vector's distance) that pass {@code filter}, best first, with internal scores.
   */
  SearchResults search(
      String vector, float[] query, int k, SearchParams params, SegmentFilter filter);

  /**
   * The segment's payload field indexes, read-only for searches; null when it keeps none (the
   * mutable segment: it is small, and its filters are checked on payloads).
   */
  io.quiver.engine.payload.PayloadIndexes payloadIndexes();

  /** Heap bytes this segment keeps (ids, codes, graphs when loaded, payload indexes). */
  long heapBytes();
}
