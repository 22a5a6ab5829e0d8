package io.quiver.engine.quant;

import io.quiver.engine.accel.Accelerator;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.vector.RandomVectorScorer;
import io.quiver.engine.vector.VectorOpsProvider;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.VectorValues;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Product quantization (Jégou, Douze and Schmid), as Qdrant's {@code product: {compression: xN}}.
 * The training sample's mean is subtracted first; the dimensions are then cut into {@code M}
 * consecutive subspaces and each subspace gets a codebook of 256 centroids trained with {@link
 * KMeans}. A vector's code is, per subspace, one byte naming the centroid nearest to its centred
 * sub-vector, so {@code codeBytes() = M}. Codebooks minimise the squared Euclidean error whatever
 * the similarity: that error bounds the score error of every similarity here.
 *
 * <p>{@code M = ceil(d * 4 / compression)}: the code is the {@code compression}-times-smaller byte
 * budget of the float32 vector, spent entirely on one byte per subspace (at most {@code d}
 * subspaces; 8-bit codebooks because a byte indexes them without unpacking). The first {@code d %
 * M} subspaces have {@code d / M + 1} dimensions and the rest {@code d / M}, so subspace sizes
 * differ by at most one. Codebooks cost {@code 1 KiB * d} beside the codes.
 *
 * <p>Scoring never decodes: for a query, a table of {@code M * 256} partial scores is built once,
 * and a code scores {@code constant + sum(table[m * 256 + code[m]])}, one lookup per byte. For dot
 * and cosine the partials are the dot products of the query's sub-vectors with the centroids and
 * the constant is the dot product of the query with the mean; for Euclid they are the negated
 * squared distances, and for Manhattan the negated L1 distances, between the centred query's
 * sub-vectors and the centroids (both decompose over subspaces). The estimate equals the exact
 * score of the decoded vector ({@code mean + centroids}) up to float rounding; how far that is from
 * the original vector's score depends on the data, not on a fixed bound.
 *
 * <p>Training samples up to {@value #TRAINING_SAMPLE} vectors and runs the subspaces' k-means
 * ({@value #ITERATIONS} Lloyd iterations at most) on all processors; the result depends only on the
 * vectors and the seed. Centroids are held dimension-major (one array of 256 values per dimension)
 * so that nearest-centroid search and table building vectorise.
 *
 * <p>Parameters layout: {@code compression int32, M int32, mean float32[d], codebooks float32[256 *
 * d]}, where subspace {@code m}, covering dimensions {@code [start(m), start(m) + size(m))}, stores
 * its 256 centroids of {@code size(m)} floats one after another from float {@code 256 * start(m)}.
 * Code layout: {@code M} bytes, the unsigned centroid index of subspace 0 first.
 */
public final class ProductQuantizer implements VectorQuantizer {

  /** Vectors sampled to train the codebooks. */
  static final int TRAINING_SAMPLE = 25_000;

  /** Lloyd iterations at most per codebook. */
  static final int ITERATIONS = 15;

  private static final int CENTROIDS = 256;

  private final VectorSimilarity similarity;
  private final int dimension;
  private final int compression;
  private final int subspaces;

  /** Subspace {@code m} covers dimensions {@code [starts[m], starts[m + 1])}. */
  private final int[] starts;

  private final float[] mean;

  /**
   * {@code columns[i][c]}: dimension {@code i} of centroid {@code c} of its subspace's codebook.
   */
  private final float[][] columns;

  private ProductQuantizer(
      VectorSimilarity similarity,
      int dimension,
      int compression,
      float[] mean,
      float[][] columns) {
    this.similarity = similarity;
    this.dimension = dimension;
    this.compression = compression;
    this.subspaces = subspaces(dimension, compression);
    this.starts = starts(dimension, subspaces);
    this.mean = mean;
    this.columns = columns;
  }

  /**
   * Trains the codebooks on a seeded sample of {@code vectors} with all processors.
   *
   * @param compression how many times smaller than float32 the codes are: 4, 8, 16, 32 or 64
   */
  static ProductQuantizer train(
      VectorSimilarity similarity, VectorValues vectors, int compression, long seed) {
    return train(
        similarity, vectors, compression, seed, Runtime.getRuntime().availableProcessors());
  }

  /** As {@link #train(VectorSimilarity, VectorValues, int, long)} with {@code threads} threads. */
  static ProductQuantizer train(
      VectorSimilarity similarity, VectorValues vectors, int compression, long seed, int threads) {
    return train(similarity, vectors, compression, seed, threads, null);
  }

  /**
   * As {@link #train(VectorSimilarity, VectorValues, int, long)}, clustering every subspace on
   * {@code accelerator}, one after another (an accelerator serves one thread at a time).
   */
  static ProductQuantizer train(
      VectorSimilarity similarity,
      VectorValues vectors,
      int compression,
      long seed,
      Accelerator accelerator) {
    return train(similarity, vectors, compression, seed, 1, accelerator);
  }

  private static ProductQuantizer train(
      VectorSimilarity similarity,
      VectorValues vectors,
      int compression,
      long seed,
      int threads,
      Accelerator accelerator) {
    if (similarity == null) {
      throw new IllegalArgumentException("similarity is missing");
    }
    checkCompression(compression);
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1; got " + threads);
    }
    int dimension = vectors.dimension();
    int[] sample = Quantizers.sample(vectors.size(), TRAINING_SAMPLE, seed);
    int n = sample.length;
    float[] mean = Quantizers.sampleMean(vectors, sample);
    float[] v = new float[dimension];

    int subspaces = subspaces(dimension, compression);
    int[] starts = starts(dimension, subspaces);
    float[][] pointsOf = new float[subspaces][];
    for (int m = 0; m < subspaces; m++) {
      pointsOf[m] = new float[n * (starts[m + 1] - starts[m])];
    }
    for (int s = 0; s < n; s++) {
      vectors.vector(sample[s], v);
      for (int m = 0; m < subspaces; m++) {
        int size = starts[m + 1] - starts[m];
        for (int t = 0, i = starts[m]; t < size; t++, i++) {
          pointsOf[m][s * size + t] = v[i] - mean[i];
        }
      }
    }

    // Subspaces are independent: share them out, each k-means with the threads left over.
    float[][] columns = new float[dimension][];
    int outer = Math.min(threads, subspaces);
    int inner = Math.max(1, threads / subspaces);
    AtomicInteger next = new AtomicInteger();
    QuantizedVectors.runAll(
        () -> {
          for (int m; (m = next.getAndIncrement()) < subspaces; ) {
            int size = starts[m + 1] - starts[m];
            float[] centroids =
                accelerator != null
                    ? accelerator.kMeans(
                        pointsOf[m], n, size, CENTROIDS, ITERATIONS, subspaceSeed(seed, m))
                    : KMeans.train(
                        pointsOf[m], n, size, CENTROIDS, ITERATIONS, subspaceSeed(seed, m), inner);
            float[][] own = KMeans.columns(centroids, CENTROIDS, size);
            System.arraycopy(own, 0, columns, starts[m], size);
          }
        },
        outer);
    return new ProductQuantizer(similarity, dimension, compression, mean, columns);
  }

  private static long subspaceSeed(long seed, int m) {
    return seed ^ (0x9E3779B97F4A7C15L * (m + 1));
  }

  static ProductQuantizer read(VectorSimilarity similarity, int dimension, ByteBuffer in, Path file)
      throws CorruptFileException {
    long expected = 8 + (4L + 4L * CENTROIDS) * dimension;
    if (in.remaining() != expected) {
      throw new CorruptFileException(
          file, "product parameters are " + in.remaining() + " bytes; expected " + expected);
    }
    int compression = in.getInt();
    if (!validCompression(compression)) {
      throw new CorruptFileException(
          file, "product compression is x" + compression + "; expected x4, x8, x16, x32 or x64");
    }
    int subspaces = in.getInt();
    if (subspaces != subspaces(dimension, compression)) {
      throw new CorruptFileException(
          file,
          "product parameters name "
              + subspaces
              + " subspaces; dimension "
              + dimension
              + " at x"
              + compression
              + " has "
              + subspaces(dimension, compression));
    }
    float[] mean = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      mean[i] = in.getFloat();
      if (!Float.isFinite(mean[i])) {
        throw new CorruptFileException(file, "product mean of dimension " + i + " is not finite");
      }
    }
    int[] starts = starts(dimension, subspaces);
    float[][] columns = new float[dimension][CENTROIDS];
    for (int m = 0; m < subspaces; m++) {
      for (int c = 0; c < CENTROIDS; c++) {
        for (int i = starts[m]; i < starts[m + 1]; i++) {
          float value = in.getFloat();
          if (!Float.isFinite(value)) {
            throw new CorruptFileException(
                file, "product centroid " + c + " of subspace " + m + " is not finite");
          }
          columns[i][c] = value;
        }
      }
    }
    return new ProductQuantizer(similarity, dimension, compression, mean, columns);
  }

  /**
   * {@code ceil(dimension * 4 / compression)}: one byte per subspace, at most one per dimension.
   */
  static int subspaces(int dimension, int compression) {
    long budget = (4L * dimension + compression - 1) / compression;
    return (int) Math.max(1, Math.min(dimension, budget));
  }

  private static int[] starts(int dimension, int subspaces) {
    int[] starts = new int[subspaces + 1];
    int size = dimension / subspaces;
    int larger = dimension % subspaces;
    for (int m = 0; m < subspaces; m++) {
      starts[m + 1] = starts[m] + size + (m < larger ? 1 : 0);
    }
    return starts;
  }

  private static boolean validCompression(int compression) {
    return compression == 4
        || compression == 8
        || compression == 16
        || compression == 32
        || compression == 64;
  }

  private static void checkCompression(int compression) {
    if (!validCompression(compression)) {
      throw new IllegalArgumentException(
          "compression must be 4, 8, 16, 32 or 64; got " + compression);
    }
  }

  @Override
  public QuantizationKind kind() {
    return QuantizationKind.PRODUCT;
  }

  @Override
  public VectorSimilarity similarity() {
    return similarity;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public int codeBytes() {
    return subspaces;
  }

  /** The number of subspaces, {@code M}. */
  public int subspaces() {
    return subspaces;
  }

  public int compression() {
    return compression;
  }

  @Override
  public void encode(float[] vector, byte[] dst, int offset) {
    float[] centred = new float[dimension];
    float[] distances = new float[CENTROIDS];
    for (int i = 0; i < dimension; i++) {
      centred[i] = vector[i] - mean[i];
    }
    for (int m = 0; m < subspaces; m++) {
      int from = starts[m];
      int size = starts[m + 1] - from;
      dst[offset + m] =
          (byte) KMeans.nearest(centred, from, columns, from, size, CENTROIDS, distances);
    }
  }

  @Override
  public float[] decode(byte[] src, int offset, float[] dst) {
    for (int m = 0; m < subspaces; m++) {
      int c = src[offset + m] & 0xff;
      for (int i = starts[m]; i < starts[m + 1]; i++) {
        dst[i] = mean[i] + columns[i][c];
      }
    }
    return dst;
  }

  @Override
  public RandomVectorScorer scorer(float[] query, QuantizedVectors codes) {
    Quantizers.checkQuery(query, dimension);
    return new TableScorer(query, codes);
  }

  /** Sums one table entry per code byte; every similarity is a table and a constant. */
  private final class TableScorer implements RandomVectorScorer {
    private final QuantizedVectors codes;
    private final float[] table = new float[subspaces * CENTROIDS];
    private final float constant;

    TableScorer(float[] query, QuantizedVectors codes) {
      this.codes = codes;
      float[] partial = new float[CENTROIDS];
      boolean dot = similarity == VectorSimilarity.DOT || similarity == VectorSimilarity.COSINE;
      for (int m = 0; m < subspaces; m++) {
        // Filled in a scratch array: loops that write where they read vectorise, ones at an offset
        // into the table do not.
        for (int i = starts[m]; i < starts[m + 1]; i++) {
          boolean first = i == starts[m];
          switch (similarity) {
            case DOT:
            case COSINE:
              addDot(partial, query[i], columns[i], first);
              break;
            case EUCLID:
              addSquare(partial, query[i] - mean[i], columns[i], first);
              break;
            case MANHATTAN:
              addAbsolute(partial, query[i] - mean[i], columns[i], first);
              break;
            default:
              throw new AssertionError(similarity);
          }
        }
        if (!dot) {
          for (int c = 0; c < CENTROIDS; c++) {
            partial[c] = -partial[c];
          }
        }
        System.arraycopy(partial, 0, table, m * CENTROIDS, CENTROIDS);
      }
      this.constant = dot ? VectorOpsProvider.get().dot(query, 0, mean, 0, dimension) : 0f;
    }

    @Override
    public float score(int ord) {
      byte[] code = codes.chunkOf(ord);
      int at = codes.offsetOf(ord);
      float[] table = this.table;
      float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      int m = 0;
      for (int end = subspaces - 3; m < end; m += 4, at += 4) {
        s0 += table[(m << 8) + (code[at] & 0xff)];
        s1 += table[((m + 1) << 8) + (code[at + 1] & 0xff)];
        s2 += table[((m + 2) << 8) + (code[at + 2] & 0xff)];
        s3 += table[((m + 3) << 8) + (code[at + 3] & 0xff)];
      }
      for (; m < subspaces; m++, at++) {
        s0 += table[(m << 8) + (code[at] & 0xff)];
      }
      return constant + ((s0 + s1) + (s2 + s3));
    }

    @Override
    public void bulkScore(int[] ords, float[] scores, int count) {
      for (int i = 0; i < count; i++) {
        scores[i] = score(ords[i]);
      }
    }
  }

  private static void addDot(float[] partial, float q, float[] column, boolean first) {
    if (first) {
      for (int c = 0; c < CENTROIDS; c++) {
        partial[c] = q * column[c];
      }
    } else {
      for (int c = 0; c < CENTROIDS; c++) {
        partial[c] += q * column[c];
      }
    }
  }

  private static void addSquare(float[] partial, float q, float[] column, boolean first) {
    if (first) {
      for (int c = 0; c < CENTROIDS; c++) {
        float d = q - column[c];
        partial[c] = d * d;
      }
    } else {
      for (int c = 0; c < CENTROIDS; c++) {
        float d = q - column[c];
        partial[c] += d * d;
      }
    }
  }

  private static void addAbsolute(float[] partial, float q, float[] column, boolean first) {
    if (first) {
      for (int c = 0; c < CENTROIDS; c++) {
        partial[c] = Math.abs(q - column[c]);
      }
    } else {
      for (int c = 0; c < CENTROIDS; c++) {
        partial[c] += Math.abs(q - column[c]);
      }
    }
  }

  @Override
  public int parametersLength() {
    return 8 + (4 + 4 * CENTROIDS) * dimension;
  }

  @Override
  public void writeParameters(ByteBuffer out) {
    out.putInt(compression).putInt(subspaces);
    for (float f : mean) {
      out.putFloat(f);
    }
    for (int m = 0; m < subspaces; m++) {
      for (int c = 0; c < CENTROIDS; c++) {
        for (int i = starts[m]; i < starts[m + 1]; i++) {
          out.putFloat(columns[i][c]);
        }
      }
    }
  }

  @Override
  public long parametersHeapBytes() {
    // Array headers are 16 bytes, references 4 (compressed); the object itself about 48.
    long mean = 16 + 4L * dimension;
    long columns = 16 + 4L * dimension + dimension * (16 + 4L * CENTROIDS);
    long starts = 16 + 4L * (subspaces + 1);
    return 48 + mean + columns + starts;
  }

  @Override
  public String describe() {
    return "pq x" + compression + " (M=" + subspaces + ")";
  }
}
