package io.quiver.benchmarks.lib;

import io.quiver.benchmarks.data.Metric;
import io.quiver.engine.hnsw.HnswConfig;
import io.quiver.engine.hnsw.HnswIndex;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.VectorOpsProvider;
import io.quiver.engine.vector.VectorSimilarity;
import java.util.OptionalLong;

/** Quiver's own on-heap HNSW, from the engine module. */
public final class QuiverLibrary implements AnnLibrary {

  static final int M = 16;
  static final int EF_CONSTRUCTION = 100;

  @Override
  public String name() {
    return "quiver";
  }

  @Override
  public String version() {
    String v = HnswIndex.class.getPackage().getImplementationVersion();
    return v != null ? v : LibraryVersions.get("quiver.version");
  }

  @Override
  public String vectorization() {
    return VectorOpsProvider.get().name();
  }

  @Override
  public AnnIndex build(float[][] base, Metric metric, int threads) {
    ArrayVectorValues vectors = copyOf(base);
    long start = System.nanoTime();
    HnswIndex index = buildGraph(vectors, metric, threads);
    return new Index(index, System.nanoTime() - start);
  }

  /** The vectors in Quiver's on-heap container (copied: the caller's arrays are not kept). */
  static ArrayVectorValues copyOf(float[][] base) {
    ArrayVectorValues vectors = new ArrayVectorValues(base[0].length, base.length);
    for (float[] v : base) {
      vectors.add(v);
    }
    return vectors;
  }

  /** The float graph every Quiver row is built on: M = 16, ef_construction = 100. */
  static HnswIndex buildGraph(ArrayVectorValues vectors, Metric metric, int threads) {
    // No brute-force shortcut for small indexes: the graph is what is measured.
    HnswConfig config =
        HnswConfig.builder().m(M).efConstruct(EF_CONSTRUCTION).fullScanThreshold(0).build();
    return HnswIndex.build(vectors, similarity(metric), config, threads);
  }

  static VectorSimilarity similarity(Metric metric) {
    switch (metric) {
      case L2:
        return VectorSimilarity.EUCLID;
      case DOT:
        return VectorSimilarity.DOT;
      default:
        throw new AssertionError(metric);
    }
  }

  private static final class Index implements AnnIndex {
    private final HnswIndex index;
    private final long buildNanos;

    Index(HnswIndex index, long buildNanos) {
      this.index = index;
      this.buildNanos = buildNanos;
    }

    @Override
    public int[] search(float[] query, int k, int ef) {
      return index.search(query, k, ef).ords();
    }

    @Override
    public long buildNanos() {
      return buildNanos;
    }

    @Override
    public OptionalLong graphBytes() {
      return OptionalLong.of(index.graphBytes());
    }

    @Override
    public String graphBytesSource() {
      return "HnswIndex.graphBytes()";
    }

    @Override
    public void close() {}
  }
}
