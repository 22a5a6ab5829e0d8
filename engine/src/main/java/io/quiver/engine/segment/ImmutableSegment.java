package io.quiver.engine.segment;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.hnsw.AcceptOrds;
import io.quiver.engine.hnsw.ExactSearch;
import io.quiver.engine.hnsw.HnswIndex;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.hnsw.SearchResults;
import io.quiver.engine.payload.FieldIndexKind;
import io.quiver.engine.payload.JsonPath;
import io.quiver.engine.payload.PayloadIndexes;
import io.quiver.engine.point.PointId;
import io.quiver.engine.quant.QuantizedVectors;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.MappedVectorValues;
import io.quiver.engine.vector.VectorValues;
import io.quiver.engine.vector.Vectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.PrimitiveIterator;
import org.roaringbitmap.PeekableIntIterator;

/**
 * A segment opened from its directory: ids and codes on the heap, graphs memory-mapped, original
 * vectors loaded onto the heap or, with {@code on_disk}, memory-mapped (see {@link
 * VectorParams#onDisk()}), payloads read block by block. Every file's header and checksum is
 * verified on open; a damaged file fails the open with an error naming it. Only the deleted-points
 * set changes after open.
 *
 * <p>Directory layout: {@code segment.qv} ({@link SegmentMeta}, written last), {@code ids.qv}
 * ({@link IdTracker}), {@code payload.qv} ({@link PayloadStorage}), and per vector file number
 * {@code i}: {@code vectors-i.qv} (original vectors), {@code graph-i.qv} (HNSW), {@code codes-i.qv}
 * (quantized codes, when configured).
 */
public final class ImmutableSegment implements Segment {

  /** The file of the segment's ids and versions ({@link IdTracker}'s format). */
  public static final String IDS = "ids.qv";

  static final String PAYLOAD = "payload.qv";
  static final String INDEX_DIR = "index";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final Path dir;
  private final SegmentMeta meta;
  private final IdTracker ids;
  private final PayloadStorage payloads;
  private final Map<String, VectorIndex> vectors;
  private final DeletedPoints deleted;
  private volatile PayloadIndexes indexes;

  private record VectorIndex(VectorParams params, HnswIndex index, int fullScanThreshold) {}

  private ImmutableSegment(
      Path dir,
      SegmentMeta meta,
      IdTracker ids,
      PayloadStorage payloads,
      Map<String, VectorIndex> vectors,
      DeletedPoints deleted,
      PayloadIndexes indexes) {
    this.dir = dir;
    this.meta = meta;
    this.ids = ids;
    this.payloads = payloads;
    this.vectors = vectors;
    this.deleted = deleted;
    this.indexes = indexes;
  }

  static String vectorsFile(int i) {
    return "vectors-" + i + ".qv";
  }

  static String graphFile(int i) {
    return "graph-" + i + ".qv";
  }

  static String codesFile(int i) {
    return "codes-" + i + ".qv";
  }

  /**
   * Opens the segment in {@code dir} with the deletes recorded in {@code deletedFile} (null: none).
   */
  public static ImmutableSegment open(Path dir, Path deletedFile) throws IOException {
    if (!Files.isRegularFile(dir.resolve(SegmentMeta.FILE))) {
      throw new CorruptFileException(
          dir.resolve(SegmentMeta.FILE), "segment is incomplete: its meta file is missing");
    }
    SegmentMeta meta = SegmentMeta.read(dir);
    IdTracker ids = IdTracker.read(dir.resolve(IDS));
    checkCount(dir.resolve(IDS), ids.size(), meta.pointCount());
    PayloadStorage payloads = PayloadStorage.open(dir.resolve(PAYLOAD));
    boolean success = false;
    try {
      checkCount(dir.resolve(PAYLOAD), payloads.size(), meta.pointCount());
      Map<String, VectorIndex> vectors = new LinkedHashMap<>();
      for (int i = 0; i < meta.vectorNames().size(); i++) {
        String name = meta.vectorNames().get(i);
        VectorParams params = meta.config().vector(name);
        MappedVectorValues values = MappedVectorValues.open(dir.resolve(vectorsFile(i)));
        checkCount(dir.resolve(vectorsFile(i)), values.size(), meta.pointCount());
        if (values.dimension() != params.size()) {
          throw new CorruptFileException(
              dir.resolve(vectorsFile(i)),
              "vectors have dimension " + values.dimension() + "; config says " + params.size());
        }
        // Checked as mapped, then searched from the heap unless the config keeps them on disk.
        VectorValues searched = params.onDisk() ? values : ArrayVectorValues.copyOf(values);
        HnswIndex index = HnswIndex.open(dir.resolve(graphFile(i)), searched, params.distance());
        Path codes = dir.resolve(codesFile(i));
        if (params.quantization() != null && meta.pointCount() > 0) {
          QuantizedVectors q = QuantizedVectors.read(codes);
          checkCount(codes, q.size(), meta.pointCount());
          index = index.withQuantization(q);
        }
        int threshold = params.hnsw().toConfig(params.size()).fullScanThreshold();
        vectors.put(name, new VectorIndex(params, index, threshold));
      }
      DeletedPoints deleted =
          deletedFile == null
              ? new DeletedPoints(meta.pointCount())
              : DeletedPoints.read(deletedFile, meta.pointCount());
      PayloadIndexes indexes = PayloadIndexes.readAll(dir.resolve(INDEX_DIR), meta.id().bytes());
      success = true;
      return new ImmutableSegment(dir, meta, ids, payloads, vectors, deleted, indexes);
    } finally {
      if (!success) {
        payloads.close();
      }
    }
  }

  private static void checkCount(Path file, int actual, int expected) throws CorruptFileException {
    if (actual != expected) {
      throw new CorruptFileException(
          file, "holds " + actual + " points; the segment meta says " + expected);
    }
  }

  public Path dir() {
    return dir;
  }

  public SegmentMeta meta() {
    return meta;
  }

  @Override
  public SegmentId id() {
    return meta.id();
  }

  @Override
  public int size() {
    return meta.pointCount();
  }

  @Override
  public PointId pointId(int offset) {
    return ids.id(offset);
  }

  @Override
  public int offsetOf(PointId id) {
    return ids.offsetOf(id);
  }

  /** The tracker, for ordered scans by id. */
  public IdTracker ids() {
    return ids;
  }

  @Override
  public long version(int offset) {
    return ids.version(offset);
  }

  @Override
  public DeletedPoints deleted() {
    return deleted;
  }

  @Override
  public ObjectNode payload(int offset) {
    try {
      byte[] json = payloads.get(offset);
      return json.length == 0
          ? JsonNodeFactory.instance.objectNode()
          : (ObjectNode) MAPPER.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException("reading payload " + offset + " of segment " + id(), e);
    }
  }

  @Override
  public float[] vector(String name, int offset) {
    VectorIndex v = vectorIndex(name);
    return v.index.vectors().vector(offset, new float[v.params.size()]);
  }

  private VectorIndex vectorIndex(String name) {
    VectorIndex v = vectors.get(name);
    if (v == null) {
      throw new IllegalArgumentException("segment " + id() + " has no vector '" + name + "'");
    }
    return v;
  }

  @Override
  public SearchResults search(
      String vector, float[] query, int k, SearchParams params, SegmentFilter filter) {
    VectorIndex v = vectorIndex(vector);
    AcceptOrds accept = liveAndMatching(filter.accept());
    int size = size();
    // Strictly below, as Qdrant compares: the optimizer freezes a segment as soon as its vectors
    // reach indexing_threshold, which by default equals full_scan_threshold, so a segment built
    // from aligned batches holds exactly the threshold and must still use the graph it has.
    if (params.exact() || size < v.fullScanThreshold) {
      return scan(v, query, k, filter, accept);
    }
    if (filter.isNone()) {
      return v.index.search(query, k, params, accept);
    }
    FilteredSearchPlan plan =
        FilteredSearchPlan.choose(
            filter, params, k, size, v.index.config().efConstruct(), v.fullScanThreshold);
    if (plan.scan()) {
      return scan(v, query, k, filter, accept);
    }
    return v.index.search(query, k, plan.params(), accept, plan.beam());
  }

  /** Exact search over the filter's candidates when an index listed them, else every offset. */
  private static SearchResults scan(
      VectorIndex v, float[] query, int k, SegmentFilter filter, AcceptOrds accept) {
    float[] q = Vectors.prepare(v.params.distance(), query);
    var scorer = v.index.vectors().scorer(v.params.distance(), q);
    if (filter.candidates() != null) {
      return ExactSearch.search(scorer, k, iterate(filter.candidates().getIntIterator()), accept);
    }
    return ExactSearch.search(scorer, k, v.index.size(), accept);
  }

  private AcceptOrds liveAndMatching(AcceptOrds filter) {
    DeletedPoints del = deleted;
    if (del.count() == 0) {
      return filter;
    }
    if (filter == AcceptOrds.ALL) {
      return ord -> !del.isDeleted(ord);
    }
    return ord -> !del.isDeleted(ord) && filter.accept(ord);
  }

  static PrimitiveIterator.OfInt iterate(PeekableIntIterator it) {
    return new PrimitiveIterator.OfInt() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public int nextInt() {
        return it.next();
      }
    };
  }

  @Override
  public PayloadIndexes payloadIndexes() {
    return indexes;
  }

  /**
   * Adds a payload index to this segment (copy on write: searches keep the set they started with)
   * and writes the new set under {@code index/}. Writer thread only.
   */
  public void createIndex(JsonPath path, FieldIndexKind kind) throws IOException {
    PayloadIndexes current = indexes;
    if (current.get(path, kind) != null) {
      return;
    }
    PayloadIndexes next = PayloadIndexes.readAll(dir.resolve(INDEX_DIR), meta.id().bytes());
    next.create(path, kind, size(), this::payload);
    next.writeAll(dir.resolve(INDEX_DIR), meta.id().bytes());
    indexes = next;
  }

  /** Drops every payload index on {@code path}. Writer thread only. */
  public void dropIndex(JsonPath path) throws IOException {
    if (indexes.indexes(path).isEmpty()) {
      return;
    }
    PayloadIndexes next = PayloadIndexes.readAll(dir.resolve(INDEX_DIR), meta.id().bytes());
    next.drop(path);
    next.writeAll(dir.resolve(INDEX_DIR), meta.id().bytes());
    indexes = next;
  }

  @Override
  public long heapBytes() {
    long bytes = ids.heapBytes();
    for (VectorIndex v : vectors.values()) {
      bytes += v.index.vectors().heapBytes();
      if (v.index.quantization() != null) {
        bytes += v.index.quantization().heapBytes();
      }
    }
    return bytes;
  }

  /** Bytes mapped from files (vectors and graphs). */
  public long mappedBytes() {
    long bytes = 0;
    for (VectorIndex v : vectors.values()) {
      bytes += v.index.vectors().offHeapBytes() + v.index.graphBytes();
    }
    return bytes;
  }

  @Override
  public void close() throws IOException {
    payloads.close();
  }
}
