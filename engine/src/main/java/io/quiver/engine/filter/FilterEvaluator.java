package io.quiver.engine.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.filter.Condition.DatetimeRange;
import io.quiver.engine.filter.Condition.FieldCondition;
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
import io.quiver.engine.point.PointId;
import java.util.List;

/**
 * The brute-force reference: decides a filter for one point from its id and payload, following
 * Qdrant's condition checker ({@code query_checker.rs}, {@code condition_checker.rs}).
 *
 * <ul>
 *   <li>A field condition looks at the values at its key ({@link
 *       io.quiver.engine.payload.JsonPath#rawValues}); it holds if any value satisfies it, and an
 *       array value satisfies it if any element does (one level). A missing key satisfies only
 *       {@code values_count} bounds that admit 0.
 *   <li>{@code match.value} compares strings exactly, integers as int64 (1.0 is not 1), booleans as
 *       booleans; {@code text} is a substring test; {@code except} holds for an element that is not
 *       null and not in the list, whatever its type.
 *   <li>{@code range} compares any number as a double; a datetime range reads strings with {@link
 *       DateTimes}.
 *   <li>{@code is_empty}: every value is null or {@code []} (so a missing key is empty, {@code
 *       [null]} is not); {@code is_null}: some value is an explicit null.
 *   <li>{@code nested}: some object element of the array at the key (the key with {@code []}
 *       appended) satisfies the inner filter, evaluated against that element alone.
 * </ul>
 */
public final class FilterEvaluator {

  private static final ObjectNode EMPTY = JsonNodeFactory.instance.objectNode();

  private FilterEvaluator() {}

  /** Whether the point passes {@code filter}; a null payload is an empty one. */
  public static boolean matches(Filter filter, PointId id, ObjectNode payload) {
    return filter(filter, id, payload == null ? EMPTY : payload);
  }

  /** One condition; {@code id} is null inside a nested filter, where has_id never holds. */
  public static boolean matches(Condition condition, PointId id, ObjectNode payload) {
    ObjectNode p = payload == null ? EMPTY : payload;
    if (condition instanceof Filter f) {
      return filter(f, id, p);
    }
    if (condition instanceof FieldCondition c) {
      return field(c, p);
    }
    if (condition instanceof IsEmpty c) {
      for (JsonNode value : c.key().rawValues(p)) {
        if (!value.isNull() && !(value.isArray() && value.isEmpty())) {
          return false;
        }
      }
      return true;
    }
    if (condition instanceof IsNull c) {
      for (JsonNode value : c.key().rawValues(p)) {
        if (value.isNull()) {
          return true;
        }
      }
      return false;
    }
    if (condition instanceof HasId c) {
      return id != null && c.ids().contains(id);
    }
    return nested((Nested) condition, p);
  }

  private static boolean filter(Filter f, PointId id, ObjectNode payload) {
    for (Condition c : f.must()) {
      if (!matches(c, id, payload)) {
        return false;
      }
    }
    if (!f.should().isEmpty()) {
      boolean any = false;
      for (Condition c : f.should()) {
        if (matches(c, id, payload)) {
          any = true;
          break;
        }
      }
      if (!any) {
        return false;
      }
    }
    if (f.minShould() != null) {
      int needed = f.minShould().minCount();
      for (Condition c : f.minShould().conditions()) {
        if (needed == 0) {
          break;
        }
        if (matches(c, id, payload)) {
          needed--;
        }
      }
      if (needed > 0) {
        return false;
      }
    }
    for (Condition c : f.mustNot()) {
      if (matches(c, id, payload)) {
        return false;
      }
    }
    return true;
  }

  private static boolean nested(Nested nested, ObjectNode payload) {
    for (JsonNode element : nested.key().arrayKey().rawValues(payload)) {
      if (element.isObject() && filter(nested.filter(), null, (ObjectNode) element)) {
        return true;
      }
    }
    return false;
  }

  /** A field condition against a whole payload. */
  static boolean field(FieldCondition c, ObjectNode payload) {
    List<JsonNode> values = c.key().rawValues(payload);
    if (values.isEmpty()) {
      return c instanceof ValuesCount count && count.test(0);
    }
    for (JsonNode value : values) {
      if (c instanceof ValuesCount count) {
        if (count.test(value.isNull() ? 0 : value.isArray() ? value.size() : 1)) {
          return true;
        }
      } else if (value.isArray()) {
        for (JsonNode element : value) {
          if (element(c, element)) {
            return true;
          }
        }
      } else if (element(c, value)) {
        return true;
      }
    }
    return false;
  }

  /** A field condition against one value (an element of an array value, or the value itself). */
  private static boolean element(FieldCondition c, JsonNode v) {
    if (c instanceof MatchKeyword m) {
      return v.isTextual() && v.textValue().equals(m.value());
    }
    if (c instanceof MatchInteger m) {
      return isLong(v) && v.longValue() == m.value();
    }
    if (c instanceof MatchBool m) {
      return v.isBoolean() && v.booleanValue() == m.value();
    }
    if (c instanceof MatchText m) {
      return v.isTextual() && v.textValue().contains(m.text());
    }
    if (c instanceof MatchAny m) {
      AnyValues any = m.any();
      return any.isIntegers()
          ? isLong(v) && any.containsInteger(v.longValue())
          : v.isTextual() && any.containsString(v.textValue());
    }
    if (c instanceof MatchExcept m) {
      AnyValues except = m.except();
      if (v.isNull()) {
        return false;
      }
      if (except.isIntegers()) {
        return !isLong(v) || !except.containsInteger(v.longValue());
      }
      return !v.isTextual() || !except.containsString(v.textValue());
    }
    if (c instanceof Range r) {
      return v.isNumber() && r.test(v.doubleValue());
    }
    if (c instanceof DatetimeRange r) {
      if (!v.isTextual()) {
        return false;
      }
      long micros = DateTimes.parseMicros(v.textValue());
      return micros != DateTimes.INVALID && r.test(micros);
    }
    throw new AssertionError("values_count is decided per value, not per element: " + c);
  }

  private static boolean isLong(JsonNode v) {
    return v.isIntegralNumber() && v.canConvertToLong();
  }
}
