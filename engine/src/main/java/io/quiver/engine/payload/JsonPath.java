package io.quiver.engine.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A key path into a payload, in Qdrant's syntax: {@code country.cities[].population}, {@code
 * tags[0]}, {@code "key.with.dots".x}. The first item is a key; then {@code .key}, {@code ."quoted
 * key"}, {@code [N]} (one element) or {@code []} (every element). Unquoted keys are letters,
 * digits, {@code _} and {@code -}; quoted keys may hold anything but {@code "} and {@code \}.
 *
 * <p>A key step into anything but an object, and an index step into anything but an array, yields
 * nothing, as in Qdrant: {@code a.b} does not look inside an array at {@code a}; write {@code
 * a[].b}.
 */
public final class JsonPath {

  private static final byte KEY = 0;
  private static final byte INDEX = 1;
  private static final byte WILDCARD = 2;

  private final byte[] kinds;
  private final String[] keys;
  private final int[] indexes;
  private final String text;

  private JsonPath(byte[] kinds, String[] keys, int[] indexes) {
    this.kinds = kinds;
    this.keys = keys;
    this.indexes = indexes;
    this.text = render();
  }

  /** Parses {@code path}; a malformed path is an {@link IllegalArgumentException} naming it. */
  public static JsonPath parse(String path) {
    if (path == null) {
      throw new IllegalArgumentException("payload key must be a string; got null");
    }
    List<Object> items = new ArrayList<>();
    int pos = readKey(path, 0, items);
    while (pos < path.length()) {
      char c = path.charAt(pos);
      if (c == '.') {
        pos = readKey(path, pos + 1, items);
      } else if (c == '[') {
        int close = path.indexOf(']', pos);
        if (close < 0) {
          throw malformed(path, pos, "'[' is not closed");
        }
        if (close == pos + 1) {
          items.add(Byte.valueOf(WILDCARD));
        } else {
          items.add(Integer.valueOf(readIndex(path, pos + 1, close)));
        }
        pos = close + 1;
      } else {
        throw malformed(path, pos, "expected '.', '[' or the end, found '" + c + "'");
      }
    }
    byte[] kinds = new byte[items.size()];
    String[] keys = new String[items.size()];
    int[] indexes = new int[items.size()];
    for (int i = 0; i < items.size(); i++) {
      Object item = items.get(i);
      if (item instanceof String s) {
        kinds[i] = KEY;
        keys[i] = s;
      } else if (item instanceof Integer n) {
        kinds[i] = INDEX;
        indexes[i] = n;
      } else {
        kinds[i] = WILDCARD;
      }
    }
    return new JsonPath(kinds, keys, indexes);
  }

  private static int readKey(String path, int pos, List<Object> items) {
    if (pos < path.length() && path.charAt(pos) == '"') {
      int close = pos + 1;
      while (close < path.length() && path.charAt(close) != '"') {
        if (path.charAt(close) == '\\') {
          throw malformed(path, close, "a quoted key may not contain '\\'");
        }
        close++;
      }
      if (close == path.length()) {
        throw malformed(path, pos, "quoted key is not closed");
      }
      items.add(path.substring(pos + 1, close));
      return close + 1;
    }
    int end = pos;
    while (end < path.length() && isKeyChar(path.charAt(end))) {
      end++;
    }
    if (end == pos) {
      throw malformed(path, pos, "expected a key");
    }
    items.add(path.substring(pos, end));
    return end;
  }

  private static int readIndex(String path, int from, int to) {
    long value = 0;
    for (int i = from; i < to; i++) {
      char c = path.charAt(i);
      if (c < '0' || c > '9') {
        throw malformed(path, i, "an array index must be digits or empty, found '" + c + "'");
      }
      value = value * 10 + (c - '0');
      if (value > Integer.MAX_VALUE) {
        throw malformed(path, from, "array index is too large");
      }
    }
    return (int) value;
  }

  private static boolean isKeyChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_' || c == '-';
  }

  private static IllegalArgumentException malformed(String path, int pos, String problem) {
    return new IllegalArgumentException(
        "payload key '" + path + "' is malformed at character " + pos + ": " + problem);
  }

  /**
   * The values at this path, as Qdrant sees them for a condition: an array at the end of the path
   * is one value; {@code null} values are included; a missing path adds nothing.
   */
  public void rawValues(ObjectNode payload, List<JsonNode> out) {
    collect(0, payload, out);
  }

  public List<JsonNode> rawValues(ObjectNode payload) {
    List<JsonNode> out = new ArrayList<>(2);
    collect(0, payload, out);
    return out;
  }

  /**
   * The values at this path with an array at the end flattened one level, as an index sees them:
   * {@code {"tags":["x","y"]}} has values x and y at {@code tags}. Nulls are included.
   */
  public List<JsonNode> values(ObjectNode payload) {
    List<JsonNode> raw = rawValues(payload);
    List<JsonNode> out = new ArrayList<>(raw.size());
    for (JsonNode value : raw) {
      if (value.isArray()) {
        value.forEach(out::add);
      } else {
        out.add(value);
      }
    }
    return out;
  }

  private void collect(int item, JsonNode node, List<JsonNode> out) {
    if (node == null || node.isMissingNode()) {
      return;
    }
    if (item == kinds.length) {
      out.add(node);
      return;
    }
    switch (kinds[item]) {
      case KEY -> {
        if (node.isObject()) {
          collect(item + 1, node.get(keys[item]), out);
        }
      }
      case INDEX -> {
        if (node.isArray()) {
          collect(item + 1, node.get(indexes[item]), out);
        }
      }
      default -> {
        if (node.isArray()) {
          for (JsonNode element : node) {
            collect(item + 1, element, out);
          }
        }
      }
    }
  }

  /** This path with {@code []} appended unless it already ends so (Qdrant's nested array key). */
  public JsonPath arrayKey() {
    if (kinds[kinds.length - 1] == WILDCARD) {
      return this;
    }
    int n = kinds.length;
    byte[] k = Arrays.copyOf(kinds, n + 1);
    k[n] = WILDCARD;
    return new JsonPath(k, Arrays.copyOf(keys, n + 1), Arrays.copyOf(indexes, n + 1));
  }

  private String render() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < kinds.length; i++) {
      switch (kinds[i]) {
        case KEY -> {
          if (i > 0) {
            sb.append('.');
          }
          String key = keys[i];
          boolean plain = !key.isEmpty() && key.chars().allMatch(c -> isKeyChar((char) c));
          if (plain) {
            sb.append(key);
          } else {
            sb.append('"').append(key).append('"');
          }
        }
        case INDEX -> sb.append('[').append(indexes[i]).append(']');
        default -> sb.append("[]");
      }
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof JsonPath p && p.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  /** The canonical text of the path; {@link #parse} reads it back to an equal path. */
  @Override
  public String toString() {
    return text;
  }
}
