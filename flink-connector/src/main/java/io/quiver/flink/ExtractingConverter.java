package io.quiver.flink;

import java.util.Map;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Builds a {@link QuiverRecord} from an element with the builder's extractors. A delete asks only
 * for the id and the version; a missing id, version or vector fails naming the extractor and, where
 * there is one, the point.
 */
final class ExtractingConverter<IN> implements SerializableFunction<IN, QuiverRecord> {

  private static final long serialVersionUID = 1L;

  private final SerializableFunction<IN, ?> id;
  private final SerializableFunction<IN, Long> version;
  private final SerializableFunction<IN, QuiverRecord.Operation> operation;
  private final SerializableFunction<IN, float[]> vector;
  private final SerializableFunction<IN, Map<String, float[]>> vectors;
  private final SerializableFunction<IN, Map<String, ?>> payload;
  private final SerializableFunction<IN, String> payloadJson;

  ExtractingConverter(
      SerializableFunction<IN, ?> id,
      SerializableFunction<IN, Long> version,
      SerializableFunction<IN, QuiverRecord.Operation> operation,
      SerializableFunction<IN, float[]> vector,
      SerializableFunction<IN, Map<String, float[]>> vectors,
      SerializableFunction<IN, Map<String, ?>> payload,
      SerializableFunction<IN, String> payloadJson) {
    this.id = id;
    this.version = version;
    this.operation = operation;
    this.vector = vector;
    this.vectors = vectors;
    this.payload = payload;
    this.payloadJson = payloadJson;
  }

  @Override
  public QuiverRecord apply(IN element) {
    Object key = id.apply(element);
    if (key == null) {
      throw new IllegalArgumentException(
          "quiver sink: the id extractor returned null (field 'id') for " + shorten(element));
    }
    Long v = version.apply(element);
    if (v == null) {
      throw new IllegalArgumentException(
          "quiver sink: the version extractor returned null (field 'version') for point "
              + key
              + "; every write needs a version");
    }
    QuiverRecord.Operation op =
        operation == null ? QuiverRecord.Operation.UPSERT : operation.apply(element);
    if (op == null) {
      throw new IllegalArgumentException(
          "quiver sink: the operation extractor returned null (field 'operation') for point "
              + key
              + " (version "
              + Long.toUnsignedString(v)
              + "); it must be UPSERT or DELETE");
    }
    if (op == QuiverRecord.Operation.DELETE) {
      return QuiverRecord.delete(key, v);
    }
    QuiverRecord record;
    if (vector != null) {
      float[] values = vector.apply(element);
      if (values == null) {
        throw missingVector("vector", key, v);
      }
      record = QuiverRecord.upsert(key, values, v);
    } else {
      Map<String, float[]> named = vectors.apply(element);
      if (named == null || named.isEmpty()) {
        throw missingVector("vectors", key, v);
      }
      record = QuiverRecord.upsertNamed(key, named, v);
    }
    if (payload != null) {
      Map<String, ?> p = payload.apply(element);
      return p == null ? record : record.withPayload(p);
    }
    if (payloadJson != null) {
      String p = payloadJson.apply(element);
      return p == null ? record : record.withPayloadJson(p);
    }
    return record;
  }

  private static IllegalArgumentException missingVector(String field, Object key, long version) {
    return new IllegalArgumentException(
        "quiver sink: the "
            + field
            + " extractor returned "
            + (field.equals("vector") ? "null" : "no vectors")
            + " (field '"
            + field
            + "') for the upsert of point "
            + key
            + " (version "
            + Long.toUnsignedString(version)
            + ")");
  }

  private static String shorten(Object element) {
    String s = String.valueOf(element);
    return s.length() > 200 ? s.substring(0, 200) + "..." : s;
  }
}
