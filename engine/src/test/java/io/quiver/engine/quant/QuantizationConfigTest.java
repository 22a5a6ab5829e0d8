package io.quiver.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class QuantizationConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static QuantizationConfig parse(String json) throws Exception {
    return QuantizationConfig.fromJson(JSON.readTree(json));
  }

  @Test
  void qdrantShapesParse() throws Exception {
    assertEquals(
        new QuantizationConfig.Scalar(0.99f, false),
        parse("{\"scalar\": {\"type\": \"int8\", \"quantile\": 0.99, \"always_ram\": true}}"));
    assertEquals(
        new QuantizationConfig.Scalar(1f, true),
        parse("{\"scalar\": {\"type\": \"int8\", \"per_dimension\": true}}"));
    assertEquals(
        new QuantizationConfig.Binary(1, QuantizationConfig.QueryEncoding.DEFAULT),
        parse("{\"binary\": {\"always_ram\": true}}"));
    assertEquals(
        new QuantizationConfig.Binary(2, QuantizationConfig.QueryEncoding.SCALAR8BITS),
        parse("{\"binary\": {\"encoding\": \"two_bits\", \"query_encoding\": \"scalar8bits\"}}"));
    assertEquals(
        new QuantizationConfig.Product(16),
        parse("{\"product\": {\"compression\": \"x16\", \"always_ram\": false}}"));
    assertEquals(new QuantizationConfig.Rotational(2), parse("{\"rotational\": {\"bits\": 2}}"));
  }

  @Test
  void everyConfigRoundTripsThroughJson() throws Exception {
    QuantizationConfig[] configs = {
      new QuantizationConfig.Scalar(0.95f, true),
      new QuantizationConfig.Binary(2, QuantizationConfig.QueryEncoding.BINARY),
      new QuantizationConfig.Product(32),
      new QuantizationConfig.Rotational(4)
    };
    for (QuantizationConfig config : configs) {
      JsonNode json = JSON.readTree(JSON.writeValueAsString(config.toJson()));
      assertEquals(config, QuantizationConfig.fromJson(json));
    }
  }

  @Test
  void badConfigsAreRefusedWithThePathAndTheValue() {
    assertRefused("{\"scalar\": {\"type\": \"int4\"}}", "quantization_config.scalar.type", "int4");
    assertRefused(
        "{\"scalar\": {\"quantile\": 0.2}}", "quantization_config.scalar.quantile", "0.2");
    assertRefused("{\"scalar\": {\"quantile\": \"high\"}}", "quantile", "high");
    assertRefused("{\"scalar\": {\"qantile\": 0.9}}", "quantization_config.scalar", "qantile");
    assertRefused(
        "{\"binary\": {\"encoding\": \"three_bits\"}}",
        "quantization_config.binary.encoding",
        "three_bits");
    assertRefused(
        "{\"binary\": {\"query_encoding\": \"scalar2bits\"}}", "query_encoding", "scalar2bits");
    assertRefused("{\"product\": {\"compression\": \"x12\"}}", "compression", "x12");
    assertRefused("{\"product\": {}}", "quantization_config.product.compression", "required");
    assertRefused("{\"rotational\": {\"bits\": 5}}", "quantization_config.rotational.bits", "5");
    assertRefused("{\"rotational\": {\"bits\": 1.5}}", "bits", "1.5");
    assertRefused("{\"fancy\": {}}", "quantization_config", "fancy");
    assertRefused("{\"scalar\": {}, \"binary\": {}}", "quantization_config", "exactly one");
    assertRefused("{\"scalar\": 3}", "quantization_config.scalar", "3");
    assertRefused("{\"scalar\": {\"always_ram\": \"yes\"}}", "always_ram", "yes");
  }

  private static void assertRefused(String json, String path, String value) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(json));
    assertTrue(e.getMessage().contains(path), json + " -> " + e.getMessage());
    assertTrue(e.getMessage().contains(value), json + " -> " + e.getMessage());
  }
}
