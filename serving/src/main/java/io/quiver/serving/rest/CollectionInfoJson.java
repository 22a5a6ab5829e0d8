package io.quiver.serving.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.cluster.CollectionInfo;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.quant.QuantizationConfig;
import io.quiver.engine.segment.SegmentMeta;
import java.util.Objects;
import java.util.function.ToLongFunction;

/**
 * A collection's description in Qdrant's {@code CollectionInfo} shape: status, counts, {@code
 * config {params, hnsw_config, optimizer_config, wal_config, quantization_config}} and {@code
 * payload_schema}. Quiver keeps HNSW and quantization settings per vector; the collection-level
 * fields show the first vector's graph settings and the quantization every vector shares (null when
 * they differ), and each vector's own are under {@code params.vectors}.
 */
final class CollectionInfoJson {
  private CollectionInfoJson() {}

  /**
   * @param indexedPoints counts the points holding a value for an indexed key (the {@code points}
   *     of each {@code payload_schema} entry)
   */
  static ObjectNode of(CollectionInfo info, ToLongFunction<String> indexedPoints) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    CollectionConfig config = info.config();
    ObjectNode engine = config.toJson();
    out.put("status", info.status());
    out.put("optimizer_status", "ok");
    out.put("indexed_vectors_count", info.indexedVectorsCount());
    out.put("points_count", info.pointsCount());
    out.put("segments_count", info.segmentsCount());

    ObjectNode configJson = out.putObject("config");
    ObjectNode params = configJson.putObject("params");
    params.set("vectors", engine.get("vectors"));
    params.setAll(info.settings().toJson());
    VectorParams first = config.vectors().values().iterator().next();
    configJson.set("hnsw_config", first.hnsw().toJson());
    configJson.set("optimizer_config", engine.get("optimizers_config"));
    ObjectNode wal = ((ObjectNode) engine.get("wal_config")).deepCopy();
    wal.put("wal_segments_ahead", 0);
    configJson.set("wal_config", wal);
    configJson.set("quantization_config", sharedQuantization(config));

    ObjectNode schema = out.putObject("payload_schema");
    for (SegmentMeta.IndexedField field : info.payloadSchema()) {
      schema
          .putObject(field.key())
          .put("data_type", field.schema())
          .put("points", indexedPoints.applyAsLong(field.key()));
    }
    return out;
  }

  private static JsonNode sharedQuantization(CollectionConfig config) {
    QuantizationConfig shared = config.vectors().values().iterator().next().quantization();
    for (VectorParams vector : config.vectors().values()) {
      if (!Objects.equals(vector.quantization(), shared)) {
        return null;
      }
    }
    return shared == null ? null : shared.toJson();
  }
}
