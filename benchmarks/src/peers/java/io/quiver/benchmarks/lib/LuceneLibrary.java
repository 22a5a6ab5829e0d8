package io.quiver.benchmarks.lib;

import io.quiver.benchmarks.data.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.stream.Stream;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.LeafReader;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.AcceptDocs;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TopKnnCollector;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.Version;

/**
 * Apache Lucene's HNSW through its real codec path: an {@link IndexWriter} whose codec gives the
 * vector field {@link Lucene99HnswVectorsFormat}(16, 100, threads, executor), one document per
 * vector ({@link KnnFloatVectorField} plus its ordinal as a doc value), {@code threads} indexing
 * threads, then {@code forceMerge(1)} into a single segment in an {@link MMapDirectory} under a
 * temporary directory. Build time covers indexing, the merge and the commit.
 *
 * <p>Search goes to the single {@link LeafReader} directly: {@code searchNearestVectors} with a
 * {@link TopKnnCollector} of size ef, keeping the best k. That is the work a {@code
 * KnnFloatVectorQuery} with k = ef does per segment, without the query's rewrite, its per-segment
 * merge and its doc-id set.
 */
public final class LuceneLibrary implements AnnLibrary {

  static final int M = 16;
  static final int BEAM_WIDTH = 100;
  private static final String FIELD = "vector";
  private static final String ORD_FIELD = "ord";
  private static final String VECTORIZATION_LOGGER = "org.apache.lucene.internal.vectorization";

  /** Lucene says which vectorization provider it picked only in a log line; keep it. */
  private static final List<String> VECTORIZATION_LOG = new ArrayList<>();

  private static final Logger LOGGER = captureVectorizationLog();

  @Override
  public String name() {
    return "lucene";
  }

  @Override
  public String version() {
    return Version.LATEST.toString();
  }

  @Override
  public String vectorization() {
    VectorUtil.dotProduct(new float[] {1f}, new float[] {1f}); // makes sure the provider is chosen
    synchronized (VECTORIZATION_LOG) {
      return VECTORIZATION_LOG.isEmpty()
          ? "unknown (Lucene logged nothing about its vectorization provider)"
          : String.join("; ", VECTORIZATION_LOG);
    }
  }

  @Override
  public AnnIndex build(float[][] base, Metric metric, int threads) throws Exception {
    VectorSimilarityFunction similarity = similarity(metric, base);
    List<Document> docs = new ArrayList<>(base.length);
    for (int i = 0; i < base.length; i++) {
      Document doc = new Document();
      doc.add(new KnnFloatVectorField(FIELD, base[i].clone(), similarity));
      doc.add(new NumericDocValuesField(ORD_FIELD, i));
      docs.add(doc);
    }
    Path dir = Files.createTempDirectory("quiver-bench-lucene-");
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    boolean success = false;
    try {
      MMapDirectory directory = new MMapDirectory(dir);
      long start = System.nanoTime();
      try (IndexWriter writer = new IndexWriter(directory, config(threads, pool))) {
        addAll(writer, docs, threads, pool);
        writer.forceMerge(1);
        writer.commit();
      }
      long buildNanos = System.nanoTime() - start;
      docs = null;
      Index index = new Index(dir, directory, buildNanos);
      success = true;
      return index;
    } finally {
      pool.shutdown();
      pool.awaitTermination(1, TimeUnit.MINUTES);
      if (!success) {
        deleteRecursively(dir);
      }
    }
  }

  private static IndexWriterConfig config(int threads, ExecutorService pool) {
    KnnVectorsFormat format =
        new Lucene99HnswVectorsFormat(M, BEAM_WIDTH, threads, threads > 1 ? pool : null);
    Codec base = Codec.getDefault();
    Codec codec =
        new FilterCodec(base.getName(), base) {
          private final KnnVectorsFormat perField =
              new PerFieldKnnVectorsFormat() {
                @Override
                public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                  return format;
                }
              };

          @Override
          public KnnVectorsFormat knnVectorsFormat() {
            return perField;
          }
        };
    TieredMergePolicy mergePolicy = new TieredMergePolicy();
    mergePolicy.setNoCFSRatio(0.0); // keep .vex/.vec as separate files, so they can be sized
    return new IndexWriterConfig()
        .setCodec(codec)
        .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
        .setUseCompoundFile(false)
        .setMergePolicy(mergePolicy)
        .setRAMBufferSizeMB(1024);
  }

  /** Splits the documents into {@code threads} contiguous runs, each added by its own thread. */
  private static void addAll(
      IndexWriter writer, List<Document> docs, int threads, ExecutorService pool) throws Exception {
    List<Future<?>> tasks = new ArrayList<>(threads);
    int per = (docs.size() + threads - 1) / threads;
    for (int t = 0; t < threads; t++) {
      List<Document> run =
          docs.subList(Math.min(docs.size(), t * per), Math.min(docs.size(), (t + 1) * per));
      tasks.add(
          pool.submit(
              () -> {
                for (Document doc : run) {
                  writer.addDocument(doc);
                }
                return null;
              }));
    }
    for (Future<?> task : tasks) {
      task.get();
    }
  }

  /**
   * Lucene's DOT_PRODUCT requires unit-length vectors; MAXIMUM_INNER_PRODUCT ranks by the same
   * inner product without that requirement, so it is used for data that is not normalised.
   */
  private static VectorSimilarityFunction similarity(Metric metric, float[][] base) {
    switch (metric) {
      case L2:
        return VectorSimilarityFunction.EUCLIDEAN;
      case DOT:
        return unitNorm(base)
            ? VectorSimilarityFunction.DOT_PRODUCT
            : VectorSimilarityFunction.MAXIMUM_INNER_PRODUCT;
      default:
        throw new AssertionError(metric);
    }
  }

  private static boolean unitNorm(float[][] base) {
    for (float[] v : base) {
      if (Math.abs(Math.sqrt(VectorUtil.dotProduct(v, v)) - 1.0) > 1e-3) {
        return false;
      }
    }
    return true;
  }

  private static Logger captureVectorizationLog() {
    Logger logger = Logger.getLogger(VECTORIZATION_LOGGER);
    logger.addHandler(
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            synchronized (VECTORIZATION_LOG) {
              VECTORIZATION_LOG.add(record.getMessage());
            }
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
    return logger;
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  private static final class Index implements AnnIndex {
    private final Path dir;
    private final MMapDirectory directory;
    private final DirectoryReader reader;
    private final LeafReader leaf;
    private final int[] docToOrd;
    private final AcceptDocs acceptAll;
    private final long buildNanos;

    Index(Path dir, MMapDirectory directory, long buildNanos) throws IOException {
      this.dir = dir;
      this.directory = directory;
      this.reader = DirectoryReader.open(directory);
      if (reader.leaves().size() != 1) {
        throw new IllegalStateException(
            "expected one segment after forceMerge(1); got " + reader.leaves().size());
      }
      this.leaf = reader.leaves().get(0).reader();
      this.docToOrd = docToOrd(leaf);
      this.acceptAll = AcceptDocs.fromLiveDocs(leaf.getLiveDocs(), leaf.maxDoc());
      this.buildNanos = buildNanos;
    }

    private static int[] docToOrd(LeafReader leaf) throws IOException {
      int[] map = new int[leaf.maxDoc()];
      NumericDocValues ords = leaf.getNumericDocValues(ORD_FIELD);
      for (int doc = ords.nextDoc(); doc != NumericDocValues.NO_MORE_DOCS; doc = ords.nextDoc()) {
        map[doc] = (int) ords.longValue();
      }
      return map;
    }

    @Override
    public int[] search(float[] query, int k, int ef) throws IOException {
      TopKnnCollector collector = new TopKnnCollector(ef, Integer.MAX_VALUE);
      leaf.searchNearestVectors(FIELD, query, collector, acceptAll);
      ScoreDoc[] hits = collector.topDocs().scoreDocs;
      int[] ords = new int[Math.min(k, hits.length)];
      for (int i = 0; i < ords.length; i++) {
        ords[i] = docToOrd[hits[i].doc];
      }
      return ords;
    }

    @Override
    public long buildNanos() {
      return buildNanos;
    }

    @Override
    public OptionalLong graphBytes() {
      return OptionalLong.of(filesEndingWith(".vex"));
    }

    @Override
    public String graphBytesSource() {
      return "size of the .vex file (memory-mapped)";
    }

    /** The vector data (.vec), the graph (.vex) and their metadata (.vemf, .vem), all mapped. */
    @Override
    public long offHeapBytes() {
      try {
        return filesEndingWith(".vec")
            + filesEndingWith(".vex")
            + filesEndingWith(".vemf")
            + filesEndingWith(".vem");
      } catch (RuntimeException e) {
        return -1;
      }
    }

    private long filesEndingWith(String suffix) {
      long total = 0;
      try {
        for (String file : directory.listAll()) {
          if (file.endsWith(suffix)) {
            total += directory.fileLength(file);
          }
        }
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return total;
    }

    @Override
    public void close() throws IOException {
      try {
        reader.close();
        directory.close();
      } finally {
        deleteRecursively(dir);
      }
    }
  }
}
