package io.quiver.engine.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Set;

/**
 * When the background optimizer acts, in Qdrant's {@code optimizers_config} shape.
 *
 * <ul>
 *   <li>{@code indexing_threshold} (kilobytes of vectors, Qdrant's unit): the mutable segment is
 *       turned into an indexed immutable segment once its vectors pass this size; 0 disables it;
 *   <li>{@code deleted_threshold}: a segment whose deleted fraction passes this is vacuumed;
 *   <li>{@code vacuum_min_vector_number}: ... but only when it holds at least this many points;
 *   <li>{@code default_segment_number}: small immutable segments are merged while there are more
 *       than this many;
 *   <li>{@code max_segment_size} (kilobytes): merges never build a segment larger than this;
 *   <li>{@code flush_interval_sec}: the longest the WAL grows before a checkpoint;
 *   <li>{@code max_optimization_threads}: threads one optimization builds with (0 = all cores).
 * </ul>
 */
public record OptimizerParams(
    long indexingThresholdKb,
    double deletedThreshold,
    long vacuumMinVectorNumber,
    int defaultSegmentNumber,
    long maxSegmentSizeKb,
    long flushIntervalSec,
    int maxOptimizationThreads) {

  public OptimizerParams {
    if (indexingThresholdKb < 0) {
      throw new IllegalArgumentException(
          "optimizers_config.indexing_threshold must be >= 0; got " + indexingThresholdKb);
    }
    if (!(deletedThreshold >= 0 && deletedThreshold <= 1)) {
      throw new IllegalArgumentException(
          "optimizers_config.deleted_threshold must be in [0, 1]; got " + deletedThreshold);
    }
    if (defaultSegmentNumber < 1) {
      throw new IllegalArgumentException(
          "optimizers_config.default_segment_number must be >= 1; got " + defaultSegmentNumber);
    }
  }

  public static OptimizerParams defaults() {
    return new OptimizerParams(10_000, 0.2, 1000, 4, 200_000_000, 5, 0);
  }

  public OptimizerParams withIndexingThresholdKb(long kb) {
    return new OptimizerParams(
        kb,
        deletedThreshold,
        vacuumMinVectorNumber,
        defaultSegmentNumber,
        maxSegmentSizeKb,
        flushIntervalSec,
        maxOptimizationThreads);
  }

  static OptimizerParams fromJson(JsonNode json, String at) {
    Json.checkFields(
        json,
        at,
        Set.of(
            "indexing_threshold",
            "deleted_threshold",
            "vacuum_min_vector_number",
            "default_segment_number",
            "max_segment_size",
            "flush_interval_sec",
            "max_optimization_threads",
            "memmap_threshold"));
    OptimizerParams d = defaults();
    return new OptimizerParams(
        Json.integer(json, at, "indexing_threshold", d.indexingThresholdKb, 0, Long.MAX_VALUE),
        Json.number(json, at, "deleted_threshold", d.deletedThreshold),
        Json.integer(
            json, at, "vacuum_min_vector_number", d.vacuumMinVectorNumber, 0, Long.MAX_VALUE),
        (int) Json.integer(json, at, "default_segment_number", d.defaultSegmentNumber, 1, 1024),
        Json.integer(json, at, "max_segment_size", d.maxSegmentSizeKb, 1, Long.MAX_VALUE),
        Json.integer(json, at, "flush_interval_sec", d.flushIntervalSec, 0, Long.MAX_VALUE),
        (int)
            Json.integer(json, at, "max_optimization_threads", d.maxOptimizationThreads, 0, 4096));
  }

  ObjectNode toJson() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    out.put("indexing_threshold", indexingThresholdKb)
        .put("deleted_threshold", deletedThreshold)
        .put("vacuum_min_vector_number", vacuumMinVectorNumber)
        .put("default_segment_number", defaultSegmentNumber)
        .put("max_segment_size", maxSegmentSizeKb)
        .put("flush_interval_sec", flushIntervalSec)
        .put("max_optimization_threads", maxOptimizationThreads);
    return out;
  }
}
