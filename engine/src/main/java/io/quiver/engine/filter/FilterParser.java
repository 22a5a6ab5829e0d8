package io.quiver.engine.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.quiver.engine.filter.Condition.DatetimeRange;
import io.quiver.engine.filter.Condition.HasId;
import io.quiver.engine.filter.Condition.IsEmpty;
import io.quiver.engine.filter.Condition.IsNull;
import io.quiver.engine.filter.Condition.MatchAny;
import io.quiver.engine.filter.Condition.MatchBool;
import io.quiver.engine.filter.Condition.MatchExcept;
import io.quiver.engine.filter.Condition.MatchInteger;
import io.quiver.engine.filter.Condition.MatchKeyword;
import io.quiver.engine.filter.Condition.MatchText;
import io.quiver.engine.filter.Condition.Nested;
import io.quiver.engine.filter.Condition.Range;
import io.quiver.engine.filter.Condition.ValuesCount;
import io.quiver.engine.payload.DateTimes;
import io.quiver.engine.payload.JsonPath;
import io.quiver.engine.point.PointId;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a filter from the JSON of Qdrant's REST API. {@code must}, {@code should} and {@code
 * must_not} take one condition or an array of them; a condition is recognised by its keys ({@code
 * key} for a field condition, {@code is_empty}, {@code is_null}, {@code has_id}, {@code nested}, or
 * filter clauses for a nested filter). Unknown keys, wrong types and empty condition objects are
 * {@link InvalidFilterException}s naming the JSON path and the value.
 *
 * <p>Where Quiver is stricter than Qdrant: a field condition takes exactly one of {@code match},
 * {@code range} and {@code values_count}; ranges and value counts need at least one bound; geo,
 * full-text-index and {@code has_vector} conditions are not supported.
 */
public final class FilterParser {

  private static final Set<String> FILTER_KEYS = Set.of("must", "should", "must_not", "min_should");
  private static final Set<String> BOUNDS = Set.of("gt", "gte", "lt", "lte");

  private FilterParser() {}

  /** Parses a whole filter; errors are named from the root {@code filter}. */
  public static Filter parse(JsonNode json) {
    return parseFilter(json, "filter");
  }

  /** Parses a filter whose JSON sits at {@code path} within a larger request. */
  public static Filter parseFilter(JsonNode json, String path) {
    JsonNode node = object(json, path);
    onlyKeys(node, path, FILTER_KEYS);
    Filter.MinShould minShould = null;
    JsonNode min = node.get("min_should");
    if (min != null && !min.isNull()) {
      String minPath = path + ".min_should";
      object(min, minPath);
      onlyKeys(min, minPath, Set.of("conditions", "min_count"));
      JsonNode conditions = required(min, "conditions", minPath);
      if (!conditions.isArray()) {
        throw new InvalidFilterException(
            minPath + ".conditions", "expected an array of conditions", conditions);
      }
      int minCount = (int) nonNegative(required(min, "min_count", minPath), minPath + ".min_count");
      minShould = new Filter.MinShould(conditions(conditions, minPath + ".conditions"), minCount);
    }
    return new Filter(
        clause(node, "must", path),
        clause(node, "should", path),
        clause(node, "must_not", path),
        minShould);
  }

  private static List<Condition> clause(JsonNode filter, String name, String path) {
    JsonNode node = filter.get(name);
    if (node == null || node.isNull()) {
      return List.of();
    }
    if (node.isObject()) {
      // Qdrant accepts one condition in place of an array of one.
      return List.of(condition(node, path + "." + name));
    }
    if (!node.isArray()) {
      throw new InvalidFilterException(
          path + "." + name, "expected a condition or an array of conditions", node);
    }
    return conditions(node, path + "." + name);
  }

  private static List<Condition> conditions(JsonNode array, String path) {
    List<Condition> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(condition(array.get(i), path + "[" + i + "]"));
    }
    return out;
  }

  private static Condition condition(JsonNode json, String path) {
    JsonNode node = object(json, path);
    if (node.isEmpty()) {
      throw new InvalidFilterException(path, "expected a condition", node);
    }
    if (node.has("key")) {
      return fieldCondition(node, path);
    }
    if (node.has("is_empty")) {
      onlyKeys(node, path, Set.of("is_empty"));
      return new IsEmpty(keyObject(node.get("is_empty"), path + ".is_empty"));
    }
    if (node.has("is_null")) {
      onlyKeys(node, path, Set.of("is_null"));
      return new IsNull(keyObject(node.get("is_null"), path + ".is_null"));
    }
    if (node.has("has_id")) {
      onlyKeys(node, path, Set.of("has_id"));
      return hasId(node.get("has_id"), path + ".has_id");
    }
    if (node.has("nested")) {
      onlyKeys(node, path, Set.of("nested"));
      return nested(node.get("nested"), path + ".nested");
    }
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!FILTER_KEYS.contains(name)) {
        throw new InvalidFilterException(
            path + "." + name,
            "unknown condition; expected key, is_empty, is_null, has_id, nested or a filter",
            node.get(name));
      }
    }
    return parseFilter(node, path);
  }

  private static Condition fieldCondition(JsonNode node, String path) {
    onlyKeys(node, path, Set.of("key", "match", "range", "values_count"));
    JsonPath key = key(node.get("key"), path + ".key");
    List<String> present = new ArrayList<>();
    for (String name : List.of("match", "range", "values_count")) {
      if (node.has(name) && !node.get(name).isNull()) {
        present.add(name);
      }
    }
    if (present.size() != 1) {
      throw new InvalidFilterException(
          path, "a field condition needs exactly one of match, range, values_count", node);
    }
    String kind = present.get(0);
    String bodyPath = path + "." + kind;
    JsonNode body = object(node.get(kind), bodyPath);
    return switch (kind) {
      case "match" -> match(key, body, bodyPath);
      case "range" -> range(key, body, bodyPath);
      default -> valuesCount(key, body, bodyPath);
    };
  }

  private static Condition match(JsonPath key, JsonNode body, String path) {
    onlyKeys(body, path, Set.of("value", "any", "except", "text"));
    if (body.size() != 1) {
      throw new InvalidFilterException(
          path, "expected exactly one of value, any, except, text", body);
    }
    Map.Entry<String, JsonNode> entry = body.fields().next();
    String name = entry.getKey();
    JsonNode value = entry.getValue();
    String valuePath = path + "." + name;
    switch (name) {
      case "value":
        if (value.isTextual()) {
          return new MatchKeyword(key, value.textValue());
        }
        if (value.isBoolean()) {
          return new MatchBool(key, value.booleanValue());
        }
        if (value.isIntegralNumber() && value.canConvertToLong()) {
          return new MatchInteger(key, value.longValue());
        }
        throw new InvalidFilterException(
            valuePath, "expected a string, a 64-bit integer or a boolean", value);
      case "text":
        if (!value.isTextual()) {
          throw new InvalidFilterException(valuePath, "expected a string", value);
        }
        return new MatchText(key, value.textValue());
      case "any":
        return new MatchAny(key, anyValues(value, valuePath));
      default:
        return new MatchExcept(key, anyValues(value, valuePath));
    }
  }

  private static AnyValues anyValues(JsonNode array, String path) {
    if (!array.isArray()) {
      throw new InvalidFilterException(path, "expected an array of strings or of integers", array);
    }
    if (array.isEmpty() || array.get(0).isTextual()) {
      List<String> strings = new ArrayList<>(array.size());
      for (int i = 0; i < array.size(); i++) {
        JsonNode element = array.get(i);
        if (!element.isTextual()) {
          throw new InvalidFilterException(
              path + "[" + i + "]", "expected a string like the first element", element);
        }
        strings.add(element.textValue());
      }
      return AnyValues.ofStrings(strings);
    }
    long[] integers = new long[array.size()];
    for (int i = 0; i < array.size(); i++) {
      JsonNode element = array.get(i);
      if (!element.isIntegralNumber() || !element.canConvertToLong()) {
        throw new InvalidFilterException(
            path + "[" + i + "]",
            i == 0 ? "expected a string or a 64-bit integer" : "expected a 64-bit integer",
            element);
      }
      integers[i] = element.longValue();
    }
    return AnyValues.ofIntegers(integers);
  }

  private static Condition range(JsonPath key, JsonNode body, String path) {
    onlyKeys(body, path, BOUNDS);
    boolean datetime = false;
    boolean any = false;
    for (String bound : BOUNDS) {
      JsonNode value = body.get(bound);
      datetime |= value != null && value.isTextual();
      any |= value != null && !value.isNull();
    }
    if (!any) {
      throw new InvalidFilterException(path, "expected at least one of gt, gte, lt, lte", body);
    }
    if (datetime) {
      return new DatetimeRange(
          key,
          micros(body, "gt", path),
          micros(body, "gte", path),
          micros(body, "lt", path),
          micros(body, "lte", path));
    }
    return new Range(
        key,
        number(body, "gt", path),
        number(body, "gte", path),
        number(body, "lt", path),
        number(body, "lte", path));
  }

  private static Double number(JsonNode body, String name, String path) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isNumber() || !Double.isFinite(value.doubleValue())) {
      throw new InvalidFilterException(path + "." + name, "expected a number", value);
    }
    return value.doubleValue();
  }

  private static Long micros(JsonNode body, String name, String path) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    long micros = value.isTextual() ? DateTimes.parseMicros(value.textValue()) : DateTimes.INVALID;
    if (micros == DateTimes.INVALID) {
      throw new InvalidFilterException(
          path + "." + name,
          "expected an RFC 3339 datetime such as \"2014-01-01T00:00:00Z\" like the other bounds",
          value);
    }
    return micros;
  }

  private static Condition valuesCount(JsonPath key, JsonNode body, String path) {
    onlyKeys(body, path, BOUNDS);
    Integer[] bounds = new Integer[4];
    String[] names = {"gt", "gte", "lt", "lte"};
    boolean any = false;
    for (int i = 0; i < 4; i++) {
      JsonNode value = body.get(names[i]);
      if (value != null && !value.isNull()) {
        long count = nonNegative(value, path + "." + names[i]);
        bounds[i] = (int) Math.min(count, Integer.MAX_VALUE);
        any = true;
      }
    }
    if (!any) {
      throw new InvalidFilterException(path, "expected at least one of gt, gte, lt, lte", body);
    }
    return new ValuesCount(key, bounds[0], bounds[1], bounds[2], bounds[3]);
  }

  private static HasId hasId(JsonNode array, String path) {
    if (!array.isArray()) {
      throw new InvalidFilterException(path, "expected an array of point ids", array);
    }
    Set<PointId> ids = new LinkedHashSet<>();
    for (int i = 0; i < array.size(); i++) {
      JsonNode element = array.get(i);
      try {
        ids.add(PointId.fromJson(element, path + "[" + i + "]"));
      } catch (IllegalArgumentException e) {
        throw new InvalidFilterException(
            path + "[" + i + "]", "expected an unsigned 64-bit integer or a UUID", element);
      }
    }
    return new HasId(ids);
  }

  private static Nested nested(JsonNode json, String path) {
    JsonNode node = object(json, path);
    onlyKeys(node, path, Set.of("key", "filter"));
    JsonPath key = key(required(node, "key", path), path + ".key");
    Filter filter = parseFilter(required(node, "filter", path), path + ".filter");
    return new Nested(key, filter);
  }

  private static JsonPath keyObject(JsonNode json, String path) {
    JsonNode node = object(json, path);
    onlyKeys(node, path, Set.of("key"));
    return key(required(node, "key", path), path + ".key");
  }

  private static JsonPath key(JsonNode value, String path) {
    if (value == null || !value.isTextual()) {
      throw new InvalidFilterException(
          path, "expected a payload key string", value == null ? NullNode.instance : value);
    }
    try {
      return JsonPath.parse(value.textValue());
    } catch (IllegalArgumentException e) {
      throw new InvalidFilterException(path, e.getMessage(), value);
    }
  }

  private static long nonNegative(JsonNode value, String path) {
    if (!value.isIntegralNumber() || !value.canConvertToLong() || value.longValue() < 0) {
      throw new InvalidFilterException(path, "expected a non-negative integer", value);
    }
    return value.longValue();
  }

  private static JsonNode object(JsonNode json, String path) {
    if (json == null || !json.isObject()) {
      throw new InvalidFilterException(
          path, "expected an object", json == null ? NullNode.instance : json);
    }
    return json;
  }

  private static JsonNode required(JsonNode node, String name, String path) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      throw new InvalidFilterException(path + "." + name, "is required", NullNode.instance);
    }
    return value;
  }

  private static void onlyKeys(JsonNode node, String path, Set<String> allowed) {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw new InvalidFilterException(
            path + "." + name, "unknown key; expected one of " + sorted(allowed), node.get(name));
      }
    }
  }

  private static String sorted(Set<String> names) {
    List<String> list = new ArrayList<>(names);
    list.sort(null);
    return String.join(", ", list);
  }
}
