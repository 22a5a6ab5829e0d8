package io.quiver.engine.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.hnsw.HnswConfig;
import java.util.Set;

/**
 * Qdrant's {@code hnsw_config}: {@code m}, {@code ef_construct}, {@code full_scan_threshold} (in
 * kilobytes of vectors, as Qdrant counts it) and {@code max_indexing_threads} (0 = all cores).
 * {@code on_disk} and {@code payload_m} are accepted for compatibility: graphs are always
 * memory-mapped, and restrictive filters are handled at search time rather than with extra links.
 */
public record HnswParams(int m, int efConstruct, long fullScanThresholdKb, int maxIndexingThreads) {

  public static final long DEFAULT_FULL_SCAN_THRESHOLD_KB = 10_000;

  public HnswParams {
    // Validated the way the graph builder will see them.
    HnswConfig.builder().m(m).efConstruct(efConstruct).build();
    if (fullScanThresholdKb < 0) {
      throw new IllegalArgumentException(
          "hnsw_config.full_scan_threshold must be >= 0; got " + fullScanThresholdKb);
    }
    if (maxIndexingThreads < 0) {
      throw new IllegalArgumentException(
          "hnsw_config.max_indexing_threads must be >= 0; got " + maxIndexingThreads);
    }
  }

  public static HnswParams defaults() {
    return new HnswParams(
        HnswConfig.DEFAULT_M, HnswConfig.DEFAULT_EF_CONSTRUCT, DEFAULT_FULL_SCAN_THRESHOLD_KB, 0);
  }

  /** The graph parameters for vectors of {@code dimension} floats. */
  public HnswConfig toConfig(int dimension) {
    long vectors = fullScanThresholdKb * 1024 / (4L * dimension);
    return HnswConfig.builder()
        .m(m)
        .efConstruct(efConstruct)
        .fullScanThreshold((int) Math.min(Integer.MAX_VALUE, vectors))
        .build();
  }

  /** Reads {@code json} on top of {@code base} (fields it omits keep base's value). */
  public static HnswParams fromJson(JsonNode json, String at, HnswParams base) {
    Json.checkFields(
        json,
        at,
        Set.of(
            "m",
            "ef_construct",
            "full_scan_threshold",
            "max_indexing_threads",
            "on_disk",
            "payload_m",
            "inline_storage"));
    return new HnswParams(
        (int) Json.integer(json, at, "m", base.m, 2, 512),
        (int) Json.integer(json, at, "ef_construct", base.efConstruct, 4, 65536),
        Json.integer(json, at, "full_scan_threshold", base.fullScanThresholdKb, 0, Long.MAX_VALUE),
        (int) Json.integer(json, at, "max_indexing_threads", base.maxIndexingThreads, 0, 4096));
  }

  public ObjectNode toJson() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("m", m)
        .put("ef_construct", efConstruct)
        .put("full_scan_threshold", fullScanThresholdKb)
        .put("max_indexing_threads", maxIndexingThreads)
        .put("on_disk", false);
    return out;
  }
}
