package io.quiver.flink;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.qdrant.client.grpc.JsonWithInt;
import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Payloads as Qdrant's {@code Value} messages, from a Java map or from JSON text. Integers stay
 * integers ({@code integer_value}), other numbers become doubles; a value that JSON cannot hold
 * (NaN, infinities, a number beyond 64 bits, an unknown type) is refused naming its path in the
 * payload.
 */
final class PayloadValues {

  private static final ObjectMapper JSON = new ObjectMapper();

  private PayloadValues() {}

  /**
   * @param what the record, for messages ("point 17 (version 4)")
   */
  static Map<String, JsonWithInt.Value> fromMap(Map<String, ?> payload, String what) {
    Map<String, JsonWithInt.Value> out = new LinkedHashMap<>();
    for (Map.Entry<String, ?> e : payload.entrySet()) {
      if (e.getKey() == null) {
        throw bad(what, "payload", "has a null key");
      }
      out.put(e.getKey(), value(e.getValue(), "payload." + e.getKey(), what));
    }
    return out;
  }

  static Map<String, JsonWithInt.Value> fromJson(String json, String what) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw bad(what, "payload", "is not valid JSON (" + e.getOriginalMessage() + ")");
    }
    if (node == null || !node.isObject()) {
      throw bad(
          what,
          "payload",
          "must be a JSON object; got " + (node == null ? "nothing" : node.getNodeType()));
    }
    Map<String, JsonWithInt.Value> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), json(e.getValue(), "payload." + e.getKey(), what));
    }
    return out;
  }

  private static JsonWithInt.Value value(Object v, String path, String what) {
    JsonWithInt.Value.Builder b = JsonWithInt.Value.newBuilder();
    if (v == null) {
      b.setNullValue(JsonWithInt.NullValue.NULL_VALUE);
    } else if (v instanceof String || v instanceof Character) {
      b.setStringValue(v.toString());
    } else if (v instanceof Boolean) {
      b.setBoolValue((Boolean) v);
    } else if (v instanceof Long
        || v instanceof Integer
        || v instanceof Short
        || v instanceof Byte) {
      b.setIntegerValue(((Number) v).longValue());
    } else if (v instanceof BigInteger) {
      BigInteger big = (BigInteger) v;
      if (big.bitLength() > 63) {
        throw bad(what, path, "is " + big + ", beyond a signed 64-bit integer");
      }
      b.setIntegerValue(big.longValue());
    } else if (v instanceof Double || v instanceof Float || v instanceof BigDecimal) {
      double d = ((Number) v).doubleValue();
      if (!Double.isFinite(d)) {
        throw bad(what, path, "is " + v + "; a payload number must be finite");
      }
      b.setDoubleValue(d);
    } else if (v instanceof Map) {
      JsonWithInt.Struct.Builder struct = JsonWithInt.Struct.newBuilder();
      for (Map.Entry<?, ?> e : ((Map<?, ?>) v).entrySet()) {
        if (!(e.getKey() instanceof String)) {
          throw bad(what, path, "has a key that is not a String: " + e.getKey());
        }
        String key = (String) e.getKey();
        struct.putFields(key, value(e.getValue(), path + "." + key, what));
      }
      b.setStructValue(struct);
    } else if (v instanceof Iterable) {
      JsonWithInt.ListValue.Builder list = JsonWithInt.ListValue.newBuilder();
      int i = 0;
      for (Object item : (Iterable<?>) v) {
        list.addValues(value(item, path + "[" + i++ + "]", what));
      }
      b.setListValue(list);
    } else if (v.getClass().isArray()) {
      JsonWithInt.ListValue.Builder list = JsonWithInt.ListValue.newBuilder();
      int n = Array.getLength(v);
      for (int i = 0; i < n; i++) {
        list.addValues(value(Array.get(v, i), path + "[" + i + "]", what));
      }
      b.setListValue(list);
    } else {
      throw bad(
          what,
          path,
          "is a "
              + v.getClass().getName()
              + "; payload values are String, Number, Boolean, null, Map, List or arrays");
    }
    return b.build();
  }

  private static JsonWithInt.Value json(JsonNode node, String path, String what) {
    JsonWithInt.Value.Builder b = JsonWithInt.Value.newBuilder();
    if (node.isNull()) {
      b.setNullValue(JsonWithInt.NullValue.NULL_VALUE);
    } else if (node.isBoolean()) {
      b.setBoolValue(node.booleanValue());
    } else if (node.isIntegralNumber()) {
      if (!node.canConvertToLong()) {
        throw bad(what, path, "is " + node + ", beyond a signed 64-bit integer");
      }
      b.setIntegerValue(node.longValue());
    } else if (node.isNumber()) {
      b.setDoubleValue(node.doubleValue());
    } else if (node.isTextual()) {
      b.setStringValue(node.textValue());
    } else if (node.isArray()) {
      JsonWithInt.ListValue.Builder list = JsonWithInt.ListValue.newBuilder();
      for (int i = 0; i < node.size(); i++) {
        list.addValues(json(node.get(i), path + "[" + i + "]", what));
      }
      b.setListValue(list);
    } else if (node.isObject()) {
      JsonWithInt.Struct.Builder struct = JsonWithInt.Struct.newBuilder();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        struct.putFields(e.getKey(), json(e.getValue(), path + "." + e.getKey(), what));
      }
      b.setStructValue(struct);
    } else {
      throw bad(what, path, "is a JSON " + node.getNodeType() + ", which a payload cannot hold");
    }
    return b.build();
  }

  private static IllegalArgumentException bad(String what, String path, String problem) {
    return new IllegalArgumentException("quiver sink: " + what + ": " + path + " " + problem);
  }
}
