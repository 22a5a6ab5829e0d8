package io.quiver.serving.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Qdrant's {@code with_vector}: none, all, or some named vectors ({@code ["image"]}); and how a
 * point's vectors are written back: a list for the unnamed vector, an object of named ones.
 */
record VectorSelector(boolean any, List<String> names) {

  static final VectorSelector ALL = new VectorSelector(true, null);
  static final VectorSelector NONE = new VectorSelector(false, null);

  static VectorSelector fromJson(JsonNode json, String field, VectorSelector fallback) {
    if (json == null || json.isNull()) {
      return fallback;
    }
    if (json.isBoolean()) {
      return json.booleanValue() ? ALL : NONE;
    }
    if (json.isArray()) {
      List<String> names = new ArrayList<>();
      for (int i = 0; i < json.size(); i++) {
        JsonNode name = json.get(i);
        if (!name.isTextual()) {
          throw new IllegalArgumentException(
              field + "[" + i + "] must be a vector name; got " + JsonFields.abbreviate(name));
        }
        names.add(name.textValue());
      }
      return new VectorSelector(!names.isEmpty(), List.copyOf(names));
    }
    throw new IllegalArgumentException(
        field
            + " must be true, false or a list of vector names; got "
            + JsonFields.abbreviate(json));
  }

  /** Whether any vector is read at all. */
  boolean wanted() {
    return any;
  }

  /** The selected vectors as Qdrant writes them; null when none were asked for. */
  JsonNode render(Map<String, float[]> vectors) {
    if (!any || vectors == null) {
      return null;
    }
    if (vectors.size() == 1 && vectors.containsKey("")) {
      return names == null || names.contains("") ? array(vectors.get("")) : null;
    }
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, float[]> e : vectors.entrySet()) {
      if (names == null || names.contains(e.getKey())) {
        out.set(e.getKey(), array(e.getValue()));
      }
    }
    return out;
  }

  private static ArrayNode array(float[] vector) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode(vector.length);
    for (float v : vector) {
      out.add(v);
    }
    return out;
  }
}
