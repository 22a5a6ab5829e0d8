package io.quiver.serving.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Qdrant's {@code with_payload}: all, none, only some top-level keys ({@code include}) or all but
 * some ({@code exclude}). Keys may be dotted paths to nested fields ({@code "a.b"}).
 */
public record PayloadSelector(boolean any, List<String> include, List<String> exclude) {

  public static final PayloadSelector ALL = new PayloadSelector(true, null, null);
  public static final PayloadSelector NONE = new PayloadSelector(false, null, null);

  public static PayloadSelector include(List<String> keys) {
    return new PayloadSelector(true, List.copyOf(keys), null);
  }

  public static PayloadSelector exclude(List<String> keys) {
    return new PayloadSelector(true, null, List.copyOf(keys));
  }

  /**
   * REST's forms: {@code true}/{@code false}, a list of keys, {@code {"include": [...]}} or {@code
   * {"exclude": [...]}}; null means {@code fallback}.
   */
  public static PayloadSelector fromJson(JsonNode json, String field, PayloadSelector fallback) {
    if (json == null || json.isNull()) {
      return fallback;
    }
    if (json.isBoolean()) {
      return json.booleanValue() ? ALL : NONE;
    }
    if (json.isArray()) {
      return include(strings(json, field));
    }
    if (json.isObject() && json.size() == 1 && json.has("include")) {
      return include(strings(json.get("include"), field + ".include"));
    }
    if (json.isObject() && json.size() == 1 && json.has("exclude")) {
      return exclude(strings(json.get("exclude"), field + ".exclude"));
    }
    throw new IllegalArgumentException(
        field
            + ": expected true, false, a list of keys, {\"include\": [...]} or {\"exclude\":"
            + " [...]}; got "
            + json);
  }

  private static List<String> strings(JsonNode json, String field) {
    if (json.isTextual()) {
      return List.of(json.asText());
    }
    if (!json.isArray()) {
      throw new IllegalArgumentException(field + ": expected a list of keys; got " + json);
    }
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    for (JsonNode k : json) {
      if (!k.isTextual()) {
        throw new IllegalArgumentException(field + ": keys must be strings; got " + k);
      }
      out.add(k.asText());
    }
    return out;
  }

  /** Whether any payload is read at all. */
  public boolean wanted() {
    return any;
  }

  /** The selected part of {@code payload} (a copy when anything is removed). */
  public ObjectNode apply(ObjectNode payload) {
    if (include != null) {
      ObjectNode out = payload.objectNode();
      for (String key : include) {
        copyPath(payload, out, key.split("\\."), 0);
      }
      return out;
    }
    if (exclude != null) {
      ObjectNode out = payload.deepCopy();
      for (String key : exclude) {
        removePath(out, key.split("\\."), 0);
      }
      return out;
    }
    return payload;
  }

  private static void copyPath(ObjectNode from, ObjectNode to, String[] path, int i) {
    JsonNode v = from.get(path[i]);
    if (v == null) {
      return;
    }
    if (i == path.length - 1) {
      to.set(path[i], v.deepCopy());
    } else if (v.isObject()) {
      JsonNode existing = to.get(path[i]);
      ObjectNode child = existing instanceof ObjectNode o ? o : to.putObject(path[i]);
      copyPath((ObjectNode) v, child, path, i + 1);
    }
  }

  private static void removePath(ObjectNode node, String[] path, int i) {
    if (i == path.length - 1) {
      node.remove(path[i]);
    } else if (node.get(path[i]) instanceof ObjectNode child) {
      removePath(child, path, i + 1);
    }
  }
}
