package io.quiver.benchmarks.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FilterFieldsTest {

  @ParameterizedTest
  @ValueSource(ints = {1, 900, 5_000, 20_001})
  void everyLevelSelectsCeilOfItsShare(int n) {
    FilterFields fields = new FilterFields(n, 42);
    for (int level : FilterFields.LEVELS) {
      long expected = ((long) level * n + FilterFields.BUCKETS - 1) / FilterFields.BUCKETS;
      assertEquals(expected, fields.matching(level).length, "level " + level + ", n " + n);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {900, 5_000})
  void tagsAgreeWithTheBucket(int n) {
    FilterFields fields = new FilterFields(n, 7);
    for (int i = 0; i < n; i++) {
      ObjectNode payload = fields.payload(i);
      assertEquals(fields.bucket(i), payload.get("bucket").intValue());
      for (int level : FilterFields.LEVELS) {
        boolean tagged = false;
        for (var tag : payload.get("tags")) {
          tagged |= tag.textValue().equals(FilterFields.tag(level));
        }
        assertEquals(fields.matches(i, level), tagged, "point " + i + ", level " + level);
      }
    }
  }

  @ParameterizedTest
  @ValueSource(longs = {1, 2, 3})
  void bucketsDoNotFollowTheOrdinal(long seed) {
    // A random permutation: the first tenth of the ordinals should not hold the 10 % level.
    FilterFields fields = new FilterFields(10_000, seed);
    int inFirstTenth = 0;
    for (int ord : fields.matching(100)) {
      inFirstTenth += ord < 1_000 ? 1 : 0;
    }
    assertTrue(inFirstTenth > 30 && inFirstTenth < 200, "got " + inFirstTenth);
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 100, 10, 1})
  void percentNamesTheLevel(int level) {
    String expected = level == 1 ? "0.1 %" : level / 10 + " %";
    assertEquals(expected, FilterFields.percent(level));
  }
}
