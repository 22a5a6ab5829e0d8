package io.quiver.serving.grpc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.JsonWithInt;
import io.qdrant.client.grpc.Points;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.operation.PointSelector;
import io.quiver.engine.point.Point;
import io.quiver.serving.config.StrictMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Qdrant's gRPC write messages as the engine's {@link Operation}s, with the node's limits checked
 * on the way (batch sizes, filter conditions). Every error names the request field and the value;
 * nothing here touches a collection.
 */
final class OperationProtos {

  private OperationProtos() {}

  static Operation upsert(List<Points.PointStruct> structs, String field, StrictMode strict) {
    strict.checkBatchSize(field, structs.size());
    List<Point> points = new ArrayList<>(structs.size());
    for (int i = 0; i < structs.size(); i++) {
      points.add(Protos.point(structs.get(i), field + "[" + i + "]"));
    }
    return new Operation.Upsert(points);
  }

  /** Refuses what Qdrant's upsert can ask for beyond a plain upsert. */
  static void plainUpsert(
      String method, boolean hasUpdateFilter, boolean hasMode, Points.UpdateMode mode) {
    if (hasUpdateFilter) {
      throw Calls.unimplemented(method, "update_filter (conditional updates) is not supported");
    }
    if (hasMode && mode != Points.UpdateMode.Upsert) {
      throw Calls.unimplemented(method, "update_mode " + mode + " is not supported; use Upsert");
    }
  }

  static Operation delete(Points.PointsSelector selector, String field, StrictMode strict) {
    return new Operation.DeletePoints(selector(selector, field, strict));
  }

  static Operation setPayload(
      Map<String, JsonWithInt.Value> payload,
      boolean hasSelector,
      Points.PointsSelector selector,
      boolean hasKey,
      String key,
      String field,
      StrictMode strict) {
    PointSelector points = requiredSelector(hasSelector, selector, field, strict);
    return new Operation.SetPayload(points, Protos.payload(payload), hasKey ? key : null);
  }

  static Operation overwritePayload(
      Map<String, JsonWithInt.Value> payload,
      boolean hasSelector,
      Points.PointsSelector selector,
      boolean hasKey,
      String field,
      StrictMode strict) {
    if (hasKey) {
      throw new IllegalArgumentException(
          field
              + "key: overwriting the payload under a key is not supported by Quiver; use"
              + " SetPayload with key, or OverwritePayload without one");
    }
    PointSelector points = requiredSelector(hasSelector, selector, field, strict);
    ObjectNode json = Protos.payload(payload);
    return new Operation.OverwritePayload(points, json);
  }

  static Operation deletePayload(
      List<String> keys,
      boolean hasSelector,
      Points.PointsSelector selector,
      String field,
      StrictMode strict) {
    PointSelector points = requiredSelector(hasSelector, selector, field, strict);
    return new Operation.DeletePayload(points, keys);
  }

  static Operation clearPayload(Points.PointsSelector selector, String field, StrictMode strict) {
    return new Operation.ClearPayload(selector(selector, field, strict));
  }

  static Operation createFieldIndex(Points.CreateFieldIndexCollection request) {
    String schema;
    if (request.hasFieldType()) {
      schema = schema(request.getFieldType());
      if (request.hasFieldIndexParams()) {
        String paramsSchema = schema(request.getFieldIndexParams());
        if (!paramsSchema.equals(schema)) {
          throw new IllegalArgumentException(
              "field_index_params: "
                  + request.getFieldIndexParams().getIndexParamsCase()
                  + " do not fit field_type "
                  + request.getFieldType());
        }
      }
    } else if (request.hasFieldIndexParams()) {
      schema = schema(request.getFieldIndexParams());
    } else {
      throw new IllegalArgumentException(
          "field_type is required: one of FieldTypeKeyword, FieldTypeInteger, FieldTypeFloat,"
              + " FieldTypeBool, FieldTypeDatetime, FieldTypeUuid");
    }
    if (schema.equals("geo") || schema.equals("text")) {
      throw new IllegalArgumentException(
          "field_type: "
              + schema
              + " indexes are not supported by Quiver; supported: keyword, integer, float, bool,"
              + " datetime, uuid");
    }
    return new Operation.CreateFieldIndex(request.getFieldName(), schema);
  }

  private static String schema(Points.FieldType type) {
    return switch (type) {
      case FieldTypeKeyword -> "keyword";
      case FieldTypeInteger -> "integer";
      case FieldTypeFloat -> "float";
      case FieldTypeGeo -> "geo";
      case FieldTypeText -> "text";
      case FieldTypeBool -> "bool";
      case FieldTypeDatetime -> "datetime";
      case FieldTypeUuid -> "uuid";
      default -> throw new IllegalArgumentException("field_type: unknown type " + type);
    };
  }

  private static String schema(Collections.PayloadIndexParams params) {
    return switch (params.getIndexParamsCase()) {
      case KEYWORD_INDEX_PARAMS -> "keyword";
      case INTEGER_INDEX_PARAMS -> "integer";
      case FLOAT_INDEX_PARAMS -> "float";
      case GEO_INDEX_PARAMS -> "geo";
      case TEXT_INDEX_PARAMS -> "text";
      case BOOL_INDEX_PARAMS -> "bool";
      case DATETIME_INDEX_PARAMS -> "datetime";
      case UUID_INDEX_PARAMS -> "uuid";
      default -> throw new IllegalArgumentException("field_index_params: no index params set");
    };
  }

  /** One operation of an UpdateBatch request. */
  static Operation batchOperation(
      Points.PointsUpdateOperation op, String field, StrictMode strict) {
    String method = "qdrant.Points/UpdateBatch";
    switch (op.getOperationCase()) {
      case UPSERT:
        {
          Points.PointsUpdateOperation.PointStructList upsert = op.getUpsert();
          Calls.noShardKeys(upsert.hasShardKeySelector(), field + ".upsert.shard_key_selector");
          plainUpsert(
              method, upsert.hasUpdateFilter(), upsert.hasUpdateMode(), upsert.getUpdateMode());
          return upsert(upsert.getPointsList(), field + ".upsert.points", strict);
        }
      case DELETE_POINTS:
        Calls.noShardKeys(
            op.getDeletePoints().hasShardKeySelector(),
            field + ".delete_points.shard_key_selector");
        return delete(op.getDeletePoints().getPoints(), field + ".delete_points.points", strict);
      case DELETE_DEPRECATED:
        return delete(op.getDeleteDeprecated(), field + ".delete_deprecated", strict);
      case SET_PAYLOAD:
        {
          Points.PointsUpdateOperation.SetPayload set = op.getSetPayload();
          Calls.noShardKeys(set.hasShardKeySelector(), field + ".set_payload.shard_key_selector");
          return setPayload(
              set.getPayloadMap(),
              set.hasPointsSelector(),
              set.getPointsSelector(),
              set.hasKey(),
              set.getKey(),
              field + ".set_payload.",
              strict);
        }
      case OVERWRITE_PAYLOAD:
        {
          Points.PointsUpdateOperation.OverwritePayload set = op.getOverwritePayload();
          Calls.noShardKeys(
              set.hasShardKeySelector(), field + ".overwrite_payload.shard_key_selector");
          return overwritePayload(
              set.getPayloadMap(),
              set.hasPointsSelector(),
              set.getPointsSelector(),
              set.hasKey(),
              field + ".overwrite_payload.",
              strict);
        }
      case DELETE_PAYLOAD:
        {
          Points.PointsUpdateOperation.DeletePayload delete = op.getDeletePayload();
          Calls.noShardKeys(
              delete.hasShardKeySelector(), field + ".delete_payload.shard_key_selector");
          return deletePayload(
              delete.getKeysList(),
              delete.hasPointsSelector(),
              delete.getPointsSelector(),
              field + ".delete_payload.",
              strict);
        }
      case CLEAR_PAYLOAD:
        Calls.noShardKeys(
            op.getClearPayload().hasShardKeySelector(),
            field + ".clear_payload.shard_key_selector");
        return clearPayload(
            op.getClearPayload().getPoints(), field + ".clear_payload.points", strict);
      case CLEAR_PAYLOAD_DEPRECATED:
        return clearPayload(
            op.getClearPayloadDeprecated(), field + ".clear_payload_deprecated", strict);
      case UPDATE_VECTORS:
      case DELETE_VECTORS:
        throw Calls.unimplemented(
            method,
            field
                + "."
                + op.getOperationCase().name().toLowerCase(java.util.Locale.ROOT)
                + ": updating or deleting single vectors of a point is not supported; upsert the"
                + " whole point");
      default:
        throw new IllegalArgumentException(field + ": the operation is empty");
    }
  }

  private static PointSelector requiredSelector(
      boolean present, Points.PointsSelector selector, String field, StrictMode strict) {
    if (!present) {
      throw new IllegalArgumentException(
          field + "points_selector is required: the ids or a filter of the points to change");
    }
    return selector(selector, field + "points_selector", strict);
  }

  private static PointSelector selector(
      Points.PointsSelector selector, String field, StrictMode strict) {
    if (selector.hasPoints()) {
      strict.checkBatchSize(field + ".points.ids", selector.getPoints().getIdsCount());
    } else if (selector.hasFilter()) {
      strict.checkFilterConditions(field + ".filter", Protos.conditionCount(selector.getFilter()));
    }
    return Protos.pointSelector(selector, field);
  }
}
