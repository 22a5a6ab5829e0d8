package io.quiver.flink;

import io.qdrant.client.grpc.JsonWithInt;
import java.io.Serializable;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.apache.flink.api.common.typeinfo.TypeInfo;

/**
 * One write for {@link QuiverSink}: an upsert of a point (id, one unnamed vector or named vectors,
 * an optional payload) or a delete of an id, each with the writer's version of that id.
 *
 * <p>The version is an unsigned 64-bit number that grows with every change of an id in the source
 * (a Kafka offset, a CDC log position, an event time in microseconds): the node keeps the last
 * version it applied per id and leaves any write with the same or an older version alone. A Java
 * {@code long} id or version is read as unsigned, as the engine reads it ({@code -1} is 2^64 - 1).
 *
 * <p>Ids are unsigned 64-bit integers or UUIDs: a {@code Long} (unsigned), a non-negative {@code
 * Integer}, {@code Short} or {@code BigInteger} below 2^64, a {@link UUID}, or a {@code String}
 * holding either.
 *
 * <pre>{@code
 * QuiverRecord.upsert(42L, embedding, offset).withPayload(Map.of("lang", "en"));
 * QuiverRecord.upsertNamed(id, Map.of("text", textVector, "image", imageVector), offset);
 * QuiverRecord.delete(42L, offset);
 * }</pre>
 *
 * <p>Flink serializes records between operators with {@link QuiverRecordSerializer}; the class is
 * immutable, so records are never copied.
 */
@TypeInfo(QuiverRecordTypeInfoFactory.class)
public final class QuiverRecord implements Serializable {

  private static final long serialVersionUID = 1L;

  /** What a record does to its id. */
  public enum Operation {
    UPSERT,
    DELETE
  }

  private final Operation operation;
  private final Object id;
  private final long version;
  private final float[] vector;
  private final Map<String, float[]> vectors;
  private final JsonWithInt.Struct payload;

  QuiverRecord(
      Operation operation,
      Object id,
      long version,
      float[] vector,
      Map<String, float[]> vectors,
      JsonWithInt.Struct payload) {
    this.operation = Objects.requireNonNull(operation, "operation");
    this.id = id(id);
    this.version = version;
    this.vector = vector;
    this.vectors = vectors;
    this.payload = payload;
  }

  /** An upsert of a point with one unnamed vector. */
  public static QuiverRecord upsert(Object id, float[] vector, long version) {
    if (vector == null) {
      throw new IllegalArgumentException(
          "quiver sink: the vector of point " + id + " (version " + version + ") is null");
    }
    return new QuiverRecord(Operation.UPSERT, id, version, vector, null, null);
  }

  /** An upsert of a point with named vectors (the name {@code ""} is the unnamed vector). */
  public static QuiverRecord upsertNamed(Object id, Map<String, float[]> vectors, long version) {
    if (vectors == null || vectors.isEmpty()) {
      throw new IllegalArgumentException(
          "quiver sink: point "
              + id
              + " (version "
              + version
              + ") has no vectors; an upsert needs at least one");
    }
    return new QuiverRecord(
        Operation.UPSERT,
        id,
        version,
        null,
        Collections.unmodifiableMap(new LinkedHashMap<>(vectors)),
        null);
  }

  /** A delete of an id: the point goes, and the id's version is kept as its tombstone. */
  public static QuiverRecord delete(Object id, long version) {
    return new QuiverRecord(Operation.DELETE, id, version, null, null, null);
  }

  /**
   * This upsert with a payload of {@code String}, {@code Number}, {@code Boolean}, {@code null},
   * {@code Map}, {@code List} and array values; converted (and checked) here.
   *
   * @throws IllegalArgumentException naming the point and the payload field of a value JSON cannot
   *     hold (NaN, an unknown type)
   */
  public QuiverRecord withPayload(Map<String, ?> payload) {
    checkUpsert("payload");
    return payload == null
        ? this
        : withPayloadFields(PayloadValues.fromMap(payload, RecordConverter.describe(this)));
  }

  /**
   * This upsert with a payload given as a JSON object's text; parsed (and checked) here.
   *
   * @throws IllegalArgumentException naming the point when the text is not a JSON object
   */
  public QuiverRecord withPayloadJson(String json) {
    checkUpsert("payload");
    return json == null
        ? this
        : withPayloadFields(PayloadValues.fromJson(json, RecordConverter.describe(this)));
  }

  private QuiverRecord withPayloadFields(Map<String, JsonWithInt.Value> fields) {
    return new QuiverRecord(
        operation,
        id,
        version,
        vector,
        vectors,
        JsonWithInt.Struct.newBuilder().putAllFields(fields).build());
  }

  private void checkUpsert(String what) {
    if (operation != Operation.UPSERT) {
      throw new IllegalStateException(
          "quiver sink: a delete of point " + id + " carries no " + what);
    }
  }

  public Operation operation() {
    return operation;
  }

  /** A {@link Long} (unsigned) or a {@link UUID}. */
  public Object id() {
    return id;
  }

  /** Unsigned. */
  public long version() {
    return version;
  }

  /** The unnamed vector, or null when the point has named vectors (or for a delete). */
  public float[] vector() {
    return vector;
  }

  /** The named vectors, or null. */
  public Map<String, float[]> vectors() {
    return vectors;
  }

  /** The payload as Qdrant's message, or null. */
  JsonWithInt.Struct payload() {
    return payload;
  }

  @Override
  public boolean equals(Object o) {
    if (!(o instanceof QuiverRecord)) {
      return false;
    }
    QuiverRecord r = (QuiverRecord) o;
    return operation == r.operation
        && id.equals(r.id)
        && version == r.version
        && Arrays.equals(vector, r.vector)
        && vectorsEqual(vectors, r.vectors)
        && Objects.equals(payload, r.payload);
  }

  private static boolean vectorsEqual(Map<String, float[]> a, Map<String, float[]> b) {
    if (a == null || b == null) {
      return a == b;
    }
    if (!a.keySet().equals(b.keySet())) {
      return false;
    }
    for (Map.Entry<String, float[]> e : a.entrySet()) {
      if (!Arrays.equals(e.getValue(), b.get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    return Objects.hash(operation, id, version) * 31 + Arrays.hashCode(vector);
  }

  @Override
  public String toString() {
    StringBuilder s =
        new StringBuilder(operation == Operation.UPSERT ? "upsert " : "delete ")
            .append(idText(id))
            .append(" v")
            .append(Long.toUnsignedString(version));
    if (vector != null) {
      s.append(" vector[").append(vector.length).append(']');
    }
    if (vectors != null) {
      s.append(" vectors");
      vectors.forEach(
          (name, v) ->
              s.append(" '")
                  .append(name)
                  .append("'[")
                  .append(v == null ? "null" : v.length)
                  .append(']'));
    }
    if (payload != null) {
      s.append(" with payload");
    }
    return s.toString();
  }

  /** An id as the node prints it: unsigned decimal, or the UUID. */
  static String idText(Object id) {
    return id instanceof Long ? Long.toUnsignedString((Long) id) : String.valueOf(id);
  }

  private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

  /** The id as a {@code Long} (unsigned) or a {@code UUID}. */
  static Object id(Object id) {
    if (id == null) {
      throw new IllegalArgumentException("quiver sink: id is null; every record needs an id");
    }
    if (id instanceof Long || id instanceof UUID) {
      return id;
    }
    if (id instanceof Integer || id instanceof Short || id instanceof Byte) {
      long value = ((Number) id).longValue();
      if (value < 0) {
        throw badId(id);
      }
      return value;
    }
    if (id instanceof BigInteger) {
      BigInteger value = (BigInteger) id;
      if (value.signum() < 0 || value.compareTo(TWO_TO_64) >= 0) {
        throw badId(id);
      }
      return value.longValue();
    }
    if (id instanceof String) {
      String text = (String) id;
      try {
        return text.indexOf('-') > 0 ? UUID.fromString(text) : Long.parseUnsignedLong(text);
      } catch (IllegalArgumentException e) {
        throw badId("'" + text + "'");
      }
    }
    throw new IllegalArgumentException(
        "quiver sink: id must be an unsigned 64-bit integer or a UUID (Long, Integer, BigInteger,"
            + " UUID or String); got a "
            + id.getClass().getName()
            + ": "
            + id);
  }

  private static IllegalArgumentException badId(Object shown) {
    return new IllegalArgumentException(
        "quiver sink: id must be an unsigned 64-bit integer or a UUID; got " + shown);
  }
}
