package io.quiver.engine.quant;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.accel.Accelerator;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.VectorValues;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * How one named vector is quantized: the {@code quantization_config} of a Qdrant collection, one of
 *
 * <pre>
 * {"scalar":  {"type": "int8", "quantile": 0.99, "always_ram": true, "per_dimension": false}}
 * {"binary":  {"encoding": "one_bit" | "two_bits", "query_encoding": "default" | "binary" |
 *              "scalar4bits" | "scalar8bits", "always_ram": true}}
 * {"product": {"compression": "x4" | "x8" | "x16" | "x32" | "x64", "always_ram": true}}
 * {"rotational": {"bits": 1..4, "always_ram": true}}
 * </pre>
 *
 * {@code per_dimension} and the whole {@code rotational} kind are Quiver's; the rest is Qdrant's
 * JSON. {@code always_ram} is accepted for compatibility: Quiver always keeps codes in memory and
 * the original vectors in their (memory-mapped) file.
 */
public sealed interface QuantizationConfig
    permits QuantizationConfig.Scalar,
        QuantizationConfig.Binary,
        QuantizationConfig.Product,
        QuantizationConfig.Rotational {

  QuantizationKind kind();

  /** Trains a quantizer of this configuration on (a seeded sample of) {@code vectors}. */
  VectorQuantizer train(VectorSimilarity similarity, VectorValues vectors, long seed);

  /**
   * As {@link #train(VectorSimilarity, VectorValues, long)}, handing k-means (product
   * quantization's codebooks) to {@code accelerator} when it runs on a device ({@link
   * Accelerator#buildsGraphs()}); the other quantizers do not cluster and ignore it.
   */
  default VectorQuantizer train(
      VectorSimilarity similarity, VectorValues vectors, long seed, Accelerator accelerator) {
    return train(similarity, vectors, seed);
  }

  /** The configuration as Qdrant-shaped JSON. */
  JsonNode toJson();

  /** Scalar int8 quantization; {@code quantile} 1 keeps the full range. */
  record Scalar(float quantile, boolean perDimension) implements QuantizationConfig {
    public Scalar {
      if (!(quantile > 0.5f && quantile <= 1f)) {
        throw new IllegalArgumentException(
            "quantization_config.scalar.quantile must be in (0.5, 1]; got " + quantile);
      }
    }

    @Override
    public QuantizationKind kind() {
      return QuantizationKind.SCALAR;
    }

    @Override
    public VectorQuantizer train(VectorSimilarity similarity, VectorValues vectors, long seed) {
      return ScalarQuantizer.train(similarity, vectors, quantile, perDimension, seed);
    }

    @Override
    public JsonNode toJson() {
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      body.put("type", "int8").put("quantile", quantile).put("always_ram", true);
      body.put("per_dimension", perDimension);
      return wrap("scalar", body);
    }
  }

  /** Binary quantization: {@code bits} (1 or 2) per dimension, query at {@code queryBits}. */
  record Binary(int bits, QueryEncoding queryEncoding) implements QuantizationConfig {
    public Binary {
      if (bits != 1 && bits != 2) {
        throw new IllegalArgumentException(
            "quantization_config.binary supports one_bit and two_bits encodings; got " + bits);
      }
    }

    @Override
    public QuantizationKind kind() {
      return QuantizationKind.BINARY;
    }

    @Override
    public VectorQuantizer train(VectorSimilarity similarity, VectorValues vectors, long seed) {
      return BinaryQuantizer.train(similarity, vectors, bits, queryEncoding, seed);
    }

    @Override
    public JsonNode toJson() {
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      body.put("encoding", bits == 1 ? "one_bit" : "two_bits");
      body.put("query_encoding", queryEncoding.apiName);
      body.put("always_ram", true);
      return wrap("binary", body);
    }
  }

  /** Product quantization at {@code compression} times smaller than float32. */
  record Product(int compression) implements QuantizationConfig {
    public Product {
      if (compression != 4
          && compression != 8
          && compression != 16
          && compression != 32
          && compression != 64) {
        throw new IllegalArgumentException(
            "quantization_config.product.compression must be x4, x8, x16, x32 or x64; got x"
                + compression);
      }
    }

    @Override
    public QuantizationKind kind() {
      return QuantizationKind.PRODUCT;
    }

    @Override
    public VectorQuantizer train(VectorSimilarity similarity, VectorValues vectors, long seed) {
      return ProductQuantizer.train(similarity, vectors, compression, seed);
    }

    @Override
    public VectorQuantizer train(
        VectorSimilarity similarity, VectorValues vectors, long seed, Accelerator accelerator) {
      if (accelerator == null || !accelerator.buildsGraphs()) {
        return train(similarity, vectors, seed);
      }
      return ProductQuantizer.train(similarity, vectors, compression, seed, accelerator);
    }

    @Override
    public JsonNode toJson() {
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      body.put("compression", "x" + compression).put("always_ram", true);
      return wrap("product", body);
    }
  }

  /** Random rotation, then {@code bits} (1..4) per dimension with an unbiased estimator. */
  record Rotational(int bits) implements QuantizationConfig {
    public Rotational {
      if (bits < 1 || bits > 4) {
        throw new IllegalArgumentException(
            "quantization_config.rotational.bits must be in [1, 4]; got " + bits);
      }
    }

    @Override
    public QuantizationKind kind() {
      return QuantizationKind.ROTATIONAL;
    }

    @Override
    public VectorQuantizer train(VectorSimilarity similarity, VectorValues vectors, long seed) {
      return RotationalQuantizer.train(similarity, vectors, bits, seed);
    }

    @Override
    public JsonNode toJson() {
      ObjectNode body = JsonNodeFactory.instance.objectNode();
      body.put("bits", bits).put("always_ram", true);
      return wrap("rotational", body);
    }
  }

  /** How a query is encoded against binary codes (Qdrant's {@code query_encoding}). */
  enum QueryEncoding {
    /** Quiver's choice: 4-bit scalar (asymmetric), which keeps recall at little cost. */
    DEFAULT("default"),
    /** The query is binarised like the vectors (symmetric, fastest, least accurate). */
    BINARY("binary"),
    SCALAR4BITS("scalar4bits"),
    SCALAR8BITS("scalar8bits");

    private final String apiName;

    QueryEncoding(String apiName) {
      this.apiName = apiName;
    }

    public String apiName() {
      return apiName;
    }

    static QueryEncoding parse(String value) {
      for (QueryEncoding e : values()) {
        if (e.apiName.equals(value)) {
          return e;
        }
      }
      throw new IllegalArgumentException(
          "quantization_config.binary.query_encoding must be one of default, binary, scalar4bits,"
              + " scalar8bits; got '"
              + value
              + "'");
    }
  }

  /** Parses Qdrant's {@code quantization_config} JSON; errors name the offending field. */
  static QuantizationConfig fromJson(JsonNode json) {
    String path = "quantization_config";
    if (json == null || !json.isObject() || json.size() != 1) {
      throw new IllegalArgumentException(
          path
              + " must be an object with exactly one of scalar, binary, product, rotational; got "
              + json);
    }
    Map.Entry<String, JsonNode> only = json.fields().next();
    String kind = only.getKey();
    JsonNode body = only.getValue();
    String at = path + "." + kind;
    if (!body.isObject()) {
      throw new IllegalArgumentException(at + " must be an object; got " + body);
    }
    switch (kind) {
      case "scalar":
        {
          checkFields(body, at, Set.of("type", "quantile", "always_ram", "per_dimension"));
          String type = text(body, at, "type", "int8");
          if (!type.equals("int8")) {
            throw new IllegalArgumentException(at + ".type must be 'int8'; got '" + type + "'");
          }
          float quantile = (float) number(body, at, "quantile", 1.0);
          return new Scalar(quantile, bool(body, at, "per_dimension", false));
        }
      case "binary":
        {
          checkFields(body, at, Set.of("encoding", "query_encoding", "always_ram"));
          String encoding = text(body, at, "encoding", "one_bit");
          int bits;
          switch (encoding) {
            case "one_bit":
              bits = 1;
              break;
            case "two_bits":
              bits = 2;
              break;
            default:
              throw new IllegalArgumentException(
                  at + ".encoding must be one_bit or two_bits; got '" + encoding + "'");
          }
          return new Binary(bits, QueryEncoding.parse(text(body, at, "query_encoding", "default")));
        }
      case "product":
        {
          checkFields(body, at, Set.of("compression", "always_ram"));
          String compression = text(body, at, "compression", null);
          if (compression == null) {
            throw new IllegalArgumentException(at + ".compression is required");
          }
          String lower = compression.toLowerCase(Locale.ROOT);
          if (!lower.matches("x[0-9]{1,3}")) {
            throw new IllegalArgumentException(
                at + ".compression must be x4, x8, x16, x32 or x64; got '" + compression + "'");
          }
          return new Product(Integer.parseInt(lower.substring(1)));
        }
      case "rotational":
        {
          checkFields(body, at, Set.of("bits", "always_ram"));
          double bits = number(body, at, "bits", 1);
          if (bits != Math.rint(bits)) {
            throw new IllegalArgumentException(at + ".bits must be an integer; got " + bits);
          }
          return new Rotational((int) bits);
        }
      default:
        throw new IllegalArgumentException(
            path + " must be one of scalar, binary, product, rotational; got '" + kind + "'");
    }
  }

  private static JsonNode wrap(String kind, ObjectNode body) {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.set(kind, body);
    return root;
  }

  private static void checkFields(JsonNode body, String at, Set<String> known) {
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (!known.contains(name)) {
        throw new IllegalArgumentException(at + " has unknown field '" + name + "'");
      }
    }
    if (body.has("always_ram") && !body.get("always_ram").isBoolean()) {
      throw new IllegalArgumentException(
          at + ".always_ram must be a boolean; got " + body.get("always_ram"));
    }
  }

  private static String text(JsonNode body, String at, String field, String fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isTextual()) {
      throw new IllegalArgumentException(at + "." + field + " must be a string; got " + v);
    }
    return v.asText();
  }

  private static double number(JsonNode body, String at, String field, double fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isNumber()) {
      throw new IllegalArgumentException(at + "." + field + " must be a number; got " + v);
    }
    return v.asDouble();
  }

  private static boolean bool(JsonNode body, String at, String field, boolean fallback) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      return fallback;
    }
    if (!v.isBoolean()) {
      throw new IllegalArgumentException(at + "." + field + " must be a boolean; got " + v);
    }
    return v.asBoolean();
  }
}
