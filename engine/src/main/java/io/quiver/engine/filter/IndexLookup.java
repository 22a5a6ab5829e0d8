package io.quiver.engine.filter;

import io.quiver.engine.filter.Condition.DatetimeRange;
import io.quiver.engine.filter.Condition.FieldCondition;
import io.quiver.engine.filter.Condition.MatchAny;
import io.quiver.engine.filter.Condition.MatchBool;
import io.quiver.engine.filter.Condition.MatchExcept;
import io.quiver.engine.filter.Condition.MatchInteger;
import io.quiver.engine.filter.Condition.MatchKeyword;
import io.quiver.engine.filter.Condition.Range;
import io.quiver.engine.payload.FieldIndex;
import java.util.Collection;
import org.roaringbitmap.RoaringBitmap;

/** Translates field conditions into field index queries. */
final class IndexLookup {

  private IndexLookup() {}

  /** The exact points for {@code c} from the first index that can answer it, or null. */
  static RoaringBitmap answer(FieldCondition c, Collection<FieldIndex<?>> indexes) {
    for (FieldIndex<?> index : indexes) {
      RoaringBitmap points = answer(c, index);
      if (points != null) {
        return points;
      }
    }
    return null;
  }

  private static RoaringBitmap answer(FieldCondition c, FieldIndex<?> index) {
    if (c instanceof MatchKeyword m) {
      return index.matchKeyword(m.value());
    }
    if (c instanceof MatchInteger m) {
      return index.matchInteger(m.value());
    }
    if (c instanceof MatchBool m) {
      return index.matchBool(m.value());
    }
    if (c instanceof MatchAny m) {
      return m.any().isIntegers()
          ? index.matchAnyInteger(m.any().integers())
          : index.matchAnyKeyword(m.any().strings());
    }
    if (c instanceof MatchExcept m) {
      return m.except().isIntegers()
          ? index.exceptIntegers(m.except().integers())
          : index.exceptKeywords(m.except().strings());
    }
    if (c instanceof Range r) {
      double low = Double.NEGATIVE_INFINITY;
      boolean lowInclusive = true;
      if (r.gte() != null) {
        low = r.gte();
      }
      if (r.gt() != null && r.gt() >= low) {
        low = r.gt();
        lowInclusive = false;
      }
      double high = Double.POSITIVE_INFINITY;
      boolean highInclusive = true;
      if (r.lte() != null) {
        high = r.lte();
      }
      if (r.lt() != null && r.lt() <= high) {
        high = r.lt();
        highInclusive = false;
      }
      return index.range(low, lowInclusive, high, highInclusive);
    }
    if (c instanceof DatetimeRange r) {
      long low = Long.MIN_VALUE;
      long high = Long.MAX_VALUE;
      if (r.gte() != null) {
        low = Math.max(low, r.gte());
      }
      if (r.gt() != null) {
        low = Math.max(low, r.gt() + 1);
      }
      if (r.lte() != null) {
        high = Math.min(high, r.lte());
      }
      if (r.lt() != null) {
        high = Math.min(high, r.lt() - 1);
      }
      return index.rangeMicros(low, high);
    }
    return null; // text and values_count are checked on payloads
  }
}
