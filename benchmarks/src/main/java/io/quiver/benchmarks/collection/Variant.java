package io.quiver.benchmarks.collection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.benchmarks.data.Metric;
import io.quiver.engine.collection.CollectionConfig;
import java.util.Locale;

/**
 * How the benchmark's collections store their vectors: {@code float} (originals only) or {@code
 * int8} (Qdrant's scalar quantization, {@code quantile 0.99}, searched quantized and rescored with
 * the originals). Everything else is the engine's default configuration.
 */
enum Variant {
  FLOAT("float", null),
  INT8("int8", "{\"scalar\": {\"type\": \"int8\", \"quantile\": 0.99, \"always_ram\": true}}");

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final String label;
  private final String quantizationJson;

  Variant(String label, String quantizationJson) {
    this.label = label;
    this.quantizationJson = quantizationJson;
  }

  String label() {
    return label;
  }

  static Variant parse(String name) {
    for (Variant v : values()) {
      if (v.label.equals(name.toLowerCase(Locale.ROOT))) {
        return v;
      }
    }
    throw new IllegalArgumentException("unknown variant '" + name + "'; expected float or int8");
  }

  /** The create-collection body for vectors of {@code dim} compared by {@code metric}. */
  ObjectNode json(int dim, Metric metric) {
    ObjectNode body = MAPPER.createObjectNode();
    body.putObject("vectors")
        .put("size", dim)
        .put("distance", metric == Metric.L2 ? "Euclid" : "Dot");
    if (quantizationJson != null) {
      try {
        body.set("quantization_config", MAPPER.readTree(quantizationJson));
      } catch (java.io.IOException e) {
        throw new AssertionError(e);
      }
    }
    return body;
  }

  CollectionConfig config(int dim, Metric metric) {
    return CollectionConfig.fromJson(json(dim, metric));
  }
}
