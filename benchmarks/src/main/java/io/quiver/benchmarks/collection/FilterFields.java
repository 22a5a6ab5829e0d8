package io.quiver.benchmarks.collection;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.filter.FilterParser;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * The payload of every benchmark point, built so that filters of known selectivity exist: {@code
 * bucket}, an integer in [0, 1000), and {@code tags}, a keyword array holding {@code "lt<s>"} for
 * every level {@code s} in {@link #LEVELS} with {@code bucket < s}. The range filter {@code bucket
 * < s} and the keyword filter {@code tags = "lt<s>"} therefore select the same points.
 *
 * <p>Buckets come from a seeded random permutation of the ordinals: the point of rank {@code r}
 * gets bucket {@code floor(r * 1000 / n)}, so {@code bucket < s} holds for exactly {@code ceil(s *
 * n / 1000)} points (exactly {@code s} per mille when 1000 divides n), spread at random over the
 * vectors rather than correlated with them.
 */
final class FilterFields {

  static final int BUCKETS = 1000;

  /** Selectivities in per mille: 50 %, 10 %, 1 %, 0.1 %. */
  static final List<Integer> LEVELS = List.of(500, 100, 10, 1);

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final int[] bucket;

  FilterFields(int n, long seed) {
    if (n < 1) {
      throw new IllegalArgumentException("need at least one point; got " + n);
    }
    int[] rank = new int[n];
    for (int i = 0; i < n; i++) {
      rank[i] = i;
    }
    SplittableRandom rng = new SplittableRandom(seed);
    for (int i = n - 1; i > 0; i--) {
      int j = rng.nextInt(i + 1);
      int t = rank[i];
      rank[i] = rank[j];
      rank[j] = t;
    }
    bucket = new int[n];
    for (int i = 0; i < n; i++) {
      bucket[i] = (int) ((long) rank[i] * BUCKETS / n);
    }
  }

  int size() {
    return bucket.length;
  }

  int bucket(int ordinal) {
    return bucket[ordinal];
  }

  boolean matches(int ordinal, int level) {
    return bucket[ordinal] < level;
  }

  /** The ordinals with {@code bucket < level}, ascending. */
  int[] matching(int level) {
    int count = 0;
    for (int b : bucket) {
      count += b < level ? 1 : 0;
    }
    int[] out = new int[count];
    int at = 0;
    for (int i = 0; i < bucket.length; i++) {
      if (bucket[i] < level) {
        out[at++] = i;
      }
    }
    return out;
  }

  /** {@code {"bucket": 7, "tags": ["lt500", "lt100", "lt10"], "title": "point 000042"}}. */
  ObjectNode payload(int ordinal) {
    ObjectNode p = JsonNodeFactory.instance.objectNode();
    int b = bucket[ordinal];
    p.put("bucket", b);
    ArrayNode tags = p.putArray("tags");
    for (int level : LEVELS) {
      if (b < level) {
        tags.add(tag(level));
      }
    }
    p.put("title", String.format(Locale.ROOT, "point %06d", ordinal));
    return p;
  }

  static String tag(int level) {
    return "lt" + level;
  }

  /** The selectivity as the report names it: {@code 50 %}, {@code 0.1 %}. */
  static String percent(int level) {
    return level % 10 == 0
        ? level / 10 + " %"
        : String.format(Locale.ROOT, "%.1f %%", level / 10.0);
  }

  static Filter range(int level) {
    return parse("{\"must\": [{\"key\": \"bucket\", \"range\": {\"lt\": " + level + "}}]}");
  }

  static Filter keyword(int level) {
    return parse(
        "{\"must\": [{\"key\": \"tags\", \"match\": {\"value\": \"" + tag(level) + "\"}}]}");
  }

  private static Filter parse(String json) {
    try {
      return FilterParser.parse(MAPPER.readTree(json));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
