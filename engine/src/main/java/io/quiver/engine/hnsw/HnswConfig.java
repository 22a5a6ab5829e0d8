package io.quiver.engine.hnsw;

/**
 * Parameters of an HNSW graph, validated on construction.
 *
 * <ul>
 *   <li>{@code m}: the most neighbours a node keeps on each upper level, in [2, 512];
 *   <li>{@code m0}: the most neighbours on level 0, in [m, 1024], default {@code 2 * m};
 *   <li>{@code efConstruct}: the beam width while building, in [4, 65536];
 *   <li>{@code fullScanThreshold}: a segment with fewer than this many vectors is searched exactly
 *       (brute force) instead of through the graph, as in Qdrant, default 0 (Qdrant counts this in
 *       kilobytes of vectors; Quiver counts vectors, which the adapter converts);
 *   <li>{@code seed}: seeds the random level of every node, so a single-threaded build is
 *       reproducible.
 * </ul>
 */
public final class HnswConfig {

  public static final int DEFAULT_M = 16;
  public static final int DEFAULT_EF_CONSTRUCT = 100;
  public static final long DEFAULT_SEED = 0x5157_4E53_4557L;

  private final int m;
  private final int m0;
  private final int efConstruct;
  private final int fullScanThreshold;
  private final long seed;

  private HnswConfig(Builder b) {
    if (b.m < 2 || b.m > 512) {
      throw new IllegalArgumentException("m must be in [2, 512]; got " + b.m);
    }
    int m0 = b.m0 == 0 ? 2 * b.m : b.m0;
    if (m0 < b.m || m0 > 1024) {
      throw new IllegalArgumentException("m0 must be in [m, 1024] with m=" + b.m + "; got " + m0);
    }
    if (b.efConstruct < 4 || b.efConstruct > 65536) {
      throw new IllegalArgumentException(
          "ef_construct must be in [4, 65536]; got " + b.efConstruct);
    }
    if (b.fullScanThreshold < 0) {
      throw new IllegalArgumentException(
          "full_scan_threshold must be >= 0; got " + b.fullScanThreshold);
    }
    this.m = b.m;
    this.m0 = m0;
    this.efConstruct = b.efConstruct;
    this.fullScanThreshold = b.fullScanThreshold;
    this.seed = b.seed;
  }

  public static Builder builder() {
    return new Builder();
  }

  public static HnswConfig defaults() {
    return builder().build();
  }

  public int m() {
    return m;
  }

  public int m0() {
    return m0;
  }

  public int efConstruct() {
    return efConstruct;
  }

  public int fullScanThreshold() {
    return fullScanThreshold;
  }

  public long seed() {
    return seed;
  }

  /** The most neighbours a node keeps on {@code level}. */
  public int maxConn(int level) {
    return level == 0 ? m0 : m;
  }

  @Override
  public String toString() {
    return "HnswConfig{m="
        + m
        + ", m0="
        + m0
        + ", efConstruct="
        + efConstruct
        + ", fullScanThreshold="
        + fullScanThreshold
        + "}";
  }

  public static final class Builder {
    private int m = DEFAULT_M;
    private int m0;
    private int efConstruct = DEFAULT_EF_CONSTRUCT;
    private int fullScanThreshold;
    private long seed = DEFAULT_SEED;

    public Builder m(int m) {
      this.m = m;
      return this;
    }

    /** Level-0 degree; 0 (the default) means {@code 2 * m}. */
    public Builder m0(int m0) {
      this.m0 = m0;
      return this;
    }

    public Builder efConstruct(int efConstruct) {
      this.efConstruct = efConstruct;
      return this;
    }

    public Builder fullScanThreshold(int vectors) {
      this.fullScanThreshold = vectors;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public HnswConfig build() {
      return new HnswConfig(this);
    }
  }
}
