package io.quiver.benchmarks.lib;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The quantized indexes the harness can run, by command-line name: Quiver's quantizers on its float
 * HNSW graph, and Lucene's scalar-quantized HNSW format at each of its encodings. The adapters map
 * a variant to their library's configuration; this table only names them and says how many bits per
 * dimension their codes spend, which decides the default oversampling. Variants with equal bits get
 * the same oversampling list, so Quiver and Lucene are swept alike.
 */
public enum QuantizedVariant {
  QUIVER_INT8("quiver", "int8", 8, "scalar int8, quantile 0.999, a range per dimension"),
  QUIVER_INT8G("quiver", "int8g", 8, "scalar int8, quantile 0.99, one range for all dimensions"),
  QUIVER_ROT4("quiver", "rot4", 4, "rotational, 4 bits"),
  QUIVER_ROT2("quiver", "rot2", 2, "rotational, 2 bits"),
  QUIVER_ROT1("quiver", "rot1", 1, "rotational, 1 bit"),
  QUIVER_BIN2("quiver", "bin2", 2, "binary two_bits, default query encoding"),
  QUIVER_BIN1("quiver", "bin1", 1, "binary one_bit, default query encoding"),
  QUIVER_PQ16("quiver", "pq16", 2, "product quantization x16"),
  QUIVER_PQ32("quiver", "pq32", 1, "product quantization x32"),
  LUCENE_SQ8("lucene", "sq8", 8, "Lucene104 scalar, UNSIGNED_BYTE"),
  LUCENE_SQ7("lucene", "sq7", 7, "Lucene104 scalar, SEVEN_BIT (stored in 8)"),
  LUCENE_SQ4("lucene", "sq4", 4, "Lucene104 scalar, PACKED_NIBBLE"),
  LUCENE_SQ2("lucene", "sq2", 2, "Lucene104 scalar, DIBIT_QUERY_NIBBLE (4-bit query)"),
  LUCENE_BBQ("lucene", "bbq", 1, "Lucene104 scalar, SINGLE_BIT_QUERY_NIBBLE (BBQ, 4-bit query)");

  private final String family;
  private final String suffix;
  private final double bitsPerDimension;
  private final String description;

  QuantizedVariant(String family, String suffix, double bitsPerDimension, String description) {
    this.family = family;
    this.suffix = suffix;
    this.bitsPerDimension = bitsPerDimension;
    this.description = description;
  }

  /** The name on the command line and in the report, e.g. {@code quiver-int8}. */
  public String libraryName() {
    return family + "-" + suffix;
  }

  /** The float library this variant quantizes: {@code quiver} or {@code lucene}. */
  public String family() {
    return family;
  }

  /** Nominal bits per dimension of a code, before per-vector correction terms. */
  public double bitsPerDimension() {
    return bitsPerDimension;
  }

  public String description() {
    return description;
  }

  /**
   * The oversampling factors swept when {@code --oversampling} is not given. Rescoring {@code k *
   * oversampling} candidates costs little next to the graph walk, so the coarser the codes the
   * larger the factors worth trying; the sweep keeps whichever is fastest at the target recall.
   */
  public List<Double> defaultOversampling() {
    if (bitsPerDimension >= 7) {
      return List.of(1.0, 2.0, 3.0);
    }
    if (bitsPerDimension >= 3) {
      return List.of(1.0, 2.0, 3.0, 5.0);
    }
    // 1-2 bits on clustered 768-d data need ~20x to reach recall 0.95 (measured on gmm-200k-768).
    return List.of(3.0, 5.0, 10.0, 20.0);
  }

  /** The variant called {@code name} (case-insensitive), or empty for a float library. */
  public static Optional<QuantizedVariant> byName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (QuantizedVariant v : values()) {
      if (v.libraryName().equals(lower)) {
        return Optional.of(v);
      }
    }
    return Optional.empty();
  }
}
