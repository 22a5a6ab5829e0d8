package io.quiver.serving.rest;

import static io.quiver.serving.rest.JsonFields.abbreviate;
import static io.quiver.serving.rest.JsonFields.get;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.serving.api.PayloadSelector;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Points in Qdrant's REST JSON: ids, dense vectors (a list for the unnamed vector, an object of
 * named ones), upsert bodies in their two forms, and the records and scored points written back.
 * Shapes Quiver does not store (sparse vectors, multivectors, documents to embed) are refused by
 * name.
 */
final class PointsJson {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private PointsJson() {}

  // ---------------------------------------------------------------- reading

  static PointId id(JsonNode node, String field) {
    return PointId.fromJson(node, field);
  }

  static List<PointId> ids(JsonNode array, String field) {
    if (array == null || !array.isArray()) {
      throw new IllegalArgumentException(
          field
              + " must be a list of point ids; got "
              + (array == null ? "nothing" : abbreviate(array)));
    }
    List<PointId> out = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      out.add(id(array.get(i), field + "[" + i + "]"));
    }
    return out;
  }

  /** A dense vector: a list of numbers, each a finite 32-bit float. */
  static float[] vector(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (!node.isArray()) {
      throw new IllegalArgumentException(notDense(node, field));
    }
    float[] out = new float[node.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode v = node.get(i);
      float f = v.floatValue(); // 0 for a non-number, which the check below catches
      if (!v.isNumber() || !Float.isFinite(f)) {
        if (v.isArray()) {
          throw new IllegalArgumentException(
              field + ": multivectors (a list of lists) are not supported by Quiver");
        }
        JsonFields.finiteFloat(v, field + "[" + i + "]"); // throws, naming the element
      }
      out[i] = f;
    }
    return out;
  }

  private static String notDense(JsonNode node, String field) {
    if (node.isObject() && node.has("indices")) {
      return field + ": sparse vectors are not supported by Quiver";
    }
    if (node.isObject() && node.has("model")) {
      return field
          + ": inference (text, image or object with a model) is not supported by Quiver;"
          + " send the vector itself";
    }
    return field + " must be a list of numbers; got " + abbreviate(node);
  }

  /** A point's vectors: a list (the unnamed vector) or an object of named vectors. */
  static Map<String, float[]> vectors(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (node.isArray()) {
      return Map.of("", vector(node, field));
    }
    if (node.isObject() && !node.has("indices") && !node.has("model")) {
      Map<String, float[]> out = new LinkedHashMap<>();
      node.fields()
          .forEachRemaining(
              e -> out.put(e.getKey(), vector(e.getValue(), field + "." + e.getKey())));
      return out;
    }
    throw new IllegalArgumentException(notDense(node, field));
  }

  static ObjectNode payload(JsonNode node, String field) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (!node.isObject()) {
      throw new IllegalArgumentException(field + " must be a JSON object; got " + abbreviate(node));
    }
    return (ObjectNode) node;
  }

  /**
   * The points of an upsert body: {@code {"points": [{id, vector, payload}]}} or {@code {"batch":
   * {"ids": [...], "vectors": [[...]] or {"name": [[...]]}, "payloads": [...]}}}.
   */
  static List<Point> upsert(JsonNode body) {
    JsonFields.object(body, "the upsert body");
    JsonFields.unsupported(body, "", "shard_key", "custom sharding is not supported by Quiver");
    JsonFields.unsupported(
        body, "", "update_filter", "conditional updates are not supported by Quiver");
    String mode = JsonFields.text(body, "", "update_mode", "upsert");
    if (!mode.equals("upsert")) {
      throw new IllegalArgumentException(
          "update_mode: only \"upsert\" is supported by Quiver; got \"" + mode + "\"");
    }
    JsonNode points = get(body, "points");
    JsonNode batch = get(body, "batch");
    if (points != null && batch != null) {
      throw new IllegalArgumentException("the upsert body has both \"points\" and \"batch\"");
    }
    if (points != null) {
      return pointsList(points);
    }
    if (batch != null) {
      return batch(batch);
    }
    throw new IllegalArgumentException("the upsert body needs \"points\" or \"batch\"");
  }

  private static List<Point> pointsList(JsonNode points) {
    if (!points.isArray()) {
      throw new IllegalArgumentException("points must be a list; got " + abbreviate(points));
    }
    List<Point> out = new ArrayList<>(points.size());
    for (int i = 0; i < points.size(); i++) {
      String at = "points[" + i + "]";
      out.add(point(points.get(i), at));
    }
    return out;
  }

  /** One point of a list: {@code {"id", "vector" (or "vectors"), "payload"}}. */
  static Point point(JsonNode p, String at) {
    if (!p.isObject()) {
      throw new IllegalArgumentException(at + " must be an object; got " + abbreviate(p));
    }
    JsonNode vector = p.has("vector") ? p.get("vector") : p.get("vectors");
    return new Point(
        id(p.get("id"), at + ".id"),
        vectors(vector, at + ".vector"),
        payload(p.get("payload"), at + ".payload"));
  }

  private static List<Point> batch(JsonNode batch) {
    JsonFields.object(batch, "batch");
    List<PointId> ids = ids(batch.get("ids"), "batch.ids");
    int n = ids.size();
    JsonNode vectors = get(batch, "vectors");
    List<Map<String, float[]>> perPoint = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      perPoint.add(new LinkedHashMap<>());
    }
    if (vectors == null) {
      throw new IllegalArgumentException("batch.vectors is required");
    } else if (vectors.isArray()) {
      sameLength(vectors, n, "batch.vectors");
      for (int i = 0; i < n; i++) {
        perPoint.get(i).put("", vector(vectors.get(i), "batch.vectors[" + i + "]"));
      }
    } else if (vectors.isObject()) {
      for (var it = vectors.fields(); it.hasNext(); ) {
        var e = it.next();
        String field = "batch.vectors." + e.getKey();
        if (!e.getValue().isArray()) {
          throw new IllegalArgumentException(
              field + " must be a list of vectors; got " + abbreviate(e.getValue()));
        }
        sameLength(e.getValue(), n, field);
        for (int i = 0; i < n; i++) {
          perPoint.get(i).put(e.getKey(), vector(e.getValue().get(i), field + "[" + i + "]"));
        }
      }
    } else {
      throw new IllegalArgumentException(
          "batch.vectors must be a list of vectors or an object of named vector lists; got "
              + abbreviate(vectors));
    }
    JsonNode payloads = get(batch, "payloads");
    if (payloads != null) {
      if (!payloads.isArray()) {
        throw new IllegalArgumentException(
            "batch.payloads must be a list; got " + abbreviate(payloads));
      }
      sameLength(payloads, n, "batch.payloads");
    }
    List<Point> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      ObjectNode payload =
          payloads == null ? null : payload(payloads.get(i), "batch.payloads[" + i + "]");
      out.add(new Point(ids.get(i), perPoint.get(i), payload));
    }
    return out;
  }

  private static void sameLength(JsonNode list, int n, String field) {
    if (list.size() != n) {
      throw new IllegalArgumentException(
          field + " has " + list.size() + " entries; batch.ids has " + n);
    }
  }

  // ---------------------------------------------------------------- writing

  /** A retrieved or scrolled point: {@code {"id", "payload", "vector"}}. */
  static ObjectNode record(PointRecord r, PayloadSelector payload, VectorSelector vectors) {
    ObjectNode out = NODES.objectNode();
    out.set("id", r.id().toJson());
    out.set("payload", payload(r.payload(), payload));
    out.set("vector", vectors.render(r.vectors()));
    return out;
  }

  /** A search hit: {@code {"id", "version", "score", "payload", "vector"}}. */
  static ObjectNode scored(ScoredPoint p, PayloadSelector payload, VectorSelector vectors) {
    ObjectNode out = NODES.objectNode();
    out.set("id", p.id().toJson());
    out.put("version", p.version());
    out.put("score", p.score());
    out.set("payload", payload(p.payload(), payload));
    out.set("vector", vectors.render(p.vectors()));
    return out;
  }

  private static JsonNode payload(ObjectNode stored, PayloadSelector selector) {
    if (!selector.wanted()) {
      return NODES.nullNode();
    }
    return selector.apply(stored == null ? NODES.objectNode() : stored);
  }
}
