package io.quiver.engine.collection;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.point.Point;
import io.quiver.engine.quant.QuantizationConfig;
import io.quiver.engine.vector.Vectors;
import java.io.IOException;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A collection's configuration, read from and written as the body of Qdrant's create-collection
 * request:
 *
 * <pre>
 * {"vectors": {"size": 768, "distance": "Cosine"}                        (the unnamed vector "")
 *  "vectors": {"image": {"size": 512, "distance": "Dot"}, "text": {...}}  (named vectors)
 *  "hnsw_config": {...}, "quantization_config": {...}, "optimizers_config": {...},
 *  "wal_config": {"wal_capacity_mb": 32}}
 * </pre>
 *
 * A vector's own {@code hnsw_config} / {@code quantization_config} override the collection's. Keys
 * the serving tier handles (shard and replication counts) are not the engine's business and are
 * refused here; the server strips them before handing the rest over.
 */
public record CollectionConfig(
    Map<String, VectorParams> vectors, OptimizerParams optimizer, int walCapacityMb) {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  public CollectionConfig {
    if (vectors.isEmpty()) {
      throw new IllegalArgumentException("vectors: a collection needs at least one vector");
    }
    vectors = Collections.unmodifiableMap(new LinkedHashMap<>(vectors));
    if (walCapacityMb < 1) {
      throw new IllegalArgumentException(
          "wal_config.wal_capacity_mb must be >= 1; got " + walCapacityMb);
    }
  }

  /** A collection of one unnamed vector. */
  public static CollectionConfig of(VectorParams vector) {
    return new CollectionConfig(Map.of("", vector), OptimizerParams.defaults(), 32);
  }

  public static CollectionConfig of(Map<String, VectorParams> vectors) {
    return new CollectionConfig(vectors, OptimizerParams.defaults(), 32);
  }

  public CollectionConfig withOptimizer(OptimizerParams optimizer) {
    return new CollectionConfig(vectors, optimizer, walCapacityMb);
  }

  public VectorParams vector(String name) {
    VectorParams params = vectors.get(name);
    if (params == null) {
      throw new IllegalArgumentException(
          "vector name '" + name + "' is not in this collection; it has " + vectorNames());
    }
    return params;
  }

  private String vectorNames() {
    StringBuilder out = new StringBuilder("[");
    for (String name : vectors.keySet()) {
      out.append(out.length() > 1 ? ", " : "").append('\'').append(name).append('\'');
    }
    return out.append(']').toString();
  }

  /**
   * Checks a point against this configuration before anything is logged: every configured vector
   * present with the right dimension and finite components, no unknown vector names.
   */
  public void checkPoint(Point point) {
    for (String name : point.vectors().keySet()) {
      if (!vectors.containsKey(name)) {
        throw new IllegalArgumentException(
            "point "
                + point.id()
                + ": vector name '"
                + name
                + "' is not in this collection; it has "
                + vectorNames());
      }
    }
    for (Map.Entry<String, VectorParams> e : vectors.entrySet()) {
      String what =
          e.getKey().isEmpty()
              ? "vector of point " + point.id()
              : "vector '" + e.getKey() + "' of point " + point.id();
      Vectors.checkValid(point.vectors().get(e.getKey()), e.getValue().size(), what);
    }
  }

  public static CollectionConfig fromJson(JsonNode json) {
    Json.checkFields(
        json,
        "collection config",
        Set.of("vectors", "hnsw_config", "quantization_config", "optimizers_config", "wal_config"));
    HnswParams hnsw =
        json.hasNonNull("hnsw_config")
            ? HnswParams.fromJson(json.get("hnsw_config"), "hnsw_config", HnswParams.defaults())
            : HnswParams.defaults();
    QuantizationConfig quantization =
        json.hasNonNull("quantization_config")
            ? parseQuantization(json.get("quantization_config"), "quantization_config")
            : null;
    JsonNode vectorsJson = json.get("vectors");
    if (vectorsJson == null || !vectorsJson.isObject() || vectorsJson.isEmpty()) {
      throw new IllegalArgumentException(
          "vectors must be an object: {\"size\":..,\"distance\":..} or named vectors; got "
              + vectorsJson);
    }
    Map<String, VectorParams> vectors = new LinkedHashMap<>();
    if (vectorsJson.has("size") || vectorsJson.has("distance")) {
      vectors.put("", VectorParams.fromJson(vectorsJson, "vectors", hnsw, quantization));
    } else {
      for (Iterator<Map.Entry<String, JsonNode>> it = vectorsJson.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        vectors.put(
            e.getKey(),
            VectorParams.fromJson(e.getValue(), "vectors." + e.getKey(), hnsw, quantization));
      }
    }
    OptimizerParams optimizer =
        json.hasNonNull("optimizers_config")
            ? OptimizerParams.fromJson(json.get("optimizers_config"), "optimizers_config")
            : OptimizerParams.defaults();
    int walMb = 32;
    if (json.hasNonNull("wal_config")) {
      JsonNode wal = json.get("wal_config");
      Json.checkFields(wal, "wal_config", Set.of("wal_capacity_mb", "wal_segments_ahead"));
      walMb = (int) Json.integer(wal, "wal_config", "wal_capacity_mb", 32, 1, 1 << 20);
    }
    return new CollectionConfig(vectors, optimizer, walMb);
  }

  public static CollectionConfig fromJson(byte[] json) throws IOException {
    return fromJson(MAPPER.readTree(json));
  }

  /** The configuration as JSON that {@link #fromJson} reads back to an equal value. */
  public ObjectNode toJson() {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (vectors.size() == 1 && vectors.containsKey("")) {
      out.set("vectors", vectors.get("").toJson());
    } else {
      ObjectNode named = out.putObject("vectors");
      vectors.forEach((name, params) -> named.set(name, params.toJson()));
    }
    out.set("optimizers_config", optimizer.toJson());
    out.putObject("wal_config").put("wal_capacity_mb", walCapacityMb);
    return out;
  }

  static QuantizationConfig parseQuantization(JsonNode json, String at) {
    try {
      return QuantizationConfig.fromJson(json);
    } catch (IllegalArgumentException e) {
      String message = e.getMessage();
      // QuantizationConfig names its fields from "quantization_config"; re-anchor at our path.
      if (message != null && message.startsWith("quantization_config")) {
        message = at + message.substring("quantization_config".length());
      }
      throw new IllegalArgumentException(message, e);
    }
  }
}
