package io.quiver.engine.shard;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** The payload changes of Qdrant's payload operations, on copies (payloads are never shared). */
final class Payloads {

  private Payloads() {}

  /**
   * Qdrant's set-payload: {@code changes}' keys merged into the object at {@code key} (or root).
   */
  static ObjectNode set(ObjectNode old, ObjectNode changes, String key) {
    ObjectNode out = old.deepCopy();
    ObjectNode target = out;
    if (key != null) {
      for (String part : key.split("\\.")) {
        JsonNode child = target.get(part);
        target = child instanceof ObjectNode o ? o : target.putObject(part);
      }
    }
    target.setAll(changes.deepCopy());
    return out;
  }

  /** Qdrant's delete-payload: removes each dotted key path that exists. */
  static ObjectNode delete(ObjectNode old, List<String> keys) {
    ObjectNode out = old.deepCopy();
    for (String key : keys) {
      String[] parts = key.split("\\.");
      JsonNode node = out;
      for (int i = 0; i < parts.length - 1 && node instanceof ObjectNode; i++) {
        node = node.get(parts[i]);
      }
      if (node instanceof ObjectNode o) {
        o.remove(parts[parts.length - 1]);
      }
    }
    return out;
  }

  /** Checks a key path of a payload operation; the message names the field and the value. */
  static void checkKey(String key, String field) {
    if (key == null
        || key.isEmpty()
        || key.startsWith(".")
        || key.endsWith(".")
        || key.contains("..")) {
      throw new IllegalArgumentException(field + " must be a dotted key path; got '" + key + "'");
    }
  }
}
