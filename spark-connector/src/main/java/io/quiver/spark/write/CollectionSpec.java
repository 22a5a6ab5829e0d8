package io.quiver.spark.write;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.segment.SegmentMeta;
import io.quiver.engine.vector.VectorSimilarity;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The collection config a write builds with, possibly still missing vector sizes that the tasks
 * learn from their first row. It is Qdrant's create-collection JSON, so what the manifest records
 * is what a Qdrant client would send; the manifest adds {@code payload_schema} (field key to index
 * schema) beside it.
 */
final class CollectionSpec implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final ObjectMapper MAPPER = new ObjectMapper();
  static final String PAYLOAD_SCHEMA = "payload_schema";

  /** The create-collection JSON; vector sizes are 0 where unknown. */
  private final String json;

  private final List<String> vectorNames;
  private final Map<String, Integer> knownDimensions;
  private final Map<String, String> payloadIndexes;

  private CollectionSpec(
      ObjectNode json,
      List<String> vectorNames,
      Map<String, Integer> knownDimensions,
      Map<String, String> payloadIndexes) {
    this.json = json.toString();
    this.vectorNames = List.copyOf(vectorNames);
    this.knownDimensions = Collections.unmodifiableMap(new LinkedHashMap<>(knownDimensions));
    this.payloadIndexes = Collections.unmodifiableMap(new TreeMap<>(payloadIndexes));
  }

  /** The spec of a new collection (a first write, or an overwrite) from the write's options. */
  static CollectionSpec fromOptions(WriteOptions o) {
    List<String> names = new ArrayList<>(o.vectorColumns.keySet());
    Map<String, Integer> dims = new LinkedHashMap<>(o.dimensions);
    ObjectNode body;
    if (o.configJson != null) {
      if (o.distance != null
          || o.m != null
          || o.efConstruct != null
          || o.fullScanThresholdKb != null
          || o.quantization != null) {
        throw new IllegalArgumentException(
            "option 'config' gives the whole collection config; leave out distance, m,"
                + " ef_construct, full_scan_threshold and quantization");
      }
      body = parseObject(o.configJson, "config");
      CollectionConfig config;
      try {
        config = CollectionConfig.fromJson(body);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("option 'config': " + e.getMessage(), e);
      }
      checkNames(config, names, "option 'config'");
      for (Map.Entry<String, VectorParams> e : config.vectors().entrySet()) {
        Integer given = dims.get(e.getKey());
        if (given != null && given != e.getValue().size()) {
          throw new IllegalArgumentException(
              describe(e.getKey())
                  + " has size "
                  + e.getValue().size()
                  + " in option 'config' but "
                  + given
                  + " in option 'dimension(s)'");
        }
        dims.put(e.getKey(), e.getValue().size());
      }
      body = config.toJson();
    } else {
      body = MAPPER.createObjectNode();
      String distance = o.distance == null ? "Cosine" : o.distance;
      ObjectNode vectors = body.putObject("vectors");
      if (names.equals(List.of(""))) {
        vectors.put("size", dims.getOrDefault("", 0)).put("distance", distance);
      } else {
        for (String name : names) {
          vectors.putObject(name).put("size", dims.getOrDefault(name, 0)).put("distance", distance);
        }
      }
      if (o.m != null || o.efConstruct != null || o.fullScanThresholdKb != null) {
        ObjectNode hnsw = body.putObject("hnsw_config");
        if (o.m != null) {
          hnsw.put("m", o.m);
        }
        if (o.efConstruct != null) {
          hnsw.put("ef_construct", o.efConstruct);
        }
        if (o.fullScanThresholdKb != null) {
          hnsw.put("full_scan_threshold", o.fullScanThresholdKb);
        }
      }
      if (o.quantization != null) {
        JsonNode q = quantization(o.quantization);
        if (q != null) {
          body.set("quantization_config", q);
        }
      }
    }
    CollectionSpec spec = new CollectionSpec(body, names, dims, o.payloadIndexes);
    spec.validate();
    return spec;
  }

  /**
   * The spec of an append: the current version's config. The DataFrame's vectors must be the
   * collection's; options that shape the config may be given (a job that always passes the same
   * options can append again) but must agree with it: an append never changes the config.
   */
  static CollectionSpec fromManifest(ObjectNode manifestConfig, WriteOptions o) {
    ObjectNode body = manifestConfig.deepCopy();
    JsonNode schema = body.remove(PAYLOAD_SCHEMA);
    CollectionConfig config = CollectionConfig.fromJson(body);
    List<String> names = new ArrayList<>(o.vectorColumns.keySet());
    checkNames(config, names, "the collection");
    Map<String, Integer> dims = new LinkedHashMap<>();
    for (Map.Entry<String, VectorParams> e : config.vectors().entrySet()) {
      Integer given = o.dimensions.get(e.getKey());
      if (given != null && given != e.getValue().size()) {
        throw new IllegalArgumentException(
            describe(e.getKey())
                + " has size "
                + e.getValue().size()
                + " in the collection; option 'dimension(s)' says "
                + given);
      }
      dims.put(e.getKey(), e.getValue().size());
    }
    Map<String, String> indexes = new LinkedHashMap<>();
    if (schema != null && schema.isObject()) {
      schema.fields().forEachRemaining(f -> indexes.put(f.getKey(), f.getValue().asText()));
    }
    checkAgrees(config, indexes, o);
    return new CollectionSpec(config.toJson(), names, dims, indexes);
  }

  /** Refuses the options of an append that would change the collection's config. */
  private static void checkAgrees(
      CollectionConfig config, Map<String, String> indexes, WriteOptions o) {
    for (Map.Entry<String, VectorParams> e : config.vectors().entrySet()) {
      VectorParams v = e.getValue();
      String what = describe(e.getKey());
      if (o.distance != null) {
        agree(
            "distance",
            what,
            v.distance().apiName(),
            VectorSimilarity.fromName(o.distance).apiName());
      }
      if (o.m != null) {
        agree("m", what, v.hnsw().m(), o.m);
      }
      if (o.efConstruct != null) {
        agree("ef_construct", what, v.hnsw().efConstruct(), o.efConstruct);
      }
      if (o.fullScanThresholdKb != null) {
        agree(
            "full_scan_threshold",
            what,
            v.hnsw().fullScanThresholdKb(),
            (long) o.fullScanThresholdKb);
      }
      if (o.quantization != null) {
        JsonNode q = quantization(o.quantization);
        ObjectNode probe = MAPPER.createObjectNode();
        probe.putObject("vectors").put("size", 16).put("distance", "Dot");
        if (q != null) {
          probe.set("quantization_config", q);
        }
        Object given = CollectionConfig.fromJson(probe).vectors().get("").quantization();
        agree("quantization", what, v.quantization(), given);
      }
    }
    if (o.configJson != null) {
      CollectionConfig given = CollectionConfig.fromJson(parseObject(o.configJson, "config"));
      agree("config", "the collection", config.toJson(), given.toJson());
    }
    if (!o.payloadIndexes.isEmpty()) {
      agree(
          "payload_indexes",
          "the collection",
          new TreeMap<>(indexes),
          new TreeMap<>(o.payloadIndexes));
    }
  }

  private static void agree(String option, String what, Object current, Object given) {
    if (!java.util.Objects.equals(current, given)) {
      throw new IllegalArgumentException(
          "option '"
              + option
              + "' is "
              + given
              + ", but "
              + what
              + " has "
              + current
              + "; an append keeps the collection's config (write with mode overwrite to change"
              + " it)");
    }
  }

  private static void checkNames(CollectionConfig config, List<String> names, String where) {
    if (!config.vectors().keySet().equals(new java.util.HashSet<>(names))) {
      throw new IllegalArgumentException(
          where
              + " has vectors "
              + quoted(config.vectors().keySet())
              + " but the write's vector columns are for "
              + quoted(names)
              + " (options 'vector' / 'vectors')");
    }
  }

  private static String quoted(java.util.Collection<String> names) {
    List<String> out = new ArrayList<>();
    names.forEach(n -> out.add("'" + n + "'"));
    return out.toString();
  }

  static String describe(String vectorName) {
    return vectorName.isEmpty() ? "the unnamed vector" : "vector '" + vectorName + "'";
  }

  /** Checks everything but the unknown sizes now, on the driver, rather than in every task. */
  private void validate() {
    Map<String, Integer> placeholder = new LinkedHashMap<>();
    for (String name : vectorNames) {
      placeholder.put(name, knownDimensions.getOrDefault(name, 16));
    }
    resolve(placeholder);
    for (Map.Entry<String, String> e : payloadIndexes.entrySet()) {
      try {
        io.quiver.engine.payload.JsonPath.parse(e.getKey());
        io.quiver.engine.payload.FieldIndexKind.fromSchema(e.getValue());
      } catch (IllegalArgumentException bad) {
        throw new IllegalArgumentException(
            "option 'payload_indexes', key '" + e.getKey() + "': " + bad.getMessage(), bad);
      }
    }
  }

  static JsonNode quantization(String value) {
    String v = value.trim();
    if (v.startsWith("{")) {
      return parseObject(v, "quantization");
    }
    String lower = v.toLowerCase(Locale.ROOT);
    String kind = lower.contains(":") ? lower.substring(0, lower.indexOf(':')) : lower;
    String arg = lower.contains(":") ? lower.substring(lower.indexOf(':') + 1) : null;
    ObjectNode out = MAPPER.createObjectNode();
    switch (kind) {
      case "none":
        return null;
      case "int8", "scalar":
        out.putObject("scalar").put("type", "int8");
        return out;
      case "binary":
        out.putObject("binary").put("encoding", arg == null ? "one_bit" : arg);
        return out;
      case "product", "pq":
        out.putObject("product").put("compression", arg == null ? "x16" : arg);
        return out;
      case "rotational":
        try {
          out.putObject("rotational").put("bits", arg == null ? 1 : Integer.parseInt(arg));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "option 'quantization': rotational takes a bit count, e.g. rotational:2; got '"
                  + value
                  + "'");
        }
        return out;
      default:
        throw new IllegalArgumentException(
            "option 'quantization' must be none, int8, binary, binary:two_bits, product:x16,"
                + " rotational:2 or a quantization_config JSON object; got '"
                + value
                + "'");
    }
  }

  private static ObjectNode parseObject(String text, String option) {
    try {
      JsonNode node = MAPPER.readTree(text);
      if (node == null || !node.isObject()) {
        throw new IllegalArgumentException(
            "option '" + option + "' must be a JSON object; got '" + text + "'");
      }
      return (ObjectNode) node;
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "option '" + option + "' is not valid JSON (" + e.getOriginalMessage() + "): " + text);
    }
  }

  List<String> vectorNames() {
    return vectorNames;
  }

  /** The sizes known before any row is read (from options or the current version). */
  Map<String, Integer> knownDimensions() {
    return knownDimensions;
  }

  List<SegmentMeta.IndexedField> payloadIndexes() {
    List<SegmentMeta.IndexedField> out = new ArrayList<>();
    payloadIndexes.forEach((k, v) -> out.add(new SegmentMeta.IndexedField(k, v)));
    return out;
  }

  /** The config with every vector sized; {@code dimensions} must size every vector. */
  CollectionConfig resolve(Map<String, Integer> dimensions) {
    ObjectNode body;
    try {
      body = (ObjectNode) MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    ObjectNode vectors = (ObjectNode) body.get("vectors");
    for (String name : vectorNames) {
      Integer size = dimensions.get(name);
      if (size == null) {
        throw new IllegalStateException("no size for " + describe(name));
      }
      ObjectNode v = name.isEmpty() ? vectors : (ObjectNode) vectors.get(name);
      v.put("size", size);
    }
    try {
      return CollectionConfig.fromJson(body);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("collection config: " + e.getMessage(), e);
    }
  }

  /** What the manifest records: the config plus {@code payload_schema}. */
  ObjectNode manifestConfig(CollectionConfig config) {
    ObjectNode out = config.toJson();
    ObjectNode schema = out.putObject(PAYLOAD_SCHEMA);
    payloadIndexes.forEach(schema::put);
    return out;
  }
}
