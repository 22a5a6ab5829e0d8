package io.quiver.engine.filter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The list of a {@code match: {any: [...]}} or {@code match: {except: [...]}}: all strings or all
 * integers (an empty list counts as strings, as in Qdrant). Held sorted and without repeats, so
 * equal sets are equal values.
 */
public final class AnyValues {

  private final String[] strings;
  private final long[] integers;

  private AnyValues(String[] strings, long[] integers) {
    this.strings = strings;
    this.integers = integers;
  }

  public static AnyValues ofStrings(Collection<String> values) {
    return new AnyValues(new TreeSet<>(values).toArray(new String[0]), null);
  }

  public static AnyValues ofIntegers(long... values) {
    return new AnyValues(null, Arrays.stream(values).sorted().distinct().toArray());
  }

  public boolean isIntegers() {
    return integers != null;
  }

  public int size() {
    return integers != null ? integers.length : strings.length;
  }

  public boolean containsString(String value) {
    return strings != null && Arrays.binarySearch(strings, value) >= 0;
  }

  public boolean containsInteger(long value) {
    return integers != null && Arrays.binarySearch(integers, value) >= 0;
  }

  /** The strings, ascending; empty for an integer list. */
  public List<String> strings() {
    return strings == null ? List.of() : List.of(strings);
  }

  /** The integers, ascending; empty for a string list. */
  public List<Long> integers() {
    if (integers == null) {
      return List.of();
    }
    return new AbstractList<>() {
      @Override
      public Long get(int i) {
        return integers[i];
      }

      @Override
      public int size() {
        return integers.length;
      }
    };
  }

  ArrayNode toJson() {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    if (integers != null) {
      for (long v : integers) {
        array.add(v);
      }
    } else {
      for (String s : strings) {
        array.add(s);
      }
    }
    return array;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AnyValues a
        && Arrays.equals(a.strings, strings)
        && Arrays.equals(a.integers, integers);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(strings) + Arrays.hashCode(integers);
  }

  @Override
  public String toString() {
    return toJson().toString();
  }
}
