package io.quiver.engine.filter;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A Qdrant filter: every {@code must} condition holds, at least one {@code should} condition holds
 * (an empty list is no constraint), at least {@code minShould.minCount} of {@code
 * minShould.conditions} hold, and no {@code mustNot} condition holds. A filter is itself a
 * condition, so filters nest.
 */
public record Filter(
    List<Condition> must, List<Condition> should, List<Condition> mustNot, MinShould minShould)
    implements Condition {

  /** {@code min_should}: at least {@code minCount} of {@code conditions} hold. */
  public record MinShould(List<Condition> conditions, int minCount) {
    public MinShould {
      conditions = List.copyOf(conditions);
      if (minCount < 0) {
        throw new IllegalArgumentException("min_count must be >= 0; got " + minCount);
      }
    }
  }

  public Filter {
    must = must == null ? List.of() : List.copyOf(must);
    should = should == null ? List.of() : List.copyOf(should);
    mustNot = mustNot == null ? List.of() : List.copyOf(mustNot);
  }

  /** The filter without conditions, which every point passes. */
  public static Filter all() {
    return new Filter(null, null, null, null);
  }

  public static Filter must(Condition... conditions) {
    return new Filter(List.of(conditions), null, null, null);
  }

  public static Filter should(Condition... conditions) {
    return new Filter(null, List.of(conditions), null, null);
  }

  public static Filter mustNot(Condition... conditions) {
    return new Filter(null, null, List.of(conditions), null);
  }

  public static Filter minShould(int minCount, Condition... conditions) {
    return new Filter(null, null, null, new MinShould(List.of(conditions), minCount));
  }

  public boolean isEmpty() {
    return must.isEmpty() && should.isEmpty() && mustNot.isEmpty() && minShould == null;
  }

  /**
   * The REST JSON of this filter. A filter without conditions is written {@code {"must": []}}, so
   * that it reads back as a filter even where it is nested as a condition.
   */
  @Override
  public ObjectNode toJson() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    if (!must.isEmpty() || isEmpty()) {
      json.set("must", array(must));
    }
    if (!should.isEmpty()) {
      json.set("should", array(should));
    }
    if (!mustNot.isEmpty()) {
      json.set("must_not", array(mustNot));
    }
    if (minShould != null) {
      ObjectNode min = JsonNodeFactory.instance.objectNode();
      min.set("conditions", array(minShould.conditions()));
      min.put("min_count", minShould.minCount());
      json.set("min_should", min);
    }
    return json;
  }

  private static ArrayNode array(List<Condition> conditions) {
    ArrayNode array = JsonNodeFactory.instance.arrayNode();
    for (Condition c : conditions) {
      array.add(c.toJson());
    }
    return array;
  }

  @Override
  public String toString() {
    return toJson().toString();
  }
}
