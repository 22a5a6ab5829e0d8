package io.quiver.engine.quant;

import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.vector.RandomVectorScorer;
import io.quiver.engine.vector.VectorOps;
import io.quiver.engine.vector.VectorOpsProvider;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.VectorValues;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Scalar quantization to 8 bits per dimension (4x smaller than float32), as Qdrant's {@code scalar:
 * {type: int8}}. Each dimension {@code i} maps the range {@code [lower[i], lower[i] + 255 *
 * step[i]]} onto the codes 0..255, stored as signed bytes {@code code - 128}; values outside the
 * range are clipped. The range comes from quantiles of a training sample: with {@code quantile =
 * 0.99} the extreme 0.5% on each side is clipped, which buys a finer step for everything else. The
 * range is one for all dimensions, as Qdrant does, or (Quiver's {@code per_dimension}) one per
 * dimension, which helps when dimensions have different spreads.
 *
 * <p>Scoring never decodes: for a query {@code q}, {@code q . x' = sum(q[i] * offset[i]) + sum(q[i]
 * * step[i] * code[i])} with {@code offset[i] = lower[i] + 128 * step[i]}, so one float-times-byte
 * dot product per vector ({@link VectorOps#dotBytes}) gives dot and cosine scores. Euclidean scores
 * add the squared norm of the decoded vector, stored as a float after the codes; Manhattan scores
 * map the query into code units and use {@link VectorOps#manhattanBytes}. The estimate differs from
 * the exact score by at most {@code sum(|q[i]| * step[i] / 2)} for values inside the range (half a
 * step per dimension).
 *
 * <p>Parameters layout: {@code perDimension int32 (0|1), quantile float32, lower float32[d], step
 * float32[d]}. Code layout: {@code d} signed bytes, then for Euclid the decoded squared norm as
 * float32.
 */
public final class ScalarQuantizer implements VectorQuantizer {

  /** Vectors sampled to find the clipping range. */
  static final int TRAINING_SAMPLE = 20_000;

  private static final int LEVELS = 256;

  private final VectorSimilarity similarity;
  private final int dimension;
  private final boolean perDimension;
  private final float quantile;
  private final float[] lower;
  private final float[] step;
  private final float[] offset;
  private final int codeBytes;

  ScalarQuantizer(
      VectorSimilarity similarity,
      int dimension,
      boolean perDimension,
      float quantile,
      float[] lower,
      float[] step) {
    this.similarity = similarity;
    this.dimension = dimension;
    this.perDimension = perDimension;
    this.quantile = quantile;
    this.lower = lower;
    this.step = step;
    this.offset = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      offset[i] = lower[i] + 128 * step[i];
    }
    this.codeBytes = dimension + (similarity == VectorSimilarity.EUCLID ? Float.BYTES : 0);
  }

  /**
   * Finds the clipping range from a seeded sample of {@code vectors}.
   *
   * @param quantile the fraction of values kept inside the range, in (0.5, 1]
   */
  public static ScalarQuantizer train(
      VectorSimilarity similarity,
      VectorValues vectors,
      float quantile,
      boolean perDimension,
      long seed) {
    if (!(quantile > 0.5f && quantile <= 1f)) {
      throw new IllegalArgumentException("quantile must be in (0.5, 1]; got " + quantile);
    }
    int dimension = vectors.dimension();
    int[] sample = Quantizers.sample(vectors.size(), TRAINING_SAMPLE, seed);
    float[] lower = new float[dimension];
    float[] step = new float[dimension];
    if (sample.length == 0) {
      Arrays.fill(step, 1f);
      return new ScalarQuantizer(similarity, dimension, perDimension, quantile, lower, step);
    }
    float[] v = new float[dimension];
    if (perDimension) {
      float[][] columns = new float[dimension][sample.length];
      for (int s = 0; s < sample.length; s++) {
        vectors.vector(sample[s], v);
        for (int i = 0; i < dimension; i++) {
          columns[i][s] = v[i];
        }
      }
      for (int i = 0; i < dimension; i++) {
        float[] range = range(columns[i], columns[i].length, quantile);
        lower[i] = range[0];
        step[i] = stepFor(range);
      }
    } else {
      // Enough values for a stable quantile without sorting every component of a large sample.
      int perVector = (int) Math.max(1, Math.min(dimension, 4_000_000L / sample.length));
      float[] values = new float[sample.length * perVector];
      SplittableRandom random = new SplittableRandom(seed ^ 0x5ca1a);
      int n = 0;
      for (int s = 0; s < sample.length; s++) {
        vectors.vector(sample[s], v);
        for (int j = 0; j < perVector; j++) {
          values[n++] = perVector == dimension ? v[j] : v[random.nextInt(dimension)];
        }
      }
      float[] range = range(values, n, quantile);
      Arrays.fill(lower, range[0]);
      Arrays.fill(step, stepFor(range));
    }
    return new ScalarQuantizer(similarity, dimension, perDimension, quantile, lower, step);
  }

  private static float[] range(float[] values, int n, float quantile) {
    Arrays.sort(values, 0, n);
    double tail = (1 - quantile) / 2;
    int lo = (int) Math.floor(tail * (n - 1));
    int hi = (int) Math.ceil((1 - tail) * (n - 1));
    return new float[] {values[lo], values[hi]};
  }

  private static float stepFor(float[] range) {
    float width = range[1] - range[0];
    return width > 0 ? width / (LEVELS - 1) : 1f;
  }

  static ScalarQuantizer read(VectorSimilarity similarity, int dimension, ByteBuffer in, Path file)
      throws CorruptFileException {
    if (in.remaining() != 8 + 8L * dimension) {
      throw new CorruptFileException(
          file,
          "scalar parameters are " + in.remaining() + " bytes; expected " + (8 + 8L * dimension));
    }
    boolean perDimension = in.getInt() != 0;
    float quantile = in.getFloat();
    float[] lower = new float[dimension];
    float[] step = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      lower[i] = in.getFloat();
    }
    for (int i = 0; i < dimension; i++) {
      step[i] = in.getFloat();
      if (!(step[i] > 0) || !Float.isFinite(lower[i])) {
        throw new CorruptFileException(file, "scalar range of dimension " + i + " is not valid");
      }
    }
    return new ScalarQuantizer(similarity, dimension, perDimension, quantile, lower, step);
  }

  @Override
  public QuantizationKind kind() {
    return QuantizationKind.SCALAR;
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
    return codeBytes;
  }

  /** The width of one quantization step in dimension {@code i}. */
  public float step(int i) {
    return step[i];
  }

  public float lower(int i) {
    return lower[i];
  }

  @Override
  public void encode(float[] vector, byte[] dst, int at) {
    float norm2 = 0;
    for (int i = 0; i < dimension; i++) {
      int code = Math.round((vector[i] - lower[i]) / step[i]);
      code = Math.max(0, Math.min(LEVELS - 1, code)) - 128;
      dst[at + i] = (byte) code;
      float decoded = offset[i] + step[i] * code;
      norm2 += decoded * decoded;
    }
    if (similarity == VectorSimilarity.EUCLID) {
      Codes.putFloat(dst, at + dimension, norm2);
    }
  }

  @Override
  public float[] decode(byte[] src, int at, float[] dst) {
    for (int i = 0; i < dimension; i++) {
      dst[i] = offset[i] + step[i] * src[at + i];
    }
    return dst;
  }

  @Override
  public RandomVectorScorer scorer(float[] query, QuantizedVectors codes) {
    Quantizers.checkQuery(query, dimension);
    return similarity == VectorSimilarity.MANHATTAN
        ? new ManhattanScorer(query, codes)
        : new DotScorer(query, codes);
  }

  /** Dot, cosine and Euclid: one float-by-byte dot product per vector. */
  private final class DotScorer implements RandomVectorScorer {
    private final VectorOps ops = VectorOpsProvider.get();
    private final QuantizedVectors codes;
    private final float[] scaled = new float[dimension];
    private final byte[][] batch = new byte[VectorOps.MAX_MANY][];
    private final int[] batchOffsets = new int[VectorOps.MAX_MANY];
    private final float[] batchScores = new float[VectorOps.MAX_MANY];
    private final float constant;
    private final float queryNorm2;
    private final boolean euclid = similarity == VectorSimilarity.EUCLID;

    DotScorer(float[] query, QuantizedVectors codes) {
      this.codes = codes;
      float c = 0, n2 = 0;
      for (int i = 0; i < dimension; i++) {
        scaled[i] = query[i] * step[i];
        c += query[i] * offset[i];
        n2 += query[i] * query[i];
      }
      this.constant = c;
      this.queryNorm2 = n2;
    }

    @Override
    public float score(int ord) {
      byte[] chunk = codes.chunkOf(ord);
      int at = codes.offsetOf(ord);
      return finish(ops.dotBytes(scaled, chunk, at, dimension), chunk, at);
    }

    private float finish(float codeDot, byte[] chunk, int at) {
      float dot = constant + codeDot;
      if (euclid) {
        return -(queryNorm2 - 2 * dot + Codes.getFloat(chunk, at + dimension));
      }
      return dot;
    }

    /** As many codes per kernel call as it takes, for as many fetches in flight. */
    @Override
    public void bulkScore(int[] ords, float[] scores, int count) {
      for (int from = 0, n; from < count; from += n) {
        n = VectorOps.nextBatch(count - from);
        for (int i = 0; i < n; i++) {
          int ord = ords[from + i];
          batch[i] = codes.chunkOf(ord);
          batchOffsets[i] = codes.offsetOf(ord);
        }
        ops.dotBytesMany(scaled, batch, batchOffsets, n, dimension, batchScores);
        for (int i = 0; i < n; i++) {
          scores[from + i] = finish(batchScores[i], batch[i], batchOffsets[i]);
        }
      }
    }
  }

  /** Manhattan: the query mapped into code units, then a weighted L1 over the bytes. */
  private final class ManhattanScorer implements RandomVectorScorer {
    private final VectorOps ops = VectorOpsProvider.get();
    private final QuantizedVectors codes;
    private final float[] inCodeUnits = new float[dimension];

    ManhattanScorer(float[] query, QuantizedVectors codes) {
      this.codes = codes;
      for (int i = 0; i < dimension; i++) {
        inCodeUnits[i] = (query[i] - offset[i]) / step[i];
      }
    }

    @Override
    public float score(int ord) {
      return -ops.manhattanBytes(
          inCodeUnits, step, codes.chunkOf(ord), codes.offsetOf(ord), dimension);
    }

    @Override
    public void bulkScore(int[] ords, float[] scores, int count) {
      for (int i = 0; i < count; i++) {
        scores[i] = score(ords[i]);
      }
    }
  }

  @Override
  public int parametersLength() {
    return 8 + 8 * dimension;
  }

  @Override
  public void writeParameters(ByteBuffer out) {
    out.putInt(perDimension ? 1 : 0).putFloat(quantile);
    for (float f : lower) {
      out.putFloat(f);
    }
    for (float f : step) {
      out.putFloat(f);
    }
  }

  @Override
  public long parametersHeapBytes() {
    return 12L * dimension + 64;
  }

  @Override
  public String describe() {
    return "int8 q=" + quantile + (perDimension ? " per-dim" : "");
  }
}
