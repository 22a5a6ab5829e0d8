package io.quiver.engine.hnsw;

import io.quiver.engine.accel.Accelerator;
import io.quiver.engine.accel.KnnGraphs;
import io.quiver.engine.accel.Neighbors;
import io.quiver.engine.quant.QuantizedVectors;
import io.quiver.engine.store.AtomicFileWriter;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.store.MappedFile;
import io.quiver.engine.vector.VectorOps;
import io.quiver.engine.vector.VectorOpsProvider;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.VectorValues;
import io.quiver.engine.vector.Vectors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.security.SecureRandom;

/**
 * An HNSW index over one set of vectors: build it, search it (approximately through the graph, or
 * exactly by brute force), write it to a file and open it again memory-mapped.
 *
 * <p>File format {@value #FORMAT} version {@value #VERSION}: the {@code FileFormat} header, then
 * {@code similarity id (int32), dimension (int32)}, then the graph as documented in {@link
 * PackedHnswGraph}, then the checksum footer. The vectors live in their own file.
 *
 * <p>With {@link #withQuantization quantized codes} attached, a search walks the graph scoring with
 * the codes, keeps {@code k * oversampling} candidates and rescores them with the original vectors
 * (which may stay on disk, memory-mapped): approximate first, exact rerank.
 *
 * <p>Searches may run from many threads at once; each thread reuses its own scratch state.
 */
public final class HnswIndex {

  public static final String FORMAT = "quiver.hnsw";
  public static final int VERSION = 1;

  /** Below this many vectors a graph is inserted on the CPU even when an accelerator is at hand. */
  public static final int MIN_ACCELERATED = 4096;

  private final VectorValues vectors;
  private final VectorSimilarity similarity;
  private final HnswConfig config;
  private final PackedHnswGraph graph;
  private final QuantizedVectors codes;
  private final ThreadLocal<HnswGraphSearcher> searchers;

  private HnswIndex(
      VectorValues vectors,
      VectorSimilarity similarity,
      HnswConfig config,
      PackedHnswGraph graph,
      QuantizedVectors codes) {
    this.vectors = vectors;
    this.similarity = similarity;
    this.config = config;
    this.graph = graph;
    this.codes = codes;
    this.searchers =
        ThreadLocal.withInitial(() -> new HnswGraphSearcher(graph.size(), graph.maxDegree()));
  }

  /**
   * This index with {@code codes} (of the same vectors, same similarity) used to walk the graph.
   */
  public HnswIndex withQuantization(QuantizedVectors codes) {
    if (codes.size() != graph.size()) {
      throw new IllegalArgumentException(
          "quantized codes hold " + codes.size() + " vectors but the graph has " + graph.size());
    }
    if (codes.quantizer().similarity() != similarity
        || codes.quantizer().dimension() != vectors.dimension()) {
      throw new IllegalArgumentException(
          "quantized codes are for "
              + codes.quantizer().similarity()
              + " dimension "
              + codes.quantizer().dimension()
              + ", the index is "
              + similarity
              + " dimension "
              + vectors.dimension());
    }
    return new HnswIndex(vectors, similarity, config, graph, codes);
  }

  /** The attached codes, or null. */
  public QuantizedVectors quantization() {
    return codes;
  }

  /**
   * Builds the graph over all of {@code vectors} with {@code threads} threads. For {@link
   * VectorSimilarity#COSINE} the vectors must already be normalised ({@link Vectors#prepare}).
   */
  public static HnswIndex build(
      VectorValues vectors, VectorSimilarity similarity, HnswConfig config, int threads) {
    if (similarity.normalizes()) {
      checkNormalized(vectors);
    }
    OnHeapHnswGraph built = new HnswGraphBuilder(vectors, similarity, config).build(threads);
    return new HnswIndex(vectors, similarity, config, PackedHnswGraph.pack(built, config), null);
  }

  /**
   * Builds the graph with {@code accelerator} when it {@linkplain Accelerator#buildsGraphs builds
   * graphs} and there are enough vectors for it to pay: level 0 from its k-nearest-neighbour graph
   * ({@code k = min(efConstruct, maxK, size - 1)}; exact or, for many vectors, partitioned: {@link
   * KnnGraphs}), the upper levels by insertion. Otherwise, and with a null accelerator, as {@link
   * #build(VectorValues, VectorSimilarity, HnswConfig, int)}.
   */
  public static HnswIndex build(
      VectorValues vectors,
      VectorSimilarity similarity,
      HnswConfig config,
      int threads,
      Accelerator accelerator) {
    if (accelerator == null || !accelerator.buildsGraphs() || vectors.size() < MIN_ACCELERATED) {
      return build(vectors, similarity, config, threads);
    }
    if (similarity.normalizes()) {
      checkNormalized(vectors);
    }
    // ef_construct above what the accelerator keeps per row only widens the candidates a little.
    int k = Math.min(Math.min(config.efConstruct(), accelerator.maxK()), vectors.size() - 1);
    return build(
        vectors, similarity, config, threads, accelerator.knnGraph(vectors, similarity, k));
  }

  /**
   * Builds the graph with level 0 formed from {@code knn}, every vector's nearest other vectors
   * best first, and the upper levels by insertion: how an accelerator's graph becomes HNSW.
   */
  public static HnswIndex build(
      VectorValues vectors,
      VectorSimilarity similarity,
      HnswConfig config,
      int threads,
      Neighbors knn) {
    OnHeapHnswGraph built = new HnswGraphBuilder(vectors, similarity, config).build(threads, knn);
    return new HnswIndex(vectors, similarity, config, PackedHnswGraph.pack(built, config), null);
  }

  private static void checkNormalized(VectorValues vectors) {
    VectorOps ops = VectorOpsProvider.get();
    float[] v = new float[vectors.dimension()];
    for (int ord = 0; ord < vectors.size(); ord++) {
      vectors.vector(ord, v);
      float norm2 = ops.dot(v, 0, v, 0, v.length);
      if (norm2 != 0 && Math.abs(norm2 - 1) > 1e-3f) {
        throw new IllegalArgumentException(
            "vector "
                + ord
                + " has norm "
                + (float) Math.sqrt(norm2)
                + "; Cosine needs vectors normalised when stored (Vectors.prepare)");
      }
    }
  }

  /** Approximate search with beam width {@code ef} (>= k) over every vector. */
  public SearchResults search(float[] query, int k, int ef) {
    return search(query, k, ef, AcceptOrds.ALL);
  }

  /**
   * Approximate search returning only ordinals {@code accept} allows; the predicate is applied
   * during traversal. Falls back to exact search when the index holds fewer than {@code
   * fullScanThreshold} vectors.
   */
  public SearchResults search(float[] query, int k, int ef, AcceptOrds accept) {
    checkK(k);
    if (ef < k) {
      throw new IllegalArgumentException("ef must be >= k; got ef=" + ef + ", k=" + k);
    }
    // The float vectors, whether or not codes are attached.
    return search(query, k, new SearchParams(ef, false, true, true, 1.0), accept);
  }

  /**
   * Search with per-query {@link SearchParams}: exact or through the graph, with the attached codes
   * (and rescoring) unless the parameters say to ignore them.
   */
  public SearchResults search(float[] query, int k, SearchParams params, AcceptOrds accept) {
    return search(query, k, params, accept, null);
  }

  /**
   * As above, the beam widening as {@code beam} allows where {@code accept} rejects more than it
   * promised (null: a beam of fixed width).
   */
  public SearchResults search(
      float[] query, int k, SearchParams params, AcceptOrds accept, FilterBeam beam) {
    checkK(k);
    float[] q = prepareQuery(query);
    if (params.exact() || graph.size() < config.fullScanThreshold()) {
      return exact(q, k, accept);
    }
    if (graph.size() == 0) {
      return SearchResults.empty();
    }
    int ef = params.ef() == 0 ? config.efConstruct() : params.ef();
    AcceptOrds filter = accept == AcceptOrds.ALL ? null : accept;
    HnswGraphSearcher searcher = searchers.get();
    long before = searcher.visitedCount();
    if (codes == null || params.ignoreQuantization()) {
      searcher.search(vectors.scorer(similarity, q), graph, Math.max(ef, k), filter, beam);
      return SearchResults.fromMinHeap(searcher.results, k, searcher.visitedCount() - before);
    }
    int candidates = params.candidates(k);
    searcher.search(codes.scorer(q), graph, Math.max(ef, candidates), filter, beam);
    long visited = searcher.visitedCount() - before;
    if (!params.rescore()) {
      return SearchResults.fromMinHeap(searcher.results, k, visited);
    }
    return rescore(q, searcher.results, candidates, k, visited);
  }

  /** Rescores the best {@code candidates} of a quantized pass with the original vectors. */
  private SearchResults rescore(
      float[] q, NeighborQueue quantized, int candidates, int k, long visited) {
    while (quantized.size() > candidates) {
      quantized.pop();
    }
    int n = quantized.size();
    int[] ords = new int[n];
    for (int i = 0; i < n; i++) {
      ords[i] = quantized.pop();
    }
    float[] scores = new float[n];
    vectors.scorer(similarity, q).bulkScore(ords, scores, n);
    NeighborQueue top = new NeighborQueue(k, false);
    for (int i = 0; i < n; i++) {
      top.insertWithOverflow(ords[i], scores[i], k);
    }
    return SearchResults.fromMinHeap(top, k, visited + n);
  }

  /** Exact (brute-force) search over the ordinals {@code accept} allows. */
  public SearchResults exactSearch(float[] query, int k, AcceptOrds accept) {
    checkK(k);
    return exact(prepareQuery(query), k, accept);
  }

  private SearchResults exact(float[] q, int k, AcceptOrds accept) {
    return ExactSearch.search(vectors.scorer(similarity, q), k, graph.size(), accept);
  }

  private static void checkK(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1; got " + k);
    }
  }

  private float[] prepareQuery(float[] query) {
    Vectors.checkValid(query, vectors.dimension(), "query vector");
    return Vectors.prepare(similarity, query);
  }

  /** Writes the graph (not the vectors) to {@code file} atomically. */
  public void write(Path file, byte[] segmentId) throws IOException {
    try (AtomicFileWriter out = new AtomicFileWriter(file, FORMAT, VERSION, segmentId)) {
      out.writeInt(similarity.id()).writeInt(vectors.dimension());
      out.writeBytes(graph.buffer());
      out.commit();
    }
  }

  /** Writes the graph with a fresh random segment id. */
  public void write(Path file) throws IOException {
    byte[] id = new byte[16];
    new SecureRandom().nextBytes(id);
    write(file, id);
  }

  /**
   * Opens a graph file memory-mapped, over {@code vectors} (which must be the ones it was built
   * on).
   */
  public static HnswIndex open(Path file, VectorValues vectors, VectorSimilarity similarity)
      throws IOException {
    return open(file, vectors, similarity, false);
  }

  /** Opens a graph file, mapped or read onto the heap. */
  public static HnswIndex open(
      Path file, VectorValues vectors, VectorSimilarity similarity, boolean onHeap)
      throws IOException {
    MappedFile mapped = MappedFile.open(file, FORMAT, VERSION, VERSION, onHeap);
    ByteBuffer body = mapped.body();
    if (body.limit() < 8) {
      throw new CorruptFileException(file, "graph body is truncated");
    }
    VectorSimilarity stored = VectorSimilarity.fromId(body.getInt(0));
    int dimension = body.getInt(4);
    if (stored != similarity) {
      throw new IllegalArgumentException(
          "graph " + file + " was built for " + stored + ", not " + similarity);
    }
    if (dimension != vectors.dimension()) {
      throw new IllegalArgumentException(
          "graph "
              + file
              + " was built on dimension "
              + dimension
              + " but the vectors have dimension "
              + vectors.dimension());
    }
    ByteBuffer graphBytes = body.duplicate();
    graphBytes.position(8);
    PackedHnswGraph graph = PackedHnswGraph.read(graphBytes, file);
    if (graph.size() != vectors.size()) {
      throw new IllegalArgumentException(
          "graph "
              + file
              + " has "
              + graph.size()
              + " nodes but there are "
              + vectors.size()
              + " vectors");
    }
    HnswConfig config =
        HnswConfig.builder().m(graph.m()).m0(graph.m0()).efConstruct(graph.efConstruct()).build();
    return new HnswIndex(vectors, similarity, config, graph, null);
  }

  public int size() {
    return graph.size();
  }

  public int dimension() {
    return vectors.dimension();
  }

  public VectorSimilarity similarity() {
    return similarity;
  }

  public HnswConfig config() {
    return config;
  }

  public VectorValues vectors() {
    return vectors;
  }

  /** Bytes of the encoded graph: what the file holds and what a mapping pages in. */
  public long graphBytes() {
    return graph.bytes();
  }

  /** Package-private view for tests and tools that check graph invariants. */
  HnswGraph graph() {
    return graph;
  }
}
