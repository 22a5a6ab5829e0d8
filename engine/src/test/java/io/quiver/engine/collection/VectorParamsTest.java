package io.quiver.engine.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class VectorParamsTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private static CollectionConfig parse(String json) throws IOException {
    return CollectionConfig.fromJson(MAPPER.readTree(json));
  }

  @Test
  void onDiskIsKeptPerVectorAndRoundTrips() throws IOException {
    CollectionConfig config =
        parse(
            "{\"vectors\":{\"a\":{\"size\":4,\"distance\":\"Dot\",\"on_disk\":true},"
                + "\"b\":{\"size\":4,\"distance\":\"Dot\"}}}");
    assertTrue(config.vector("a").onDisk());
    assertFalse(config.vector("b").onDisk(), "in memory unless asked, as in Qdrant");

    JsonNode written = config.toJson();
    assertTrue(written.at("/vectors/a/on_disk").asBoolean());
    assertTrue(written.at("/vectors/b/on_disk").isMissingNode());
    assertEquals(config, CollectionConfig.fromJson(written));
  }

  @Test
  void aNonBooleanOnDiskIsRefusedNamingTheField() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> parse("{\"vectors\":{\"size\":4,\"distance\":\"Dot\",\"on_disk\":\"yes\"}}"));
    assertTrue(e.getMessage().contains("vectors.on_disk"), e.getMessage());
  }
}
