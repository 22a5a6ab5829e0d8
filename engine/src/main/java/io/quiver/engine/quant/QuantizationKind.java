package io.quiver.engine.quant;

/** The quantizer families, persisted by {@link #id()} (never by ordinal). */
public enum QuantizationKind {
  SCALAR(1, "scalar"),
  BINARY(2, "binary"),
  PRODUCT(3, "product"),
  ROTATIONAL(4, "rotational");

  private final int id;
  private final String configName;

  QuantizationKind(int id, String configName) {
    this.id = id;
    this.configName = configName;
  }

  public int id() {
    return id;
  }

  /** The key used in {@code quantization_config} ({@code "scalar"}, {@code "binary"}, ...). */
  public String configName() {
    return configName;
  }

  public static QuantizationKind fromId(int id) {
    for (QuantizationKind kind : values()) {
      if (kind.id == id) {
        return kind;
      }
    }
    throw new IllegalArgumentException("unknown quantization kind id " + id);
  }
}
