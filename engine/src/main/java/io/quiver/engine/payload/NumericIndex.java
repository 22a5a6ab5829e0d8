package io.quiver.engine.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.roaringbitmap.RoaringBitmap;

/**
 * An ordered index for {@code integer}, {@code float} and {@code datetime} fields; keys are longs
 * in a sorted map, so a range is one sub-map walk.
 *
 * <ul>
 *   <li>integer: numbers that are 64-bit integers, as themselves. Points that also hold another
 *       number (a fraction, a too-large integer) are tracked, and a range over such a point is not
 *       answered here, since the reference compares those numbers too.
 *   <li>float: every number as a double, in an order-preserving long encoding; {@code -0.0} is
 *       stored as {@code 0.0}, which compares equal to it.
 *   <li>datetime: strings {@link DateTimes} reads, as epoch microseconds.
 * </ul>
 */
final class NumericIndex extends FieldIndex<Long> {

  private static final double EXACT_LONG_LIMIT = 0x1p53;

  private final FieldIndexKind kind;
  private final TreeMap<Long, RoaringBitmap> sorted;

  /** integer only: points holding a number that is not a 64-bit integer. */
  final RoaringBitmap otherNumbers = new RoaringBitmap();

  NumericIndex(JsonPath path, FieldIndexKind kind) {
    this(path, kind, new TreeMap<>());
  }

  private NumericIndex(JsonPath path, FieldIndexKind kind, TreeMap<Long, RoaringBitmap> sorted) {
    super(path, sorted);
    if (kind != FieldIndexKind.INTEGER
        && kind != FieldIndexKind.FLOAT
        && kind != FieldIndexKind.DATETIME) {
      throw new IllegalArgumentException("not an ordered index kind: " + kind);
    }
    this.kind = kind;
    this.sorted = sorted;
  }

  @Override
  public FieldIndexKind kind() {
    return kind;
  }

  @Override
  Long keyOf(JsonNode value) {
    switch (kind) {
      case INTEGER:
        return isLong(value) ? value.longValue() : null;
      case FLOAT:
        return value.isNumber() ? sortable(value.doubleValue()) : null;
      default:
        if (!value.isTextual()) {
          return null;
        }
        long micros = DateTimes.parseMicros(value.textValue());
        return micros == DateTimes.INVALID ? null : micros;
    }
  }

  /** A number Qdrant reads as an i64. */
  static boolean isLong(JsonNode value) {
    return value.isIntegralNumber() && value.canConvertToLong();
  }

  @Override
  void addOther(int offset, JsonNode value) {
    if (kind == FieldIndexKind.INTEGER && value.isNumber()) {
      otherNumbers.add(offset);
    }
  }

  @Override
  void removeOther(int offset) {
    otherNumbers.remove(offset);
  }

  /** Encodes a double as a long with the same order (after folding -0.0 into 0.0). */
  static long sortable(double value) {
    long bits = Double.doubleToLongBits(value == 0.0 ? 0.0 : value);
    return bits ^ ((bits >> 63) & Long.MAX_VALUE);
  }

  static double unsortable(long key) {
    return Double.longBitsToDouble(key ^ ((key >> 63) & Long.MAX_VALUE));
  }

  @Override
  public RoaringBitmap matchInteger(long value) {
    return kind == FieldIndexKind.INTEGER ? pointsOf(value) : null;
  }

  @Override
  public RoaringBitmap matchAnyInteger(Collection<Long> values) {
    return kind == FieldIndexKind.INTEGER ? union(values) : null;
  }

  @Override
  public RoaringBitmap exceptIntegers(Collection<Long> values) {
    // Every non-key value (fraction, big integer, string, bool, object, nested array) is outside
    // a list of integers: the reference says yes for it, and except() counts it.
    return kind == FieldIndexKind.INTEGER ? except(values) : null;
  }

  @Override
  public RoaringBitmap range(double low, boolean lowInclusive, double high, boolean highInclusive) {
    if (kind == FieldIndexKind.FLOAT) {
      return unionOf(subMap(sortable(low), lowInclusive, sortable(high), highInclusive));
    }
    if (kind != FieldIndexKind.INTEGER || !otherNumbers.isEmpty()) {
      return null;
    }
    // Keys compare as (double) key, which is monotone in the key but not one-to-one above 2^53:
    // start a little below the bound and test each key as a double.
    NavigableMap<Long, RoaringBitmap> tail =
        low == Double.NEGATIVE_INFINITY ? sorted : sorted.tailMap(startKey(low), true);
    List<RoaringBitmap> parts = new ArrayList<>();
    for (Map.Entry<Long, RoaringBitmap> e : tail.entrySet()) {
      double value = e.getKey();
      if (lowInclusive ? value < low : value <= low) {
        continue;
      }
      if (highInclusive ? value > high : value >= high) {
        break;
      }
      parts.add(e.getValue());
    }
    return unionOf(parts);
  }

  private static long startKey(double low) {
    double floor = Math.floor(low);
    long slack = Math.abs(floor) < EXACT_LONG_LIMIT ? 1 : 4096;
    long start = (long) floor; // saturates at Long.MIN_VALUE / MAX_VALUE
    return start < Long.MIN_VALUE + slack ? Long.MIN_VALUE : start - slack;
  }

  @Override
  public RoaringBitmap rangeMicros(long low, long high) {
    if (kind != FieldIndexKind.DATETIME) {
      return null;
    }
    return low > high ? new RoaringBitmap() : unionOf(sorted.subMap(low, true, high, true));
  }

  private NavigableMap<Long, RoaringBitmap> subMap(
      long low, boolean lowInclusive, long high, boolean highInclusive) {
    if (low > high || (low == high && !(lowInclusive && highInclusive))) {
      return new TreeMap<>();
    }
    return sorted.subMap(low, lowInclusive, high, highInclusive);
  }

  private static RoaringBitmap unionOf(NavigableMap<Long, RoaringBitmap> map) {
    return unionOf(new ArrayList<>(map.values()));
  }
}
