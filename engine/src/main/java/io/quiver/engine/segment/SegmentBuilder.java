package io.quiver.engine.segment;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.accel.Accelerator;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.hnsw.HnswConfig;
import io.quiver.engine.hnsw.HnswIndex;
import io.quiver.engine.payload.FieldIndexKind;
import io.quiver.engine.payload.JsonPath;
import io.quiver.engine.payload.PayloadIndexes;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.quant.QuantizedVectors;
import io.quiver.engine.quant.VectorQuantizer;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.MappedVectorValues;
import io.quiver.engine.vector.VectorValues;
import io.quiver.engine.vector.Vectors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds one complete immutable segment from a stream of points in one pass: the same code whether
 * a Spark task, a Flink committer, the optimizer or a test calls it. Points are validated against
 * the collection config; when an id repeats, the point with the higher version wins (the later one
 * on a tie). {@link #finish()} writes every file and the segment meta last, so a crash leaves a
 * directory without meta, which is never opened.
 */
public final class SegmentBuilder {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** Seeds the quantizer training sample; a fixed value keeps builds reproducible. */
  private static final long QUANTIZATION_SEED = HnswConfig.DEFAULT_SEED;

  private final Path dir;
  private final CollectionConfig config;
  private final List<SegmentMeta.IndexedField> payloadIndexes;
  private final int threads;
  private final SegmentId id;
  private final Map<PointId, Integer> offsets = new HashMap<>();
  private final List<PointId> ids = new ArrayList<>();
  private final List<byte[]> payloads = new ArrayList<>();
  private final Map<String, ArrayVectorValues> vectors = new LinkedHashMap<>();
  private long[] versions = new long[1024];
  private final Map<Integer, Point> replaced = new HashMap<>();
  private boolean finished;
  private Accelerator accelerator;
  private String builtBy = "cpu";

  /**
   * @param dir the segment's directory, created if needed; must hold no other segment
   * @param threads threads for the graph build and quantization (0 = all cores)
   */
  public SegmentBuilder(
      Path dir,
      CollectionConfig config,
      List<SegmentMeta.IndexedField> payloadIndexes,
      int threads) {
    this(dir, config, payloadIndexes, threads, SegmentId.random());
  }

  /** As above, with the segment's id chosen by the caller (it names the directory). */
  public SegmentBuilder(
      Path dir,
      CollectionConfig config,
      List<SegmentMeta.IndexedField> payloadIndexes,
      int threads,
      SegmentId id) {
    this.dir = dir;
    this.config = config;
    this.payloadIndexes = List.copyOf(payloadIndexes);
    this.threads = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
    this.id = id;
    config
        .vectors()
        .forEach((name, params) -> vectors.put(name, new ArrayVectorValues(params.size(), 1024)));
  }

  public SegmentId id() {
    return id;
  }

  /**
   * Builds graphs (and product quantization's codebooks) with {@code accelerator} where it runs on
   * a device and the vectors are many enough for it to pay; the segment's meta records its name in
   * {@code built_by}. Without one, or with the CPU reference, everything runs on the CPU. The
   * builder does not close it.
   */
  public SegmentBuilder withAccelerator(Accelerator accelerator) {
    this.accelerator = accelerator;
    return this;
  }

  /** The number of distinct points added so far. */
  public int size() {
    return offsets.size();
  }

  /**
   * Adds {@code point} written by the operation at {@code version}; a point with an id already
   * added replaces it unless its version is lower.
   */
  public void add(Point point, long version) {
    if (finished) {
      throw new IllegalStateException("segment " + id + " is already finished");
    }
    config.checkPoint(point);
    Integer existing = offsets.get(point.id());
    if (existing != null) {
      if (version >= versions[existing]) {
        versions[existing] = version;
        replaced.put(existing, point);
      }
      return;
    }
    int offset = ids.size();
    offsets.put(point.id(), offset);
    ids.add(point.id());
    payloads.add(toJson(point));
    if (offset == versions.length) {
      versions = java.util.Arrays.copyOf(versions, offset * 2);
    }
    versions[offset] = version;
    for (Map.Entry<String, ArrayVectorValues> e : vectors.entrySet()) {
      VectorParams params = config.vectors().get(e.getKey());
      e.getValue().add(Vectors.prepare(params.distance(), point.vector(e.getKey())));
    }
  }

  private static byte[] toJson(Point point) {
    if (point.payload().isEmpty()) {
      return new byte[0];
    }
    try {
      return MAPPER.writeValueAsBytes(point.payload());
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the segment; returns its meta. The builder cannot be used afterwards. */
  public SegmentMeta finish() throws IOException {
    if (finished) {
      throw new IllegalStateException("segment " + id + " is already finished");
    }
    finished = true;
    Files.createDirectories(dir);
    if (Files.exists(dir.resolve(SegmentMeta.FILE))) {
      throw new IllegalStateException("directory " + dir + " already holds a segment");
    }
    applyReplacements();
    int n = ids.size();
    byte[] segmentId = id.bytes();
    long maxVersion = 0;
    for (int i = 0; i < n; i++) {
      maxVersion = Math.max(maxVersion, versions[i]);
    }
    IdTracker.of(ids.toArray(new PointId[0]), java.util.Arrays.copyOf(versions, n))
        .write(dir.resolve(ImmutableSegment.IDS), segmentId);
    try (PayloadStorage.Writer out =
        new PayloadStorage.Writer(dir.resolve(ImmutableSegment.PAYLOAD), segmentId)) {
      for (byte[] json : payloads) {
        out.add(json);
      }
      out.finish();
    }
    List<String> names = new ArrayList<>(vectors.keySet());
    for (int i = 0; i < names.size(); i++) {
      writeVector(i, config.vectors().get(names.get(i)), vectors.get(names.get(i)), segmentId);
    }
    if (!payloadIndexes.isEmpty()) {
      writePayloadIndexes(segmentId);
    }
    SegmentMeta meta = new SegmentMeta(id, n, maxVersion, builtBy, config, names, payloadIndexes);
    meta.write(dir);
    return meta;
  }

  private void writeVector(int i, VectorParams params, VectorValues values, byte[] segmentId)
      throws IOException {
    MappedVectorValues.write(dir.resolve(ImmutableSegment.vectorsFile(i)), values, segmentId);
    boolean accelerated =
        accelerator != null
            && accelerator.buildsGraphs()
            && values.size() >= HnswIndex.MIN_ACCELERATED;
    HnswIndex index =
        HnswIndex.build(
            values,
            params.distance(),
            params.hnsw().toConfig(params.size()),
            threads,
            accelerated ? accelerator : null);
    if (accelerated) {
      builtBy = accelerator.name();
    }
    index.write(dir.resolve(ImmutableSegment.graphFile(i)), segmentId);
    if (params.quantization() != null && values.size() > 0) {
      VectorQuantizer quantizer =
          params
              .quantization()
              .train(
                  params.distance(), values, QUANTIZATION_SEED, accelerated ? accelerator : null);
      QuantizedVectors.encode(quantizer, values, threads)
          .write(dir.resolve(ImmutableSegment.codesFile(i)), segmentId);
    }
  }

  private void writePayloadIndexes(byte[] segmentId) throws IOException {
    PayloadIndexes indexes = new PayloadIndexes();
    for (SegmentMeta.IndexedField f : payloadIndexes) {
      indexes.create(
          JsonPath.parse(f.key()),
          FieldIndexKind.fromSchema(f.schema()),
          payloads.size(),
          offset -> {
            byte[] json = payloads.get(offset);
            try {
              return json.length == 0 ? null : (ObjectNode) MAPPER.readTree(json);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
    indexes.writeAll(dir.resolve(ImmutableSegment.INDEX_DIR), segmentId);
  }

  /** Rewrites the vectors when later points replaced earlier ones with the same id. */
  private void applyReplacements() {
    if (replaced.isEmpty()) {
      return;
    }
    for (Map.Entry<Integer, Point> e : replaced.entrySet()) {
      payloads.set(e.getKey(), toJson(e.getValue()));
    }
    for (Map.Entry<String, ArrayVectorValues> e : vectors.entrySet()) {
      String name = e.getKey();
      VectorParams params = config.vectors().get(name);
      ArrayVectorValues old = e.getValue();
      ArrayVectorValues rebuilt = new ArrayVectorValues(params.size(), old.size());
      float[] scratch = new float[params.size()];
      for (int offset = 0; offset < old.size(); offset++) {
        Point p = replaced.get(offset);
        rebuilt.add(
            p == null
                ? old.vector(offset, scratch)
                : Vectors.prepare(params.distance(), p.vector(name)));
      }
      e.setValue(rebuilt);
    }
    replaced.clear();
  }
}
