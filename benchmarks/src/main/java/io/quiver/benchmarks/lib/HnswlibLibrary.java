package io.quiver.benchmarks.lib;

import com.github.jelmerk.hnswlib.core.DistanceFunction;
import com.github.jelmerk.hnswlib.core.DistanceFunctions;
import com.github.jelmerk.hnswlib.core.Item;
import com.github.jelmerk.hnswlib.core.SearchResult;
import com.github.jelmerk.hnswlib.core.hnsw.HnswIndex;
import io.quiver.benchmarks.data.Metric;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * jelmerk's hnswlib-core, a pure-Java port of hnswlib: m=16, efConstruction=100, ef set before each
 * query. It has no SIMD path and no size accounting, so its graph size is measured by the harness
 * (retained heap minus the vectors).
 */
public final class HnswlibLibrary implements AnnLibrary {

  static final int M = 16;
  static final int EF_CONSTRUCTION = 100;

  @Override
  public String name() {
    return "hnswlib";
  }

  @Override
  public String version() {
    return LibraryVersions.get("hnswlib.version");
  }

  @Override
  public String vectorization() {
    return "none (scalar Java distance functions)";
  }

  @Override
  public AnnIndex build(float[][] base, Metric metric, int threads) throws Exception {
    List<Vector> items = new ArrayList<>(base.length);
    for (int i = 0; i < base.length; i++) {
      items.add(new Vector(i, base[i].clone()));
    }
    HnswIndex<Integer, float[], Vector, Float> index =
        HnswIndex.newBuilder(base[0].length, distance(metric), base.length)
            .withM(M)
            .withEfConstruction(EF_CONSTRUCTION)
            .build();
    long start = System.nanoTime();
    index.addAll(items, threads, (done, max) -> {}, Integer.MAX_VALUE);
    return new Index(index, System.nanoTime() - start);
  }

  private static DistanceFunction<float[], Float> distance(Metric metric) {
    switch (metric) {
      case L2:
        return DistanceFunctions.FLOAT_EUCLIDEAN_DISTANCE;
      case DOT:
        return DistanceFunctions.FLOAT_INNER_PRODUCT; // 1 - dot
      default:
        throw new AssertionError(metric);
    }
  }

  /** An indexed vector; its id is its ordinal. */
  record Vector(Integer id, float[] vector) implements Item<Integer, float[]> {
    private static final long serialVersionUID = 1L;

    @Override
    public int dimensions() {
      return vector.length;
    }
  }

  private static final class Index implements AnnIndex {
    private final HnswIndex<Integer, float[], Vector, Float> index;
    private final long buildNanos;

    Index(HnswIndex<Integer, float[], Vector, Float> index, long buildNanos) {
      this.index = index;
      this.buildNanos = buildNanos;
    }

    @Override
    public int[] search(float[] query, int k, int ef) {
      index.setEf(ef);
      List<SearchResult<Vector, Float>> results = index.findNearest(query, k);
      int[] ords = new int[results.size()];
      for (int i = 0; i < ords.length; i++) {
        ords[i] = results.get(i).item().id();
      }
      return ords;
    }

    @Override
    public long buildNanos() {
      return buildNanos;
    }

    @Override
    public OptionalLong graphBytes() {
      return OptionalLong.empty();
    }

    @Override
    public String graphBytesSource() {
      return "measured: retained heap minus the float[] vectors (includes per-node objects, id map,"
          + " locks)";
    }

    @Override
    public void close() {}
  }
}
