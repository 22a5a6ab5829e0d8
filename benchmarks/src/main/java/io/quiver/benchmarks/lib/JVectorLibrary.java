package io.quiver.benchmarks.lib;

import io.github.jbellis.jvector.graph.GraphIndexBuilder;
import io.github.jbellis.jvector.graph.GraphSearcher;
import io.github.jbellis.jvector.graph.ImmutableGraphIndex;
import io.github.jbellis.jvector.graph.ListRandomAccessVectorValues;
import io.github.jbellis.jvector.graph.RandomAccessVectorValues;
import io.github.jbellis.jvector.graph.SearchResult;
import io.github.jbellis.jvector.graph.similarity.BuildScoreProvider;
import io.github.jbellis.jvector.graph.similarity.DefaultSearchScoreProvider;
import io.github.jbellis.jvector.util.Bits;
import io.github.jbellis.jvector.vector.VectorSimilarityFunction;
import io.github.jbellis.jvector.vector.VectorizationProvider;
import io.github.jbellis.jvector.vector.types.VectorFloat;
import io.github.jbellis.jvector.vector.types.VectorTypeSupport;
import io.quiver.benchmarks.data.Metric;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;

/**
 * DataStax jvector's on-heap graph: {@link GraphIndexBuilder} with maxDegree 16, beam width 100,
 * its default neighbour overflow and alpha (1.2, 1.2), and (through 4.x's builder, whose
 * constructors are deprecated) its defaults for the rest: the HNSW-style hierarchy on and the final
 * refinement pass on. Note that maxDegree bounds every layer, the base layer included, where the
 * HNSW libraries allow 2 * M. Searched with {@link GraphSearcher} using full-precision scores, topK
 * = k and rerankK = ef (with exact scoring, rerankK is the beam).
 */
public final class JVectorLibrary implements AnnLibrary {

  static final int MAX_DEGREE = 16;
  static final int BEAM_WIDTH = 100;
  static final float NEIGHBOR_OVERFLOW = 1.2f;
  static final float ALPHA = 1.2f;

  private static final VectorTypeSupport VTS =
      VectorizationProvider.getInstance().getVectorTypeSupport();

  @Override
  public String name() {
    return "jvector";
  }

  @Override
  public String version() {
    return LibraryVersions.get("jvector.version");
  }

  @Override
  public String vectorization() {
    return VectorizationProvider.getInstance().getClass().getSimpleName();
  }

  @Override
  public AnnIndex build(float[][] base, Metric metric, int threads) throws Exception {
    List<VectorFloat<?>> vectors = new ArrayList<>(base.length);
    for (float[] v : base) {
      vectors.add(VTS.createFloatVector(v.clone()));
    }
    RandomAccessVectorValues ravv = new ListRandomAccessVectorValues(vectors, base[0].length);
    VectorSimilarityFunction vsf = similarity(metric);
    BuildScoreProvider bsp = BuildScoreProvider.randomAccessScoreProvider(ravv, vsf);
    ForkJoinPool pool = new ForkJoinPool(threads);
    try (GraphIndexBuilder builder =
        GraphIndexBuilder.builder(bsp, ravv.dimension(), MAX_DEGREE)
            .withBeamWidth(BEAM_WIDTH)
            .withNeighborOverflow(NEIGHBOR_OVERFLOW)
            .withAlpha(ALPHA)
            .withSimdExecutor(pool)
            .withParallelExecutor(pool)
            .build()) {
      long start = System.nanoTime();
      ImmutableGraphIndex graph = builder.build(ravv);
      return new Index(graph, ravv, vsf, System.nanoTime() - start);
    } finally {
      // Wait for the workers to exit, so their thread-local scratch is gone before heap is
      // measured.
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);
    }
  }

  private static VectorSimilarityFunction similarity(Metric metric) {
    switch (metric) {
      case L2:
        return VectorSimilarityFunction.EUCLIDEAN;
      case DOT:
        // (1 + dot) / 2: monotone in the dot product, so it ranks correctly even for vectors that
        // are not unit length.
        return VectorSimilarityFunction.DOT_PRODUCT;
      default:
        throw new AssertionError(metric);
    }
  }

  private static final class Index implements AnnIndex {
    private final ImmutableGraphIndex graph;
    private final RandomAccessVectorValues vectors;
    private final VectorSimilarityFunction vsf;
    private final GraphSearcher searcher;
    private final long buildNanos;

    Index(
        ImmutableGraphIndex graph,
        RandomAccessVectorValues vectors,
        VectorSimilarityFunction vsf,
        long buildNanos) {
      this.graph = graph;
      this.vectors = vectors;
      this.vsf = vsf;
      this.searcher = new GraphSearcher(graph);
      this.buildNanos = buildNanos;
    }

    @Override
    public int[] search(float[] query, int k, int ef) {
      VectorFloat<?> q = VTS.createFloatVector(query);
      SearchResult result =
          searcher.search(
              DefaultSearchScoreProvider.exact(q, vsf, vectors), k, ef, 0f, 0f, Bits.ALL);
      SearchResult.NodeScore[] nodes = result.getNodes();
      int[] ords = new int[nodes.length];
      for (int i = 0; i < nodes.length; i++) {
        ords[i] = nodes[i].node;
      }
      return ords;
    }

    @Override
    public long buildNanos() {
      return buildNanos;
    }

    @Override
    public OptionalLong graphBytes() {
      return OptionalLong.of(graph.ramBytesUsed());
    }

    @Override
    public String graphBytesSource() {
      return "ImmutableGraphIndex.ramBytesUsed() (on-heap graph)";
    }

    @Override
    public void close() throws IOException {
      searcher.close();
      try {
        graph.close();
      } catch (IOException | RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IOException("closing the jvector graph failed", e);
      }
    }
  }
}
