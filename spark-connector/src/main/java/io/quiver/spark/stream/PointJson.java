package io.quiver.spark.stream;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/**
 * Points and ids in the JSON of Qdrant's REST point endpoints: {@code {"id": 7, "vector": [..],
 * "payload": {..}}}, the vector a list for the unnamed vector and an object of lists for named
 * ones; ids as unsigned numbers or UUID strings. Floats are written in the shortest form that reads
 * back as the same float32.
 */
final class PointJson {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonFactory FACTORY = MAPPER.getFactory();

  private PointJson() {}

  static byte[] point(Point point) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(64 + 12 * dimensions(point));
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      g.writeStartObject();
      g.writeFieldName("id");
      id(g, point.id());
      g.writeFieldName("vector");
      Map<String, float[]> vectors = point.vectors();
      if (vectors.size() == 1 && vectors.containsKey("")) {
        vector(g, vectors.get(""));
      } else {
        g.writeStartObject();
        for (Map.Entry<String, float[]> e : vectors.entrySet()) {
          g.writeFieldName(e.getKey());
          vector(g, e.getValue());
        }
        g.writeEndObject();
      }
      g.writeFieldName("payload");
      MAPPER.writeTree(g, point.payload());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("writing the JSON of point " + point.id(), e);
    }
    return out.toByteArray();
  }

  static byte[] id(PointId id) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(40);
    try (JsonGenerator g = FACTORY.createGenerator(out)) {
      id(g, id);
    } catch (IOException e) {
      throw new UncheckedIOException("writing the JSON of id " + id, e);
    }
    return out.toByteArray();
  }

  private static void id(JsonGenerator g, PointId id) throws IOException {
    if (id.isUuid()) {
      g.writeString(id.toString());
    } else {
      g.writeNumber(id.toString()); // unsigned: ids above 2^63-1 stay positive
    }
  }

  private static void vector(JsonGenerator g, float[] v) throws IOException {
    g.writeStartArray();
    for (float x : v) {
      g.writeNumber(x);
    }
    g.writeEndArray();
  }

  private static int dimensions(Point point) {
    int n = 0;
    for (float[] v : point.vectors().values()) {
      n += v.length;
    }
    return n;
  }
}
