package io.quiver.engine.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.payload.DateTimes;
import io.quiver.engine.payload.JsonPath;
import io.quiver.engine.point.PointId;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One condition of a Qdrant filter, as an immutable value. {@link #toJson()} gives the exact REST
 * shape that {@link FilterParser} reads back to an equal value. The semantics live in {@link
 * FilterEvaluator}.
 */
public sealed interface Condition
    permits Filter,
        Condition.FieldCondition,
        Condition.IsEmpty,
        Condition.IsNull,
        Condition.HasId,
        Condition.Nested {

  ObjectNode toJson();

  /** A condition on the values at one payload key: {@code {"key": ..., "match"|"range"|...}}. */
  sealed interface FieldCondition extends Condition
      permits MatchKeyword,
          MatchInteger,
          MatchBool,
          MatchAny,
          MatchExcept,
          MatchText,
          Range,
          DatetimeRange,
          ValuesCount {
    JsonPath key();
  }

  /** {@code match: {value: "text"}}: a string value equals this one. */
  record MatchKeyword(JsonPath key, String value) implements FieldCondition {
    public MatchKeyword {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
    }

    @Override
    public ObjectNode toJson() {
      return field(key, "match", node().put("value", value));
    }
  }

  /** {@code match: {value: 42}}: an integer value (int64) equals this one. */
  record MatchInteger(JsonPath key, long value) implements FieldCondition {
    public MatchInteger {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public ObjectNode toJson() {
      return field(key, "match", node().put("value", value));
    }
  }

  /** {@code match: {value: true}}. */
  record MatchBool(JsonPath key, boolean value) implements FieldCondition {
    public MatchBool {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public ObjectNode toJson() {
      return field(key, "match", node().put("value", value));
    }
  }

  /** {@code match: {any: [...]}}: some value is in the list. */
  record MatchAny(JsonPath key, AnyValues any) implements FieldCondition {
    public MatchAny {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(any, "any");
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode match = node();
      match.set("any", any.toJson());
      return field(key, "match", match);
    }
  }

  /**
   * {@code match: {except: [...]}}: some non-null value is outside the list (a value of another
   * type counts as outside). A missing key, null or {@code []} does not match.
   */
  record MatchExcept(JsonPath key, AnyValues except) implements FieldCondition {
    public MatchExcept {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(except, "except");
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode match = node();
      match.set("except", except.toJson());
      return field(key, "match", match);
    }
  }

  /** {@code match: {text: "..."}}: a string value contains this substring. */
  record MatchText(JsonPath key, String text) implements FieldCondition {
    public MatchText {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(text, "text");
    }

    @Override
    public ObjectNode toJson() {
      return field(key, "match", node().put("text", text));
    }
  }

  /** {@code range: {gt, gte, lt, lte}} over numbers, compared as doubles; null bounds are open. */
  record Range(JsonPath key, Double gt, Double gte, Double lt, Double lte)
      implements FieldCondition {
    public Range {
      Objects.requireNonNull(key, "key");
      requireBound(key, gt, gte, lt, lte);
    }

    /** Whether {@code value} lies within every bound. */
    public boolean test(double value) {
      return (gt == null || value > gt)
          && (gte == null || value >= gte)
          && (lt == null || value < lt)
          && (lte == null || value <= lte);
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode range = node();
      putIfSet(range, "gt", gt);
      putIfSet(range, "gte", gte);
      putIfSet(range, "lt", lt);
      putIfSet(range, "lte", lte);
      return field(key, "range", range);
    }

    private static void putIfSet(ObjectNode range, String name, Double bound) {
      if (bound != null) {
        range.put(name, bound);
      }
    }
  }

  /**
   * {@code range} with RFC 3339 bounds, held as epoch microseconds; payload strings are read with
   * {@link DateTimes}.
   */
  record DatetimeRange(JsonPath key, Long gt, Long gte, Long lt, Long lte)
      implements FieldCondition {
    public DatetimeRange {
      Objects.requireNonNull(key, "key");
      requireBound(key, gt, gte, lt, lte);
    }

    public boolean test(long micros) {
      return (gt == null || micros > gt)
          && (gte == null || micros >= gte)
          && (lt == null || micros < lt)
          && (lte == null || micros <= lte);
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode range = node();
      putIfSet(range, "gt", gt);
      putIfSet(range, "gte", gte);
      putIfSet(range, "lt", lt);
      putIfSet(range, "lte", lte);
      return field(key, "range", range);
    }

    private static void putIfSet(ObjectNode range, String name, Long micros) {
      if (micros != null) {
        range.put(name, DateTimes.format(micros));
      }
    }
  }

  /**
   * {@code values_count: {gt, gte, lt, lte}}: the number of values at the key (an array counts its
   * elements, null counts 0, anything else 1; a missing key counts 0).
   */
  record ValuesCount(JsonPath key, Integer gt, Integer gte, Integer lt, Integer lte)
      implements FieldCondition {
    public ValuesCount {
      Objects.requireNonNull(key, "key");
      requireBound(key, gt, gte, lt, lte);
    }

    public boolean test(int count) {
      return (gt == null || count > gt)
          && (gte == null || count >= gte)
          && (lt == null || count < lt)
          && (lte == null || count <= lte);
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode count = node();
      if (gt != null) {
        count.put("gt", gt);
      }
      if (gte != null) {
        count.put("gte", gte);
      }
      if (lt != null) {
        count.put("lt", lt);
      }
      if (lte != null) {
        count.put("lte", lte);
      }
      return field(key, "values_count", count);
    }
  }

  /** {@code {"is_empty": {"key": k}}}: the key is missing, null or {@code []} everywhere. */
  record IsEmpty(JsonPath key) implements Condition {
    public IsEmpty {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode json = node();
      json.set("is_empty", node().put("key", key.toString()));
      return json;
    }
  }

  /** {@code {"is_null": {"key": k}}}: the key holds an explicit null ({@code [null]} does not). */
  record IsNull(JsonPath key) implements Condition {
    public IsNull {
      Objects.requireNonNull(key, "key");
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode json = node();
      json.set("is_null", node().put("key", key.toString()));
      return json;
    }
  }

  /** {@code {"has_id": [ids]}}: the point's id is one of these. */
  record HasId(Set<PointId> ids) implements Condition {
    public HasId {
      ids = Set.copyOf(ids);
    }

    @Override
    public ObjectNode toJson() {
      List<PointId> sorted = new ArrayList<>(ids);
      sorted.sort(null);
      ArrayNode array = JsonNodeFactory.instance.arrayNode();
      for (PointId id : sorted) {
        array.add(id.toJson());
      }
      ObjectNode json = node();
      json.set("has_id", array);
      return json;
    }
  }

  /**
   * {@code {"nested": {"key": k, "filter": f}}}: some object element of the array at {@code k}
   * satisfies the whole of {@code f} by itself. Keys inside {@code f} are relative to the element;
   * {@code has_id} inside never matches.
   */
  record Nested(JsonPath key, Filter filter) implements Condition {
    public Nested {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(filter, "filter");
    }

    @Override
    public ObjectNode toJson() {
      ObjectNode nested = node().put("key", key.toString());
      nested.set("filter", filter.toJson());
      ObjectNode json = node();
      json.set("nested", nested);
      return json;
    }
  }

  private static void requireBound(JsonPath key, Object gt, Object gte, Object lt, Object lte) {
    if (gt == null && gte == null && lt == null && lte == null) {
      throw new IllegalArgumentException(
          "a range or values_count on '" + key + "' needs at least one of gt, gte, lt, lte");
    }
  }

  private static ObjectNode node() {
    return JsonNodeFactory.instance.objectNode();
  }

  private static ObjectNode field(JsonPath key, String name, JsonNode body) {
    ObjectNode json = node().put("key", key.toString());
    json.set(name, body);
    return json;
  }
}
