package io.quiver.serving.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.cluster.CollectionSettings;
import io.quiver.engine.collection.CollectionConfig;
import java.util.Set;

/**
 * Qdrant's create-collection body (REST JSON; gRPC's {@code CreateCollection} is converted to the
 * same shape first) split into the engine's {@link CollectionConfig} and the service's {@link
 * CollectionSettings}. What Quiver does not implement is refused by name rather than ignored.
 */
public record CreateCollection(CollectionConfig config, CollectionSettings settings) {

  private static final Set<String> SETTINGS =
      Set.of("shard_number", "replication_factor", "write_consistency_factor", "on_disk_payload");

  public static CreateCollection fromJson(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException("the create-collection body must be a JSON object");
    }
    ObjectNode engine = ((ObjectNode) body).deepCopy();
    CollectionSettings settings = CollectionSettings.fromJson(body, CollectionSettings.DEFAULT);
    SETTINGS.forEach(engine::remove);
    JsonNode sharding = engine.remove("sharding_method");
    if (sharding != null && !sharding.isNull() && !sharding.asText().equalsIgnoreCase("auto")) {
      throw new IllegalArgumentException(
          "sharding_method: only \"auto\" is supported by Quiver; got " + sharding);
    }
    JsonNode sparse = engine.remove("sparse_vectors");
    if (sparse != null && !sparse.isNull() && !sparse.isEmpty()) {
      throw new IllegalArgumentException(
          "sparse_vectors: sparse vectors are not supported by Quiver");
    }
    JsonNode initFrom = engine.remove("init_from");
    if (initFrom != null && !initFrom.isNull()) {
      throw new IllegalArgumentException(
          "init_from: not supported by Quiver; recover a snapshot instead");
    }
    JsonNode strict = engine.remove("strict_mode_config");
    if (strict != null && !strict.isNull() && !strict.isEmpty()) {
      throw new IllegalArgumentException(
          "strict_mode_config: per-collection strict mode is not supported; the node's"
              + " strict_mode settings apply");
    }
    engine.remove("metadata");
    return new CreateCollection(CollectionConfig.fromJson(engine), settings);
  }
}
