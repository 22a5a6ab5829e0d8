package io.quiver.engine.segment;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.hnsw.AcceptOrds;
import io.quiver.engine.hnsw.ExactSearch;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.hnsw.SearchResults;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.Vectors;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The segment new points land in: on the heap, appendable, searched exactly (it stays small: the
 * optimizer turns it into an indexed immutable segment past the indexing threshold). Its contents
 * are durable through the log, not through files of its own.
 *
 * <p>One writer (the shard) appends and updates; searches run concurrently. A point becomes visible
 * to readers when {@link #published} moves past its offset (a volatile write after its vectors, id
 * and payload are in place). Payloads are replaced, never modified in place.
 */
public final class MutableSegment implements Segment {

  private final SegmentId id = SegmentId.random();
  private final CollectionConfig config;
  private final Map<String, ArrayVectorValues> vectors = new LinkedHashMap<>();
  private final Map<PointId, Integer> offsets = new ConcurrentHashMap<>();
  private final DeletedPoints deleted = new DeletedPoints(0);
  private volatile PointId[] ids = new PointId[64];
  private volatile long[] versions = new long[64];
  private volatile ObjectNode[] payloads = new ObjectNode[64];
  private volatile int published;
  private volatile boolean frozen;

  public MutableSegment(CollectionConfig config) {
    this.config = config;
    config.vectors().forEach((name, p) -> vectors.put(name, new ArrayVectorValues(p.size(), 64)));
  }

  @Override
  public SegmentId id() {
    return id;
  }

  /**
   * Stops appends and in-place payload changes: from now on the optimizer reads this segment to
   * build its immutable replacement, and only deletes may still arrive.
   */
  public void freeze() {
    frozen = true;
  }

  public boolean isFrozen() {
    return frozen;
  }

  /** Appends {@code point} (already validated) written at {@code version}; returns its offset. */
  public int append(Point point, long version) {
    checkWritable();
    int offset = published;
    if (offset == ids.length) {
      int grown = offset * 2;
      ids = Arrays.copyOf(ids, grown);
      versions = Arrays.copyOf(versions, grown);
      payloads = Arrays.copyOf(payloads, grown);
    }
    for (Map.Entry<String, ArrayVectorValues> e : vectors.entrySet()) {
      VectorParams params = config.vectors().get(e.getKey());
      e.getValue().add(Vectors.prepare(params.distance(), point.vector(e.getKey())));
    }
    ids[offset] = point.id();
    versions[offset] = version;
    payloads[offset] = point.payload();
    deleted.grow(offset + 1);
    Integer previous = offsets.put(point.id(), offset);
    if (previous != null && !deleted.isDeleted(previous)) {
      throw new IllegalStateException(
          "point " + point.id() + " is already live in the mutable segment at " + previous);
    }
    published = offset + 1;
    return offset;
  }

  /** Replaces the payload of a live point in place, recording {@code version}. */
  public void setPayload(int offset, ObjectNode payload, long version) {
    checkWritable();
    payloads[offset] = payload;
    versions[offset] = version;
  }

  private void checkWritable() {
    if (frozen) {
      throw new IllegalStateException("mutable segment " + id + " is frozen");
    }
  }

  @Override
  public int size() {
    return published;
  }

  @Override
  public PointId pointId(int offset) {
    return ids[offset];
  }

  @Override
  public int offsetOf(PointId pointId) {
    Integer offset = offsets.get(pointId);
    return offset == null ? -1 : offset;
  }

  @Override
  public long version(int offset) {
    return versions[offset];
  }

  @Override
  public DeletedPoints deleted() {
    return deleted;
  }

  @Override
  public ObjectNode payload(int offset) {
    ObjectNode p = payloads[offset];
    return p == null ? JsonNodeFactory.instance.objectNode() : p;
  }

  @Override
  public float[] vector(String name, int offset) {
    ArrayVectorValues values = vectors.get(name);
    if (values == null) {
      throw new IllegalArgumentException("no vector '" + name + "' in this collection");
    }
    return values.vector(offset, new float[values.dimension()]);
  }

  /** The point at {@code offset} as stored (vectors normalised for cosine). */
  public Point point(int offset) {
    Map<String, float[]> v = new LinkedHashMap<>();
    vectors.forEach((name, values) -> v.put(name, vector(name, offset)));
    return new Point(ids[offset], v, payload(offset));
  }

  @Override
  public SearchResults search(
      String vector, float[] query, int k, SearchParams params, SegmentFilter filter) {
    int size = published;
    ArrayVectorValues values = vectors.get(vector);
    if (values == null) {
      throw new IllegalArgumentException("no vector '" + vector + "' in this collection");
    }
    VectorParams p = config.vectors().get(vector);
    float[] q = Vectors.prepare(p.distance(), query);
    AcceptOrds filterAccept = filter.accept();
    DeletedPoints del = deleted;
    AcceptOrds accept =
        filterAccept == AcceptOrds.ALL
            ? ord -> !del.isDeleted(ord)
            : ord -> !del.isDeleted(ord) && filterAccept.accept(ord);
    var scorer = values.scorer(p.distance(), q);
    if (filter.candidates() != null) {
      return ExactSearch.search(
          scorer,
          k,
          ImmutableSegment.iterate(filter.candidates().getIntIterator()),
          ord -> ord < size && accept.accept(ord));
    }
    return ExactSearch.search(scorer, k, size, accept);
  }

  @Override
  public io.quiver.engine.payload.PayloadIndexes payloadIndexes() {
    return null;
  }

  /** Bytes of vectors held (the optimizer compares this with the indexing threshold). */
  public long vectorBytes() {
    long bytes = 0;
    for (ArrayVectorValues v : vectors.values()) {
      bytes += 4L * v.dimension() * v.size();
    }
    return bytes;
  }

  @Override
  public long heapBytes() {
    long bytes = 0;
    for (ArrayVectorValues v : vectors.values()) {
      bytes += v.heapBytes();
    }
    return bytes + (long) ids.length * 40 + offsets.size() * 64L;
  }

  @Override
  public void close() {}
}
