package io.quiver.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.collection.CollectionConfig;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Qdrant's update-collection body applied to a collection's configuration: {@code
 * optimizers_config} and {@code hnsw_config} are merged field by field (the latter into every
 * vector), {@code quantization_config} replaces every vector's ({@code "Disabled"} removes it),
 * {@code vectors.<name>} does the same for one vector and sets its {@code on_disk} (which segments
 * built from then on follow), and {@code params} updates the settings. Sizes and distances cannot
 * change.
 */
public final class ConfigPatch {

  private static final Set<String> FIELDS =
      Set.of("optimizers_config", "hnsw_config", "quantization_config", "vectors", "params");

  private ConfigPatch() {}

  public record Result(CollectionConfig config, CollectionSettings settings) {}

  public static Result apply(CollectionConfig config, CollectionSettings settings, JsonNode patch) {
    if (patch == null || !patch.isObject()) {
      throw new IllegalArgumentException("update body must be a JSON object; got " + patch);
    }
    for (Iterator<String> it = patch.fieldNames(); it.hasNext(); ) {
      String field = it.next();
      if (!FIELDS.contains(field)) {
        throw new IllegalArgumentException(
            "unknown field '" + field + "' in the collection update; known: " + FIELDS);
      }
    }
    ObjectNode json = config.toJson();
    ObjectNode vectors = (ObjectNode) json.get("vectors");
    boolean unnamed = vectors.has("size");
    if (patch.hasNonNull("optimizers_config")) {
      merge((ObjectNode) json.get("optimizers_config"), patch.get("optimizers_config"));
    }
    if (patch.hasNonNull("hnsw_config")) {
      forEachVector(vectors, unnamed, v -> merge(hnsw(v), patch.get("hnsw_config")));
    }
    if (patch.has("quantization_config")) {
      forEachVector(vectors, unnamed, v -> quantization(v, patch.get("quantization_config")));
    }
    if (patch.hasNonNull("vectors")) {
      JsonNode perVector = patch.get("vectors");
      if (!perVector.isObject()) {
        throw new IllegalArgumentException("vectors must be an object; got " + perVector);
      }
      for (Iterator<Map.Entry<String, JsonNode>> it = perVector.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        ObjectNode target = unnamed && e.getKey().isEmpty() ? vectors : vector(vectors, e.getKey());
        JsonNode change = e.getValue();
        for (Iterator<String> f = change.fieldNames(); f.hasNext(); ) {
          String field = f.next();
          if (!Set.of("hnsw_config", "quantization_config", "on_disk").contains(field)) {
            throw new IllegalArgumentException(
                "vectors." + e.getKey() + "." + field + " cannot be updated");
          }
        }
        if (change.hasNonNull("hnsw_config")) {
          merge(hnsw(target), change.get("hnsw_config"));
        }
        if (change.has("quantization_config")) {
          quantization(target, change.get("quantization_config"));
        }
        if (change.has("on_disk")) {
          target.set("on_disk", change.get("on_disk"));
        }
      }
    }
    CollectionSettings newSettings =
        patch.hasNonNull("params")
            ? CollectionSettings.fromJson(patch.get("params"), settings)
            : settings;
    return new Result(CollectionConfig.fromJson(json), newSettings);
  }

  private static ObjectNode vector(ObjectNode vectors, String name) {
    JsonNode v = vectors.get(name);
    if (v == null || !v.isObject() || vectors.has("size")) {
      throw new IllegalArgumentException("vectors." + name + ": no such vector in this collection");
    }
    return (ObjectNode) v;
  }

  private static void forEachVector(
      ObjectNode vectors, boolean unnamed, java.util.function.Consumer<ObjectNode> action) {
    if (unnamed) {
      action.accept(vectors);
    } else {
      vectors.forEach(v -> action.accept((ObjectNode) v));
    }
  }

  private static ObjectNode hnsw(ObjectNode vector) {
    JsonNode h = vector.get("hnsw_config");
    return h instanceof ObjectNode o ? o : vector.putObject("hnsw_config");
  }

  private static void quantization(ObjectNode vector, JsonNode value) {
    if (value == null
        || value.isNull()
        || (value.isTextual() && value.asText().equals("Disabled"))) {
      vector.remove("quantization_config");
    } else {
      vector.set("quantization_config", value.deepCopy());
    }
  }

  private static void merge(ObjectNode target, JsonNode change) {
    if (!change.isObject()) {
      throw new IllegalArgumentException("expected an object; got " + change);
    }
    change.fields().forEachRemaining(e -> target.set(e.getKey(), e.getValue().deepCopy()));
  }
}
