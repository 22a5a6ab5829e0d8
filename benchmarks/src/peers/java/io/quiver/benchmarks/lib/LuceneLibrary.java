package io.quiver.benchmarks.lib;

import io.quiver.benchmarks.data.Metric;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
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
import org.apache.lucene.codecs.lucene104.Lucene104HnswScalarQuantizedVectorsFormat;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.TieredMergePolicy;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.store.MMapDirectory;
import org.apache.lucene.util.VectorUtil;
import org.apache.lucene.util.Version;
import org.apache.lucene.util.quantization.QuantizedByteVectorValues.ScalarEncoding;

/**
 * Apache Lucene's HNSW through its real codec path: an {@link IndexWriter} whose codec gives the
 * vector field {@link Lucene99HnswVectorsFormat}(16, 100, threads, executor), one document per
 * vector ({@link KnnFloatVectorField} plus its ordinal as a doc value), {@code threads} indexing
 * threads, then {@code forceMerge(1)} into a single segment in an {@link MMapDirectory} under a
 * temporary directory. Build time covers indexing, the merge and the commit. Searched as {@link
 * LuceneIndex} describes.
 *
 * <p>The quantized variants ({@code lucene-sq8}, {@code -sq7}, {@code -sq4}, {@code -sq2}, {@code
 * -bbq}) use {@link Lucene104HnswScalarQuantizedVectorsFormat}(encoding, 16, 100, threads,
 * executor) instead, the one quantized HNSW format in lucene-core 10.6 (the older Lucene99 scalar
 * and Lucene102 binary formats are no longer there): the same graph parameters, the codes in .veq
 * beside the float vectors in .vec. Lucene scores the graph build with the floats when it flushes a
 * segment and with the codes when it merges, so with more than one build thread the merged graph is
 * built on codes. They are searched as {@link LuceneQuantizedIndex} describes.
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

  private final String name;

  /** The encoding of a quantized variant; null for the float format. */
  private final ScalarEncoding encoding;

  /**
   * Called by {@link Libraries} with {@code lucene} or a Lucene {@link QuantizedVariant}'s name.
   */
  public LuceneLibrary(String name) {
    this.name = name;
    this.encoding = name.equals("lucene") ? null : encoding(name);
  }

  private static ScalarEncoding encoding(String name) {
    QuantizedVariant variant =
        QuantizedVariant.byName(name)
            .orElseThrow(
                () -> new IllegalArgumentException("unknown Lucene library '" + name + "'"));
    switch (variant) {
      case LUCENE_SQ8:
        return ScalarEncoding.UNSIGNED_BYTE;
      case LUCENE_SQ7:
        return ScalarEncoding.SEVEN_BIT;
      case LUCENE_SQ4:
        return ScalarEncoding.PACKED_NIBBLE;
      case LUCENE_SQ2:
        return ScalarEncoding.DIBIT_QUERY_NIBBLE;
      case LUCENE_BBQ:
        return ScalarEncoding.SINGLE_BIT_QUERY_NIBBLE;
      default:
        throw new IllegalArgumentException(name + " is not a Lucene variant");
    }
  }

  @Override
  public String name() {
    return name;
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
      LuceneIndex index =
          encoding == null
              ? new LuceneIndex(dir, directory, FIELD, ORD_FIELD, buildNanos)
              : new LuceneQuantizedIndex(
                  dir,
                  directory,
                  FIELD,
                  ORD_FIELD,
                  buildNanos,
                  encoding
                      + " ("
                      + Lucene104HnswScalarQuantizedVectorsFormat.class.getSimpleName()
                      + ")");
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

  private IndexWriterConfig config(int threads, ExecutorService pool) {
    ExecutorService mergeExec = threads > 1 ? pool : null;
    KnnVectorsFormat format =
        encoding == null
            ? new Lucene99HnswVectorsFormat(M, BEAM_WIDTH, threads, mergeExec)
            : new Lucene104HnswScalarQuantizedVectorsFormat(
                encoding, M, BEAM_WIDTH, threads, mergeExec);
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

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
