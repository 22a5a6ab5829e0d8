package io.quiver.engine.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.UUID;

/**
 * Seeded payloads and filters over a small vocabulary, so that conditions hit often: mixed types at
 * every key, nulls, empty arrays, nested objects and arrays of objects.
 */
final class RandomPayloads {

  static final String[] KEYWORDS = {"red", "green", "blue", "Red", "re", ""};
  static final String[] UUIDS = {
    "3f2504e0-4f89-11d3-9a0c-0305e82c3301",
    "6ba7b810-9dad-11d1-80b4-00c04fd430c8",
    "00000000-0000-0000-0000-000000000000",
    "3F2504E0-4F89-11D3-9A0C-0305E82C3301"
  };
  static final String[] DATETIMES = {
    "2014-01-01T00:00:00Z",
    "2014-01-01",
    "2014-01-01 00:00:00",
    "2014-01-01T01:00:00+01:00",
    "2020-02-15T12:30:00.5Z",
    "2020-02-15T12:30:00.500001Z",
    "1999-12-31T23:59:59-05:00",
    "2024-02-29 08:00",
    "not a date",
    "2014-13-01"
  };
  static final double[] BOUNDS = {-3.5, -1, -0.0, 0, 0.5, 1, 2, 2.5, 4, 1e19};

  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  static final String[] KEYWORD_KEYS = {"kw", "obj.b", "items[].y", "items[0].y", "obj.tags"};
  static final String[] NUMBER_KEYS = {"num", "obj.a", "items[].x", "items[].z", "kw"};
  static final String[] ANY_KEYS = {
    "kw", "num", "flag", "uid", "ts", "obj", "obj.a", "obj.tags", "items", "items[].x", "missing"
  };

  private final SplittableRandom random;

  RandomPayloads(long seed) {
    this.random = new SplittableRandom(seed);
  }

  ObjectNode payload() {
    ObjectNode p = F.objectNode();
    maybe(p, "kw", () -> value(this::keyword));
    maybe(p, "num", () -> value(this::number));
    maybe(p, "flag", () -> value(() -> F.booleanNode(random.nextBoolean())));
    maybe(p, "uid", () -> value(() -> F.textNode(pick(UUIDS))));
    maybe(p, "ts", () -> value(() -> F.textNode(pick(DATETIMES))));
    maybe(
        p,
        "obj",
        () -> {
          if (random.nextInt(10) == 0) {
            return value(this::keyword);
          }
          ObjectNode o = F.objectNode();
          maybe(o, "a", () -> value(this::number));
          maybe(o, "b", () -> value(this::keyword));
          maybe(o, "tags", () -> value(this::keyword));
          return o;
        });
    maybe(
        p,
        "items",
        () -> {
          if (random.nextInt(10) == 0) {
            return element();
          }
          ArrayNode items = F.arrayNode();
          int n = random.nextInt(4);
          for (int i = 0; i < n; i++) {
            items.add(random.nextInt(8) == 0 ? scalar() : element());
          }
          return items;
        });
    return p;
  }

  private ObjectNode element() {
    ObjectNode e = F.objectNode();
    maybe(e, "x", () -> value(this::number));
    maybe(e, "y", () -> value(this::keyword));
    maybe(e, "z", () -> value(this::number));
    return e;
  }

  private void maybe(ObjectNode target, String key, java.util.function.Supplier<JsonNode> value) {
    if (random.nextInt(5) != 0) {
      target.set(key, value.get());
    }
  }

  /** Mostly values of the field's type; sometimes null, [], arrays (mixed) or another type. */
  private JsonNode value(java.util.function.Supplier<JsonNode> typed) {
    int roll = random.nextInt(100);
    if (roll < 8) {
      return F.nullNode();
    }
    if (roll < 13) {
      return F.arrayNode();
    }
    if (roll < 35) {
      ArrayNode array = F.arrayNode();
      int n = 1 + random.nextInt(3);
      for (int i = 0; i < n; i++) {
        int r = random.nextInt(12);
        array.add(r == 0 ? F.nullNode() : r == 1 ? scalar() : r == 2 ? nestedArray() : typed.get());
      }
      return array;
    }
    if (roll < 43) {
      return scalar();
    }
    return typed.get();
  }

  private JsonNode nestedArray() {
    return F.arrayNode().add(keyword()).add(number());
  }

  private JsonNode scalar() {
    return switch (random.nextInt(5)) {
      case 0 -> keyword();
      case 1 -> number();
      case 2 -> F.booleanNode(random.nextBoolean());
      case 3 -> F.textNode(pick(UUIDS));
      default -> F.textNode(pick(DATETIMES));
    };
  }

  private JsonNode keyword() {
    return F.textNode(pick(KEYWORDS));
  }

  private JsonNode number() {
    return switch (random.nextInt(12)) {
      case 0 -> F.numberNode(2.5);
      case 1 -> F.numberNode(-0.0);
      case 2 -> F.numberNode(1.0);
      case 3 -> F.numberNode(Long.MAX_VALUE);
      case 4 -> F.numberNode(new BigInteger("18446744073709551615"));
      case 5 -> F.numberNode(-3.5);
      default -> F.numberNode(random.nextInt(11) - 5);
    };
  }

  <T> T pick(T[] values) {
    return values[random.nextInt(values.length)];
  }

  // ---- filters ----

  Filter filter(int depth, List<PointId> ids, boolean nested) {
    return new Filter(
        conditions(random.nextInt(3), depth, ids, nested),
        conditions(random.nextInt(4) == 0 ? 0 : random.nextInt(3), depth, ids, nested),
        conditions(random.nextInt(3) == 0 ? 1 : 0, depth, ids, nested),
        random.nextInt(4) == 0
            ? new Filter.MinShould(
                conditions(random.nextInt(4), depth, ids, nested), random.nextInt(4))
            : null);
  }

  private List<Condition> conditions(int n, int depth, List<PointId> ids, boolean nested) {
    List<Condition> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(condition(depth, ids, nested));
    }
    return out;
  }

  Condition condition(int depth, List<PointId> ids, boolean nested) {
    String[] keywordKeys = nested ? new String[] {"y", "y", "x"} : KEYWORD_KEYS;
    String[] numberKeys = nested ? new String[] {"x", "z", "y"} : NUMBER_KEYS;
    String[] anyKeys = nested ? new String[] {"x", "y", "z", "w"} : ANY_KEYS;
    int roll = random.nextInt(depth > 0 ? 17 : 15);
    JsonPath kw = JsonPath.parse(pick(keywordKeys));
    JsonPath num = JsonPath.parse(pick(numberKeys));
    return switch (roll) {
      case 0 -> new MatchKeyword(kw, pick(KEYWORDS));
      case 1 -> new MatchInteger(num, random.nextInt(11) - 5);
      case 2 -> new MatchBool(JsonPath.parse(nested ? "x" : "flag"), random.nextBoolean());
      case 3 -> new MatchAny(kw, AnyValues.ofStrings(strings()));
      case 4 -> new MatchAny(num, AnyValues.ofIntegers(integers()));
      case 5 -> new MatchExcept(kw, AnyValues.ofStrings(strings()));
      case 6 -> new MatchExcept(num, AnyValues.ofIntegers(integers()));
      case 7 -> new MatchText(kw, pick(new String[] {"re", "e", "Re", "zz"}));
      case 8 -> range(num);
      case 9 -> datetimeRange(JsonPath.parse(nested ? "y" : random.nextInt(4) == 0 ? "kw" : "ts"));
      case 10 ->
          new ValuesCount(
              JsonPath.parse(pick(anyKeys)), bound(4), bound(4), bound(5), random.nextInt(3));
      case 11 -> new IsEmpty(JsonPath.parse(pick(anyKeys)));
      case 12 -> new IsNull(JsonPath.parse(pick(anyKeys)));
      case 13 -> hasId(ids);
      case 14 ->
          random.nextBoolean()
              ? new MatchKeyword(JsonPath.parse(nested ? "y" : "uid"), pick(UUIDS))
              : new MatchAny(JsonPath.parse(nested ? "y" : "uid"), AnyValues.ofStrings(uuids()));
      case 15 -> filter(depth - 1, ids, nested);
      default ->
          nested
              ? filter(depth - 1, ids, true)
              : new Nested(
                  JsonPath.parse(pick(new String[] {"items", "items[]", "obj"})),
                  filter(depth - 1, ids, true));
    };
  }

  private Integer bound(int max) {
    return random.nextInt(3) == 0 ? random.nextInt(max) : null;
  }

  private Range range(JsonPath key) {
    Double gt = random.nextInt(3) == 0 ? pickBound() : null;
    Double gte = random.nextInt(3) == 0 ? pickBound() : null;
    Double lt = random.nextInt(3) == 0 ? pickBound() : null;
    Double lte =
        random.nextInt(3) == 0 || (gt == null && gte == null && lt == null) ? pickBound() : null;
    return new Range(key, gt, gte, lt, lte);
  }

  private double pickBound() {
    return BOUNDS[random.nextInt(BOUNDS.length)];
  }

  private DatetimeRange datetimeRange(JsonPath key) {
    Long[] b = new Long[4];
    for (int i = 0; i < 4; i++) {
      if (random.nextInt(3) == 0) {
        String text = pick(DATETIMES);
        long micros = DateTimes.parseMicros(text);
        b[i] = micros == DateTimes.INVALID ? DateTimes.parseMicros("2016-06-06") : micros;
      }
    }
    if (b[0] == null && b[1] == null && b[2] == null && b[3] == null) {
      b[1] = DateTimes.parseMicros("2014-01-01T00:00:00Z");
    }
    return new DatetimeRange(key, b[0], b[1], b[2], b[3]);
  }

  private HasId hasId(List<PointId> ids) {
    Set<PointId> set = new HashSet<>();
    int n = random.nextInt(6);
    for (int i = 0; i < n; i++) {
      set.add(
          random.nextInt(5) == 0
              ? PointId.of(new UUID(random.nextLong(), random.nextLong()))
              : ids.get(random.nextInt(ids.size())));
    }
    return new HasId(set);
  }

  private List<String> strings() {
    List<String> out = new ArrayList<>();
    int n = random.nextInt(4);
    for (int i = 0; i < n; i++) {
      out.add(pick(KEYWORDS));
    }
    return out;
  }

  private List<String> uuids() {
    List<String> out = new ArrayList<>();
    int n = 1 + random.nextInt(2);
    for (int i = 0; i < n; i++) {
      out.add(pick(UUIDS));
    }
    return out;
  }

  private long[] integers() {
    long[] out = new long[1 + random.nextInt(3)];
    for (int i = 0; i < out.length; i++) {
      out[i] = random.nextInt(8) == 0 ? Long.MAX_VALUE : random.nextInt(11) - 5;
    }
    return out;
  }

  int nextInt(int bound) {
    return random.nextInt(bound);
  }
}
