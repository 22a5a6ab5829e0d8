package io.quiver.engine.point;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;

/**
 * One point: its id, its named dense vectors (the unnamed vector is the name {@code ""}) and its
 * JSON payload object. A point is a value; callers must not change its arrays or payload after
 * handing it to a collection.
 */
public record Point(PointId id, Map<String, float[]> vectors, ObjectNode payload) {

  public Point {
    Objects.requireNonNull(id, "id");
    vectors = Map.copyOf(vectors);
    payload = payload == null ? JsonNodeFactory.instance.objectNode() : payload;
  }

  /** A point with only the unnamed vector. */
  public static Point of(PointId id, float[] vector, ObjectNode payload) {
    return new Point(id, Map.of("", vector), payload);
  }

  public float[] vector(String name) {
    return vectors.get(name);
  }
}
