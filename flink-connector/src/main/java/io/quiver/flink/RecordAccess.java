package io.quiver.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qdrant.client.grpc.JsonWithInt;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.annotation.Internal;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/**
 * What the bounded build ({@code io.quiver.flink.build}) needs of a {@link QuiverRecord} beyond its
 * public accessors: the record as the engine's types (the build writes segments itself instead of
 * sending the record to a node) and its serializer (the build spills records to files).
 */
@Internal
public final class RecordAccess {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private RecordAccess() {}

  /** The record's id as the engine's. */
  public static PointId id(QuiverRecord record) {
    return record.id() instanceof UUID u ? PointId.of(u) : PointId.of((Long) record.id());
  }

  /** An upsert's vectors by name ({@code ""} for the unnamed one): the record's arrays. */
  public static Map<String, float[]> vectors(QuiverRecord record) {
    if (record.operation() != QuiverRecord.Operation.UPSERT) {
      throw new IllegalArgumentException(describe(record) + " is a delete, not a point");
    }
    return record.vector() != null ? Map.of("", record.vector()) : record.vectors();
  }

  /** The point an upsert writes; its vectors are the record's arrays, not copies. */
  public static Point point(QuiverRecord record) {
    Map<String, float[]> vectors = vectors(record);
    ObjectNode payload = NODES.objectNode();
    if (record.payload() != null) {
      record.payload().getFieldsMap().forEach((k, v) -> payload.set(k, json(v)));
    }
    return new Point(id(record), vectors, payload);
  }

  /** The serializer Flink moves records with; the build writes its spill files with it. */
  public static TypeSerializer<QuiverRecord> serializer() {
    return QuiverRecordSerializer.INSTANCE;
  }

  /** "point 17 (version 4)", as the streaming sink's messages name a record. */
  public static String describe(QuiverRecord record) {
    return RecordConverter.describe(record);
  }

  private static JsonNode json(JsonWithInt.Value v) {
    switch (v.getKindCase()) {
      case NULL_VALUE:
      case KIND_NOT_SET:
        return NODES.nullNode();
      case BOOL_VALUE:
        return NODES.booleanNode(v.getBoolValue());
      case INTEGER_VALUE:
        return NODES.numberNode(v.getIntegerValue());
      case DOUBLE_VALUE:
        return NODES.numberNode(v.getDoubleValue());
      case STRING_VALUE:
        return NODES.textNode(v.getStringValue());
      case LIST_VALUE:
        ArrayNode list = NODES.arrayNode();
        v.getListValue().getValuesList().forEach(e -> list.add(json(e)));
        return list;
      case STRUCT_VALUE:
        ObjectNode object = NODES.objectNode();
        v.getStructValue().getFieldsMap().forEach((k, e) -> object.set(k, json(e)));
        return object;
      default:
        throw new IllegalArgumentException("unknown payload value kind " + v.getKindCase());
    }
  }
}
