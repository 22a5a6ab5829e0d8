package io.quiver.engine.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.store.JsonFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What an immutable segment holds, written last into its directory: a segment directory without
 * this file is incomplete and is never opened. The body is UTF-8 JSON:
 *
 * <pre>
 * {"segment_id": "32 hex", "point_count": n, "max_version": v, "built_by": "cpu",
 *  "config": {the collection config the segment was built with (vectors, hnsw, quantization)},
 *  "vectors": ["", "image", ...],            (file number i belongs to the i-th name)
 *  "payload_indexes": [{"key": "a.b", "schema": "keyword"}, ...]}
 * </pre>
 *
 * File layout (format {@value #FORMAT}, version 1): {@code FileFormat}'s header, {@code length
 * int32}, the JSON bytes, CRC footer.
 */
public record SegmentMeta(
    SegmentId id,
    int pointCount,
    long maxVersion,
    String builtBy,
    CollectionConfig config,
    List<String> vectorNames,
    List<IndexedField> payloadIndexes) {

  public static final String FORMAT = "quiver.segment";
  public static final int VERSION = 1;
  public static final String FILE = "segment.qv";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** A payload field index the segment carries: its key path and Qdrant field schema name. */
  public record IndexedField(String key, String schema) {}

  public SegmentMeta {
    vectorNames = List.copyOf(vectorNames);
    payloadIndexes = List.copyOf(payloadIndexes);
  }

  /** The file number of vector {@code name} in this segment's file names. */
  public int vectorFile(String name) {
    int i = vectorNames.indexOf(name);
    if (i < 0) {
      throw new IllegalArgumentException("segment " + id + " has no vector '" + name + "'");
    }
    return i;
  }

  void write(Path dir) throws IOException {
    ObjectNode json = MAPPER.createObjectNode();
    json.put("segment_id", id.toString())
        .put("point_count", pointCount)
        .put("max_version", maxVersion)
        .put("built_by", builtBy);
    json.set("config", config.toJson());
    ArrayNode names = json.putArray("vectors");
    vectorNames.forEach(names::add);
    ArrayNode indexes = json.putArray("payload_indexes");
    for (IndexedField f : payloadIndexes) {
      indexes.addObject().put("key", f.key()).put("schema", f.schema());
    }
    byte[] bytes = MAPPER.writeValueAsBytes(json);
    JsonFile.write(dir.resolve(FILE), FORMAT, VERSION, id.bytes(), bytes);
  }

  public static SegmentMeta read(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    JsonFile.Contents contents = JsonFile.read(file, FORMAT, VERSION);
    byte[] bytes = contents.json();
    try {
      JsonNode json = MAPPER.readTree(new String(bytes, StandardCharsets.UTF_8));
      SegmentId id = SegmentId.parse(json.get("segment_id").asText());
      if (!java.util.Arrays.equals(id.bytes(), contents.header().segmentId)) {
        throw new CorruptFileException(file, "segment id in the body does not match the header");
      }
      List<String> names = new ArrayList<>();
      json.get("vectors").forEach(n -> names.add(n.asText()));
      List<IndexedField> indexes = new ArrayList<>();
      json.get("payload_indexes")
          .forEach(
              n -> indexes.add(new IndexedField(n.get("key").asText(), n.get("schema").asText())));
      return new SegmentMeta(
          id,
          json.get("point_count").asInt(),
          json.get("max_version").asLong(),
          json.get("built_by").asText(),
          CollectionConfig.fromJson(json.get("config")),
          names,
          indexes);
    } catch (RuntimeException e) {
      throw new CorruptFileException(file, "segment meta is not valid: " + e.getMessage());
    }
  }
}
