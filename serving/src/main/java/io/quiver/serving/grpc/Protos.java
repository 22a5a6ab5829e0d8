package io.quiver.serving.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Timestamp;
import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.JsonWithInt;
import io.qdrant.client.grpc.Points;
import io.quiver.cluster.UpdateResult;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.filter.FilterParser;
import io.quiver.engine.operation.PointSelector;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.serving.api.PayloadSelector;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Conversions between Qdrant's gRPC messages and the engine's values. Filters go through Qdrant's
 * REST JSON shape, so that one parser ({@link FilterParser}) decides what a filter means for both
 * protocols; an error names the JSON path of the offending condition, as REST would.
 */
public final class Protos {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private Protos() {}

  // ---------------------------------------------------------------- ids

  public static PointId pointId(Common.PointId id, String field) {
    switch (id.getPointIdOptionsCase()) {
      case NUM:
        return PointId.of(id.getNum());
      case UUID:
        try {
          return PointId.of(UUID.fromString(id.getUuid()));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(field + ": '" + id.getUuid() + "' is not a UUID", e);
        }
      default:
        throw new IllegalArgumentException(field + ": a point id needs num or uuid");
    }
  }

  public static List<PointId> pointIds(List<Common.PointId> ids, String field) {
    java.util.ArrayList<PointId> out = new java.util.ArrayList<>(ids.size());
    for (int i = 0; i < ids.size(); i++) {
      out.add(pointId(ids.get(i), field + "[" + i + "]"));
    }
    return out;
  }

  public static Common.PointId pointId(PointId id) {
    return id.isUuid()
        ? Common.PointId.newBuilder().setUuid(id.uuid().toString()).build()
        : Common.PointId.newBuilder().setNum(id.num()).build();
  }

  // ---------------------------------------------------------------- payload values

  public static JsonNode json(JsonWithInt.Value value) {
    switch (value.getKindCase()) {
      case NULL_VALUE:
      case KIND_NOT_SET:
        return JSON.nullNode();
      case DOUBLE_VALUE:
        return JSON.numberNode(value.getDoubleValue());
      case INTEGER_VALUE:
        return JSON.numberNode(value.getIntegerValue());
      case STRING_VALUE:
        return JSON.textNode(value.getStringValue());
      case BOOL_VALUE:
        return JSON.booleanNode(value.getBoolValue());
      case STRUCT_VALUE:
        return payload(value.getStructValue().getFieldsMap());
      case LIST_VALUE:
        ArrayNode array = JSON.arrayNode();
        value.getListValue().getValuesList().forEach(v -> array.add(json(v)));
        return array;
      default:
        throw new IllegalArgumentException("unknown payload value kind " + value.getKindCase());
    }
  }

  public static ObjectNode payload(Map<String, JsonWithInt.Value> fields) {
    ObjectNode out = JSON.objectNode();
    fields.forEach((k, v) -> out.set(k, json(v)));
    return out;
  }

  public static JsonWithInt.Value value(JsonNode node) {
    JsonWithInt.Value.Builder b = JsonWithInt.Value.newBuilder();
    if (node == null || node.isNull() || node.isMissingNode()) {
      b.setNullValue(JsonWithInt.NullValue.NULL_VALUE);
    } else if (node.isBoolean()) {
      b.setBoolValue(node.booleanValue());
    } else if (node.isIntegralNumber() && node.canConvertToLong()) {
      b.setIntegerValue(node.longValue());
    } else if (node.isNumber()) {
      b.setDoubleValue(node.doubleValue());
    } else if (node.isTextual()) {
      b.setStringValue(node.textValue());
    } else if (node.isArray()) {
      JsonWithInt.ListValue.Builder list = JsonWithInt.ListValue.newBuilder();
      node.forEach(v -> list.addValues(value(v)));
      b.setListValue(list);
    } else if (node.isObject()) {
      b.setStructValue(JsonWithInt.Struct.newBuilder().putAllFields(payloadFields(node)));
    } else {
      b.setStringValue(node.asText());
    }
    return b.build();
  }

  public static Map<String, JsonWithInt.Value> payloadFields(JsonNode payload) {
    Map<String, JsonWithInt.Value> out = new LinkedHashMap<>();
    if (payload != null) {
      for (Iterator<Map.Entry<String, JsonNode>> it = payload.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        out.put(e.getKey(), value(e.getValue()));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- vectors

  /** A point's vectors; the unnamed vector is the name {@code ""}. Dense vectors only. */
  public static Map<String, float[]> vectors(Points.Vectors vectors, String field) {
    Map<String, float[]> out = new LinkedHashMap<>();
    switch (vectors.getVectorsOptionsCase()) {
      case VECTOR:
        out.put("", dense(vectors.getVector(), field + ".vector"));
        break;
      case VECTORS:
        vectors
            .getVectors()
            .getVectorsMap()
            .forEach((name, v) -> out.put(name, dense(v, field + ".vectors." + name)));
        break;
      default:
        throw new IllegalArgumentException(field + ": a point needs a vector");
    }
    return out;
  }

  static float[] dense(Points.Vector v, String field) {
    List<Float> data;
    switch (v.getVectorCase()) {
      case DENSE:
        data = v.getDense().getDataList();
        break;
      case VECTOR_NOT_SET:
        if (v.hasIndices() || v.getVectorsCount() > 1) {
          throw new IllegalArgumentException(
              field + ": sparse and multi-vectors are not supported by Quiver");
        }
        data = v.getDataList(); // the deprecated flat form older clients send
        break;
      default:
        throw new IllegalArgumentException(
            field
                + ": "
                + v.getVectorCase().name().toLowerCase(java.util.Locale.ROOT)
                + " vectors are not supported by Quiver; send a dense vector");
    }
    return floats(data);
  }

  public static float[] floats(List<Float> data) {
    float[] out = new float[data.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = data.get(i);
    }
    return out;
  }

  public static Points.VectorOutput vectorOutput(float[] v) {
    Points.DenseVector.Builder dense = Points.DenseVector.newBuilder();
    for (float f : v) {
      dense.addData(f);
    }
    return Points.VectorOutput.newBuilder().setDense(dense).build();
  }

  /** The vectors to return, as Qdrant shapes them (unnamed vector alone: no map). */
  public static Points.VectorsOutput vectorsOutput(Map<String, float[]> vectors) {
    if (vectors.size() == 1 && vectors.containsKey("")) {
      return Points.VectorsOutput.newBuilder().setVector(vectorOutput(vectors.get(""))).build();
    }
    Points.NamedVectorsOutput.Builder named = Points.NamedVectorsOutput.newBuilder();
    vectors.forEach((name, v) -> named.putVectors(name, vectorOutput(v)));
    return Points.VectorsOutput.newBuilder().setVectors(named).build();
  }

  public static Point point(Points.PointStruct p, String field) {
    if (!p.hasId()) {
      throw new IllegalArgumentException(field + ".id is required");
    }
    if (!p.hasVectors()) {
      throw new IllegalArgumentException(field + ".vectors is required");
    }
    return new Point(
        pointId(p.getId(), field + ".id"),
        vectors(p.getVectors(), field + ".vectors"),
        payload(p.getPayloadMap()));
  }

  // ---------------------------------------------------------------- selectors and results

  /**
   * Qdrant's {@code with_payload}: all, none, {@code include} or {@code exclude}; {@code fallback}
   * when the request carries none (Qdrant: none for searches and queries, all for get and scroll).
   */
  public static PayloadSelector payloadSelector(
      boolean present, Points.WithPayloadSelector selector, PayloadSelector fallback) {
    if (!present) {
      return fallback;
    }
    switch (selector.getSelectorOptionsCase()) {
      case ENABLE:
        return selector.getEnable() ? PayloadSelector.ALL : PayloadSelector.NONE;
      case INCLUDE:
        return PayloadSelector.include(selector.getInclude().getFieldsList());
      case EXCLUDE:
        return PayloadSelector.exclude(selector.getExclude().getFieldsList());
      default:
        return fallback;
    }
  }

  static Points.ScoredPoint scoredPoint(
      ScoredPoint p, PayloadSelector payload, VectorSelector vectors) {
    Points.ScoredPoint.Builder out =
        Points.ScoredPoint.newBuilder()
            .setId(pointId(p.id()))
            .setScore(p.score())
            .setVersion(p.version());
    if (payload.wanted() && p.payload() != null) {
      out.putAllPayload(payloadFields(payload.apply(p.payload())));
    }
    if (vectors.any() && p.vectors() != null) {
      out.setVectors(vectorsOutput(vectors.apply(p.vectors())));
    }
    return out.build();
  }

  static Points.RetrievedPoint retrievedPoint(
      PointRecord p, PayloadSelector payload, VectorSelector vectors) {
    Points.RetrievedPoint.Builder out = Points.RetrievedPoint.newBuilder().setId(pointId(p.id()));
    if (payload.wanted() && p.payload() != null) {
      out.putAllPayload(payloadFields(payload.apply(p.payload())));
    }
    if (vectors.any() && p.vectors() != null) {
      out.setVectors(vectorsOutput(vectors.apply(p.vectors())));
    }
    return out.build();
  }

  /** COMPLETED once the write is durable ({@code wait}), ACKNOWLEDGED when only logged. */
  static Points.UpdateResult updateResult(UpdateResult result) {
    return Points.UpdateResult.newBuilder()
        .setOperationId(result.operationId())
        .setStatus(
            result.completed() ? Points.UpdateStatus.Completed : Points.UpdateStatus.Acknowledged)
        .build();
  }

  /** The points a write touches: a list of ids or a filter. */
  static PointSelector pointSelector(Points.PointsSelector selector, String field) {
    switch (selector.getPointsSelectorOneOfCase()) {
      case POINTS:
        return PointSelector.ids(
            pointIds(selector.getPoints().getIdsList(), field + ".points.ids"));
      case FILTER:
        return PointSelector.filter(
            FilterParser.parseFilter(filterJson(selector.getFilter()), field + ".filter"));
      default:
        throw new IllegalArgumentException(field + ": select the points by ids or by a filter");
    }
  }

  /** The conditions in a filter, nested ones and those of nested filters included. */
  public static int conditionCount(Common.Filter f) {
    long n =
        conditionCount(f.getMustList())
            + conditionCount(f.getShouldList())
            + conditionCount(f.getMustNotList());
    if (f.hasMinShould()) {
      n += conditionCount(f.getMinShould().getConditionsList());
    }
    return (int) Math.min(Integer.MAX_VALUE, n);
  }

  private static long conditionCount(List<Common.Condition> conditions) {
    long n = 0;
    for (Common.Condition c : conditions) {
      switch (c.getConditionOneOfCase()) {
        case FILTER:
          n += conditionCount(c.getFilter());
          break;
        case NESTED:
          n += 1 + conditionCount(c.getNested().getFilter());
          break;
        default:
          n += 1;
      }
    }
    return n;
  }

  // ---------------------------------------------------------------- filters

  /** The engine's filter for a gRPC filter; null when {@code present} is false. */
  public static Filter filter(boolean present, Common.Filter filter) {
    return present ? FilterParser.parse(filterJson(filter)) : null;
  }

  /** As {@link #filter(boolean, Common.Filter)}, errors named from {@code path}. */
  public static Filter filter(boolean present, Common.Filter filter, String path) {
    return present ? FilterParser.parseFilter(filterJson(filter), path) : null;
  }

  /** A gRPC filter in Qdrant's REST JSON shape. */
  public static ObjectNode filterJson(Common.Filter f) {
    ObjectNode out = JSON.objectNode();
    if (f.getMustCount() > 0) {
      out.set("must", conditions(f.getMustList()));
    }
    if (f.getShouldCount() > 0) {
      out.set("should", conditions(f.getShouldList()));
    }
    if (f.getMustNotCount() > 0) {
      out.set("must_not", conditions(f.getMustNotList()));
    }
    if (f.hasMinShould()) {
      ObjectNode min = out.putObject("min_should");
      min.set("conditions", conditions(f.getMinShould().getConditionsList()));
      min.put("min_count", f.getMinShould().getMinCount());
    }
    return out;
  }

  private static ArrayNode conditions(List<Common.Condition> conditions) {
    ArrayNode out = JSON.arrayNode();
    conditions.forEach(c -> out.add(condition(c)));
    return out;
  }

  private static JsonNode condition(Common.Condition c) {
    ObjectNode out = JSON.objectNode();
    switch (c.getConditionOneOfCase()) {
      case FIELD:
        return field(c.getField());
      case IS_EMPTY:
        out.putObject("is_empty").put("key", c.getIsEmpty().getKey());
        return out;
      case IS_NULL:
        out.putObject("is_null").put("key", c.getIsNull().getKey());
        return out;
      case HAS_ID:
        ArrayNode ids = out.putArray("has_id");
        c.getHasId()
            .getHasIdList()
            .forEach(
                id -> {
                  if (id.hasUuid()) {
                    ids.add(id.getUuid());
                  } else {
                    ids.add(
                        JSON.numberNode(
                            new java.math.BigInteger(Long.toUnsignedString(id.getNum()))));
                  }
                });
        return out;
      case FILTER:
        return filterJson(c.getFilter());
      case NESTED:
        ObjectNode nested = out.putObject("nested");
        nested.put("key", c.getNested().getKey());
        nested.set("filter", filterJson(c.getNested().getFilter()));
        return out;
      case HAS_VECTOR:
        out.put("has_vector", c.getHasVector().getHasVector());
        return out;
      default:
        throw new IllegalArgumentException("a filter condition is empty");
    }
  }

  private static JsonNode field(Common.FieldCondition f) {
    ObjectNode out = JSON.objectNode().put("key", f.getKey());
    if (f.hasMatch()) {
      out.set("match", match(f.getMatch()));
    }
    if (f.hasRange()) {
      Common.Range r = f.getRange();
      ObjectNode range = out.putObject("range");
      if (r.hasLt()) {
        range.put("lt", r.getLt());
      }
      if (r.hasGt()) {
        range.put("gt", r.getGt());
      }
      if (r.hasGte()) {
        range.put("gte", r.getGte());
      }
      if (r.hasLte()) {
        range.put("lte", r.getLte());
      }
    }
    if (f.hasDatetimeRange()) {
      Common.DatetimeRange r = f.getDatetimeRange();
      ObjectNode range = out.putObject("range");
      if (r.hasLt()) {
        range.put("lt", instant(r.getLt()));
      }
      if (r.hasGt()) {
        range.put("gt", instant(r.getGt()));
      }
      if (r.hasGte()) {
        range.put("gte", instant(r.getGte()));
      }
      if (r.hasLte()) {
        range.put("lte", instant(r.getLte()));
      }
    }
    if (f.hasValuesCount()) {
      Common.ValuesCount v = f.getValuesCount();
      ObjectNode count = out.putObject("values_count");
      if (v.hasLt()) {
        count.put("lt", v.getLt());
      }
      if (v.hasGt()) {
        count.put("gt", v.getGt());
      }
      if (v.hasGte()) {
        count.put("gte", v.getGte());
      }
      if (v.hasLte()) {
        count.put("lte", v.getLte());
      }
    }
    if (f.hasGeoBoundingBox() || f.hasGeoRadius() || f.hasGeoPolygon()) {
      // Kept in the JSON so the parser refuses it with the path, like any unsupported condition.
      out.put(
          f.hasGeoBoundingBox()
              ? "geo_bounding_box"
              : f.hasGeoRadius() ? "geo_radius" : "geo_polygon",
          "(geo condition)");
    }
    if (f.hasIsEmpty() || f.hasIsNull()) {
      String kind = f.hasIsEmpty() ? "is_empty" : "is_null";
      boolean wanted = f.hasIsEmpty() ? f.getIsEmpty() : f.getIsNull();
      ObjectNode cond = JSON.objectNode();
      cond.putObject(kind).put("key", f.getKey());
      if (out.size() == 1) {
        if (wanted) {
          return cond;
        }
        ObjectNode not = JSON.objectNode();
        not.putArray("must_not").add(cond);
        return not;
      }
      ObjectNode both = JSON.objectNode();
      ArrayNode must = both.putArray("must").add(out);
      if (wanted) {
        must.add(cond);
      } else {
        both.putArray("must_not").add(cond);
      }
      return both;
    }
    return out;
  }

  private static ObjectNode match(Common.Match m) {
    ObjectNode out = JSON.objectNode();
    switch (m.getMatchValueCase()) {
      case KEYWORD:
        return out.put("value", m.getKeyword());
      case INTEGER:
        return out.put("value", m.getInteger());
      case BOOLEAN:
        return out.put("value", m.getBoolean());
      case TEXT:
        return out.put("text", m.getText());
      case PHRASE:
        return out.put("phrase", m.getPhrase());
      case TEXT_ANY:
        return out.put("text_any", m.getTextAny());
      case KEYWORDS:
        m.getKeywords().getStringsList().forEach(out.putArray("any")::add);
        return out;
      case INTEGERS:
        m.getIntegers().getIntegersList().forEach(out.putArray("any")::add);
        return out;
      case EXCEPT_KEYWORDS:
        m.getExceptKeywords().getStringsList().forEach(out.putArray("except")::add);
        return out;
      case EXCEPT_INTEGERS:
        m.getExceptIntegers().getIntegersList().forEach(out.putArray("except")::add);
        return out;
      default:
        throw new IllegalArgumentException("a match condition is empty");
    }
  }

  private static String instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos()).toString();
  }
}
