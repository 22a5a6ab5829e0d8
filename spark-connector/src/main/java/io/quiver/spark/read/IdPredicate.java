package io.quiver.spark.read;

import io.quiver.engine.point.PointId;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.sources.EqualNullSafe;
import org.apache.spark.sql.sources.EqualTo;
import org.apache.spark.sql.sources.Filter;
import org.apache.spark.sql.sources.GreaterThan;
import org.apache.spark.sql.sources.GreaterThanOrEqual;
import org.apache.spark.sql.sources.In;
import org.apache.spark.sql.sources.IsNotNull;
import org.apache.spark.sql.sources.LessThan;
import org.apache.spark.sql.sources.LessThanOrEqual;

/**
 * The conjunction of a read's pushed-down predicates on the {@code id} column: an optional set of
 * ids ({@code id = x}, {@code id IN (...)}) and, for numeric ids, an optional inclusive range
 * ({@code <}, {@code <=}, {@code >}, {@code >=}). A segment answers a set by looking the ids up and
 * a range by testing each point's id, so neither payloads nor vectors are read for other points;
 * with a set, only the shards the ids route to are read at all.
 */
final class IdPredicate implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Nothing pushed: every point passes. */
  static final IdPredicate ALL = new IdPredicate(null, Long.MIN_VALUE, Long.MAX_VALUE);

  /** The allowed ids (canonical text), or null for no restriction; empty: nothing passes. */
  private final List<String> ids;

  private final long lowest;
  private final long highest;

  private IdPredicate(List<String> ids, long lowest, long highest) {
    this.ids = ids == null ? null : List.copyOf(ids);
    this.lowest = lowest;
    this.highest = highest;
  }

  /**
   * This predicate and {@code filter}, or null when {@code filter} is not one this read can answer
   * exactly (Spark then evaluates it after the scan).
   *
   * @param stringIds whether the id column is a string (numbers and UUIDs) rather than a long
   */
  IdPredicate and(Filter filter, boolean stringIds) {
    String id = CollectionVersion.ID;
    if (filter instanceof IsNotNull f && f.attribute().equals(id)) {
      return this; // ids are never null
    }
    if (filter instanceof EqualTo f && f.attribute().equals(id)) {
      return withIds(new Object[] {f.value()}, stringIds);
    }
    if (filter instanceof EqualNullSafe f && f.attribute().equals(id)) {
      return withIds(new Object[] {f.value()}, stringIds);
    }
    if (filter instanceof In f && f.attribute().equals(id)) {
      return withIds(f.values(), stringIds);
    }
    if (stringIds) {
      return null; // a string column compares as text, not as the ids' numeric order
    }
    if (filter instanceof GreaterThan f && f.attribute().equals(id) && isLong(f.value())) {
      long v = ((Number) f.value()).longValue();
      return v == Long.MAX_VALUE ? none() : withRange(v + 1, Long.MAX_VALUE);
    }
    if (filter instanceof GreaterThanOrEqual f && f.attribute().equals(id) && isLong(f.value())) {
      return withRange(((Number) f.value()).longValue(), Long.MAX_VALUE);
    }
    if (filter instanceof LessThan f && f.attribute().equals(id) && isLong(f.value())) {
      long v = ((Number) f.value()).longValue();
      return v == Long.MIN_VALUE ? none() : withRange(Long.MIN_VALUE, v - 1);
    }
    if (filter instanceof LessThanOrEqual f && f.attribute().equals(id) && isLong(f.value())) {
      return withRange(Long.MIN_VALUE, ((Number) f.value()).longValue());
    }
    return null;
  }

  private static boolean isLong(Object value) {
    return value instanceof Long || value instanceof Integer;
  }

  private IdPredicate none() {
    return new IdPredicate(List.of(), lowest, highest);
  }

  private IdPredicate withRange(long low, long high) {
    return new IdPredicate(ids, Math.max(lowest, low), Math.min(highest, high));
  }

  /** Intersects the id set with {@code values}; null when a value is not an id of this column. */
  private IdPredicate withIds(Object[] values, boolean stringIds) {
    Set<String> wanted = new LinkedHashSet<>();
    for (Object value : values) {
      if (value == null) {
        continue; // id = NULL matches nothing
      }
      PointId parsed;
      if (!stringIds && isLong(value)) {
        long v = ((Number) value).longValue();
        if (v < 0) {
          continue; // ids are unsigned: no point has it
        }
        parsed = PointId.of(v);
      } else if (stringIds && value instanceof String s) {
        try {
          parsed = PointId.parse(s, "id");
        } catch (IllegalArgumentException e) {
          continue; // not a number or a UUID: no point has it
        }
        if (!parsed.toString().equals(s)) {
          continue; // the column holds the canonical spelling; another one matches nothing
        }
      } else {
        return null;
      }
      wanted.add(parsed.toString());
    }
    if (ids != null) {
      wanted.retainAll(ids);
    }
    return new IdPredicate(new ArrayList<>(wanted), lowest, highest);
  }

  boolean isAll() {
    return ids == null && lowest == Long.MIN_VALUE && highest == Long.MAX_VALUE;
  }

  /** The allowed ids, or null when the predicate does not restrict to a set. */
  List<PointId> ids() {
    if (ids == null) {
      return null;
    }
    List<PointId> out = new ArrayList<>(ids.size());
    for (String id : ids) {
      out.add(PointId.parse(id, "id"));
    }
    return out;
  }

  /** Whether {@code id} lies in the range (a UUID never lies in a numeric range). */
  boolean inRange(PointId id) {
    if (lowest == Long.MIN_VALUE && highest == Long.MAX_VALUE) {
      return true;
    }
    return !id.isUuid() && id.num() >= lowest && id.num() <= highest;
  }

  @Override
  public String toString() {
    List<String> parts = new ArrayList<>();
    if (ids != null) {
      parts.add("id IN " + ids);
    }
    if (lowest != Long.MIN_VALUE) {
      parts.add("id >= " + lowest);
    }
    if (highest != Long.MAX_VALUE) {
      parts.add("id <= " + highest);
    }
    return parts.isEmpty() ? "all ids" : String.join(" AND ", parts);
  }
}
