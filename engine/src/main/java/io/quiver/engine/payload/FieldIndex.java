package io.quiver.engine.payload;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.roaringbitmap.RoaringBitmap;

/**
 * An index over one payload path of one segment: for each distinct value of the index's type, the
 * bitmap of point offsets holding it. Values are the path's values with a final array flattened one
 * level; a value of another type is not a key but is remembered in {@link #otherPoints()}, so that
 * negative conditions ({@code except}) stay exact.
 *
 * <p>Every index also answers {@code is_empty} and {@code is_null} for its path exactly, whatever
 * the type: it records which points hold a non-empty value and which hold a {@code null}.
 *
 * <p>The query methods ({@link #matchKeyword}, {@link #range}, ...) return a new bitmap holding
 * exactly the points for which the reference evaluator would say yes, or {@code null} when this
 * index cannot answer that question exactly; the caller then checks payloads. An index must have
 * seen {@link #add} for every point of its segment that has a payload; offsets it never saw have no
 * values.
 *
 * <p>Not thread-safe: a mutable segment serializes updates and queries on it.
 *
 * @param <K> the key type: String, Long (sortable encoding), Boolean or UUID
 */
public abstract class FieldIndex<K> {

  private final JsonPath path;
  final Map<K, RoaringBitmap> postings;
  final RoaringBitmap nonEmpty = new RoaringBitmap();
  final RoaringBitmap hasNull = new RoaringBitmap();
  final RoaringBitmap other = new RoaringBitmap();
  private Object[][] keysByOffset = new Object[16][];
  private final List<JsonNode> scratch = new ArrayList<>();
  private Object[] keyBuffer = new Object[4];
  private int keyBufferSize;

  FieldIndex(JsonPath path, Map<K, RoaringBitmap> postings) {
    this.path = path;
    this.postings = postings;
  }

  public final JsonPath path() {
    return path;
  }

  public abstract FieldIndexKind kind();

  /** The key for one flattened, non-null value, or null when the value is not of this type. */
  abstract K keyOf(JsonNode value);

  /** Called for each non-null value that is not a key; subclasses may track more. */
  void addOther(int offset, JsonNode value) {}

  /** Called when {@code offset} is removed. */
  void removeOther(int offset) {}

  /** Indexes the values of {@code payload} for {@code offset}, replacing what it had. */
  public final void add(int offset, ObjectNode payload) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0; got " + offset);
    }
    remove(offset);
    scratch.clear();
    path.rawValues(payload, scratch);
    keyBufferSize = 0;
    for (JsonNode raw : scratch) {
      if (raw.isNull()) {
        hasNull.add(offset);
      } else if (raw.isArray()) {
        if (!raw.isEmpty()) {
          nonEmpty.add(offset);
          for (JsonNode element : raw) {
            addValue(offset, element);
          }
        }
      } else {
        nonEmpty.add(offset);
        addValue(offset, raw);
      }
    }
    scratch.clear();
    if (keyBufferSize > 0) {
      ensureCapacity(offset);
      keysByOffset[offset] = Arrays.copyOf(keyBuffer, keyBufferSize);
      Arrays.fill(keyBuffer, 0, keyBufferSize, null);
    }
  }

  private void addValue(int offset, JsonNode value) {
    if (value.isNull()) {
      return;
    }
    K key = keyOf(value);
    if (key == null) {
      other.add(offset);
      addOther(offset, value);
      return;
    }
    for (int i = 0; i < keyBufferSize; i++) {
      if (keyBuffer[i].equals(key)) {
        return;
      }
    }
    if (keyBufferSize == keyBuffer.length) {
      keyBuffer = Arrays.copyOf(keyBuffer, keyBufferSize * 2);
    }
    keyBuffer[keyBufferSize++] = key;
    postings.computeIfAbsent(key, k -> new RoaringBitmap()).add(offset);
  }

  /** Forgets everything indexed for {@code offset}. */
  public final void remove(int offset) {
    if (offset < keysByOffset.length && keysByOffset[offset] != null) {
      for (Object key : keysByOffset[offset]) {
        RoaringBitmap points = postings.get(key);
        points.remove(offset);
        if (points.isEmpty()) {
          postings.remove(key);
        }
      }
      keysByOffset[offset] = null;
    }
    nonEmpty.remove(offset);
    hasNull.remove(offset);
    other.remove(offset);
    removeOther(offset);
  }

  /** Rebuilds the per-offset keys from the postings, after reading. */
  final void restoreKeysByOffset() {
    for (Map.Entry<K, RoaringBitmap> e : postings.entrySet()) {
      Object key = e.getKey();
      e.getValue()
          .forEach(
              (int offset) -> {
                ensureCapacity(offset);
                Object[] keys = keysByOffset[offset];
                if (keys == null) {
                  keysByOffset[offset] = new Object[] {key};
                } else {
                  keys = Arrays.copyOf(keys, keys.length + 1);
                  keys[keys.length - 1] = key;
                  keysByOffset[offset] = keys;
                }
              });
    }
  }

  private void ensureCapacity(int offset) {
    if (offset >= keysByOffset.length) {
      keysByOffset = Arrays.copyOf(keysByOffset, Math.max(offset + 1, keysByOffset.length * 2));
    }
  }

  /** Points with at least one value that is neither null nor an empty array. */
  public final RoaringBitmap nonEmptyPoints() {
    return nonEmpty.clone();
  }

  /** Points where the path holds an explicit {@code null} (not {@code [null]}). */
  public final RoaringBitmap nullPoints() {
    return hasNull.clone();
  }

  /** Points with a non-null value that is not of this index's type. */
  public final RoaringBitmap otherPoints() {
    return other.clone();
  }

  /** Number of distinct keys. */
  public final int keyCount() {
    return postings.size();
  }

  /** Points holding {@code key}, or an empty bitmap. */
  final RoaringBitmap pointsOf(K key) {
    RoaringBitmap points = postings.get(key);
    return points == null ? new RoaringBitmap() : points.clone();
  }

  final RoaringBitmap union(Collection<K> keys) {
    List<RoaringBitmap> parts = new ArrayList<>(keys.size());
    for (K key : keys) {
      RoaringBitmap points = postings.get(key);
      if (points != null) {
        parts.add(points);
      }
    }
    return unionOf(parts);
  }

  /** Points with a key outside {@code excluded} or with a value of another type. */
  final RoaringBitmap except(Collection<K> excluded) {
    List<RoaringBitmap> parts = new ArrayList<>();
    parts.add(other);
    for (Map.Entry<K, RoaringBitmap> e : postings.entrySet()) {
      if (!excluded.contains(e.getKey())) {
        parts.add(e.getValue());
      }
    }
    return unionOf(parts);
  }

  /**
   * A new bitmap holding the union of {@code parts}. One aggregate union instead of OR-ing them in
   * turn into one bitmap: that re-merges the growing result with every part, which for a range over
   * 500 keys of a 5,000-point segment took 0.6 ms against 10 us.
   */
  static RoaringBitmap unionOf(List<RoaringBitmap> parts) {
    return parts.isEmpty() ? new RoaringBitmap() : RoaringBitmap.or(parts.iterator());
  }

  /** {@code match: {value: text}}; null when this index cannot answer. */
  public RoaringBitmap matchKeyword(String value) {
    return null;
  }

  /** {@code match: {any: [texts]}}; null when this index cannot answer. */
  public RoaringBitmap matchAnyKeyword(Collection<String> values) {
    return null;
  }

  /** {@code match: {except: [texts]}}; null when this index cannot answer. */
  public RoaringBitmap exceptKeywords(Collection<String> values) {
    return null;
  }

  /** {@code match: {value: integer}}; null when this index cannot answer. */
  public RoaringBitmap matchInteger(long value) {
    return null;
  }

  /** {@code match: {any: [integers]}}; null when this index cannot answer. */
  public RoaringBitmap matchAnyInteger(Collection<Long> values) {
    return null;
  }

  /** {@code match: {except: [integers]}}; null when this index cannot answer. */
  public RoaringBitmap exceptIntegers(Collection<Long> values) {
    return null;
  }

  /** {@code match: {value: bool}}; null when this index cannot answer. */
  public RoaringBitmap matchBool(boolean value) {
    return null;
  }

  /**
   * A numeric range over values compared as doubles; infinite bounds are open ends. Null when this
   * index cannot answer.
   */
  public RoaringBitmap range(double low, boolean lowInclusive, double high, boolean highInclusive) {
    return null;
  }

  /** A datetime range in epoch microseconds, both ends inclusive; null when not answerable. */
  public RoaringBitmap rangeMicros(long low, long high) {
    return null;
  }

  @Override
  public String toString() {
    return kind().schemaName() + " index on " + path + " (" + postings.size() + " keys)";
  }
}
