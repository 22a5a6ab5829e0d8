package io.quiver.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The parts of Qdrant's collection parameters that concern distribution and storage rather than one
 * shard's engine: they live with the collection service, not in the engine's {@code
 * CollectionConfig}. A single node keeps one local shard whatever {@code shardNumber} says; the
 * value is kept and reported so that a cluster can honour it.
 */
public record CollectionSettings(
    int shardNumber, int replicationFactor, int writeConsistencyFactor, boolean onDiskPayload) {

  public static final CollectionSettings DEFAULT = new CollectionSettings(1, 1, 1, true);

  public CollectionSettings {
    positive(shardNumber, "shard_number");
    positive(replicationFactor, "replication_factor");
    positive(writeConsistencyFactor, "write_consistency_factor");
  }

  private static void positive(int value, String field) {
    if (value < 1 || value > 1024) {
      throw new IllegalArgumentException(field + " must be in [1, 1024]; got " + value);
    }
  }

  /**
   * Reads the fields of {@code json} (a create body or a {@code params} patch) over {@code base}.
   */
  public static CollectionSettings fromJson(JsonNode json, CollectionSettings base) {
    return new CollectionSettings(
        integer(json, "shard_number", base.shardNumber),
        integer(json, "replication_factor", base.replicationFactor),
        integer(json, "write_consistency_factor", base.writeConsistencyFactor),
        bool(json, "on_disk_payload", base.onDiskPayload));
  }

  private static int integer(JsonNode json, String field, int fallback) {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException(field + " must be an integer; got " + v);
    }
    return v.intValue();
  }

  private static boolean bool(JsonNode json, String field, boolean fallback) {
    JsonNode v = json.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(field + " must be true or false; got " + v);
    }
    return v.booleanValue();
  }

  public ObjectNode toJson() {
    return JsonNodeFactory.instance
        .objectNode()
        .put("shard_number", shardNumber)
        .put("replication_factor", replicationFactor)
        .put("write_consistency_factor", writeConsistencyFactor)
        .put("on_disk_payload", onDiskPayload);
  }
}
