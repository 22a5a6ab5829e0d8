package io.quiver.spark.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Points in Qdrant's REST shape: unsigned and UUID ids, unnamed and named vectors, payloads. */
class PointJsonTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static String text(byte[] json) {
    return new String(json, StandardCharsets.UTF_8);
  }

  @Test
  void unnamedVectorAndPayload() throws Exception {
    ObjectNode payload = MAPPER.createObjectNode().put("name", "a\"b").put("n", 3);
    Point p = Point.of(PointId.of(7), new float[] {0.1f, -2.5f, 1e-7f}, payload);
    assertEquals(
        "{\"id\":7,\"vector\":[0.1,-2.5,1.0E-7],\"payload\":{\"name\":\"a\\\"b\",\"n\":3}}",
        text(PointJson.point(p)));
  }

  @Test
  void namedVectorsAndUuid() {
    UUID uuid = UUID.fromString("123e4567-e89b-12d3-a456-426614174000");
    Map<String, float[]> vectors = new LinkedHashMap<>();
    vectors.put("text", new float[] {1f});
    Point p = new Point(PointId.of(uuid), vectors, null);
    assertEquals(
        "{\"id\":\"123e4567-e89b-12d3-a456-426614174000\",\"vector\":{\"text\":[1.0]},"
            + "\"payload\":{}}",
        text(PointJson.point(p)));
  }

  @Test
  void idsAboveTheSignedRangeStayUnsigned() {
    assertEquals("18446744073709551615", text(PointJson.id(PointId.of(-1L))));
    assertEquals("0", text(PointJson.id(PointId.of(0))));
  }
}
