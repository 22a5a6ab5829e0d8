package io.quiver.engine.quant;

import io.quiver.engine.quant.QuantizationConfig.QueryEncoding;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.vector.RandomVectorScorer;
import io.quiver.engine.vector.VectorOps;
import io.quiver.engine.vector.VectorOpsProvider;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.VectorValues;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/**
 * Binary quantization, 1 or 2 bits per dimension (32x or 16x smaller than float32), as Qdrant's
 * {@code binary: {encoding: one_bit | two_bits}}. There is no rotation: each dimension {@code i} is
 * centred and scaled by the mean {@code mu_i} and standard deviation {@code sigma_i} of a seeded
 * sample and quantized to {@code L = 2^B} levels {@code k_i}, with the per-dimension reconstruction
 *
 * <pre>
 * x^_i = mu_i + sigma_i * s_B * (k_i - m),   m = (L - 1) / 2
 * </pre>
 *
 * One bit is {@code k_i = [x_i > mu_i]} with {@code s_1 = 2 sqrt(2 / pi) ~= 1.5958}, so {@code x^_i
 * = mu_i +- 0.7979 sigma_i}, the means of the two halves of a Gaussian. Two bits round to the
 * nearest level with {@code s_2 ~= 0.9957}, the step of the best uniform 4-level quantizer of a
 * Gaussian (Max, 1960). The levels are stored as {@link BitPlanes}.
 *
 * <p><b>The vector a code stands for</b> is {@code x~ = mu + lambda (x^ - mu)}: the point of the
 * code's ray with the norm of {@code x} ({@link #scale}), stored per code. A code of one or two
 * bits per dimension cannot see a vector's length, and restoring it is what recall needs: on the
 * Cohere 768-d sample (900 vectors, 100 queries; exact scan, then rescoring) at one bit and 2x
 * oversampling, recall@10 went from 0.83 to 0.91 (cosine), 0.85 to 0.96 (dot) and 0.83 to 0.96
 * (Euclid) against the unscaled {@code x^}; at 5x it is 0.99 or more.
 *
 * <p><b>Scores</b> are those of {@code x~}, with the query's side quantized. With {@code z_i =
 * sigma_i (q_i - mu_i)} and {@code T = sum_i z_i (k_i - m)}, so that {@code <x~ - mu, q - mu> =
 * lambda s_B T}:
 *
 * <ul>
 *   <li>dot and cosine: {@code <x~, q> = <mu, q> + lambda <x^ - mu, mu> + lambda s_B T};
 *   <li>Euclid: {@code -|x~ - q|^2 = -(lambda^2 |x^ - mu|^2 + |q - mu|^2 - 2 lambda s_B T)};
 *   <li>Manhattan is refused: an L1 distance is not a function of the inner product the bit planes
 *       compute.
 * </ul>
 *
 * <p><b>Query encodings</b>: {@code default} and {@code scalar4bits} quantize {@code z} to 4 bits,
 * {@code scalar8bits} to 8 bits ({@code z_i ~= lo + w u_i}; {@code T} costs {@code B * Bq}
 * popcounts per 64 dimensions). The score then differs from the score of {@link #decode}'s vector
 * by at most {@code lambda s_B m w / 2} per dimension (half a query step; Euclid twice that), in
 * practice about {@code sqrt(d)} times less. {@code binary} encodes the query with the vectors' own
 * {@code B} bits and replaces {@code sigma_i^2} by its mean, {@code z_i ~= s_B mean(sigma^2) (k'_i
 * - m)}, which costs {@code B^2} popcounts (at one bit, {@code sum (k'_i - m)(k_i - m) = (d - 2
 * hamming) / 4}): fastest and least accurate.
 *
 * <p>Parameters layout: {@code bits int32 (1|2), query encoding int32 (1 default, 2 binary, 3
 * scalar4bits, 4 scalar8bits), mu float32[d], sigma float32[d]}. Code layout: {@code B} bit planes
 * of {@code ceil(d / 64)} longs, {@code sum(k_i) int32}, {@code lambda float32}, then {@code lambda
 * <x^ - mu, mu>} (dot, cosine) or {@code lambda^2 |x^ - mu|^2} (Euclid) as float32.
 */
public final class BinaryQuantizer implements VectorQuantizer {

  /** Vectors sampled to find each dimension's mean and spread. */
  static final int TRAINING_SAMPLE = 20_000;

  /** {@code s_B}: the grid step in units of sigma, by bits. */
  private static final float[] STEP = {0f, 1.5957691f, 0.9957f};

  private final VectorOps ops = VectorOpsProvider.get();
  private final VectorSimilarity similarity;
  private final int dimension;
  private final int bits;
  private final QueryEncoding queryEncoding;
  private final float[] mean;
  private final float[] sigma;

  /** {@code 1 / (sigma_i s_B)}, 0 for a constant dimension. */
  private final float[] inverseStep;

  private final float step;
  private final float offset;
  private final int top;

  /** The mean of {@code sigma_i^2}: the weight every dimension gets from a binary query. */
  private final float meanVariance;

  /** {@code |mu|^2}. */
  private final double meanNorm2;

  private final int planeBytes;
  private final int codeBytes;

  BinaryQuantizer(
      VectorSimilarity similarity,
      int bits,
      QueryEncoding queryEncoding,
      float[] mean,
      float[] sigma) {
    this.similarity = similarity;
    this.dimension = mean.length;
    this.bits = bits;
    this.queryEncoding = queryEncoding;
    this.mean = mean;
    this.sigma = sigma;
    this.step = STEP[bits];
    this.offset = ((1 << bits) - 1) / 2f;
    this.top = (1 << bits) - 1;
    this.inverseStep = new float[dimension];
    double variance = 0, norm2 = 0;
    for (int i = 0; i < dimension; i++) {
      inverseStep[i] = sigma[i] > 0 ? 1 / (sigma[i] * step) : 0f;
      variance += (double) sigma[i] * sigma[i];
      norm2 += (double) mean[i] * mean[i];
    }
    this.meanVariance = (float) (variance / dimension);
    this.meanNorm2 = norm2;
    this.planeBytes = BitPlanes.bytes(dimension, bits);
    this.codeBytes = planeBytes + 12;
  }

  /** Estimates each dimension's mean and standard deviation from a seeded sample. */
  static BinaryQuantizer train(
      VectorSimilarity similarity,
      VectorValues vectors,
      int bits,
      QueryEncoding queryEncoding,
      long seed) {
    if (similarity == VectorSimilarity.MANHATTAN) {
      Quantizers.refuse(
          "binary",
          similarity,
          "the bit planes estimate inner products, and an L1 distance is not a function of them");
    }
    if (bits != 1 && bits != 2) {
      throw new IllegalArgumentException("binary bits must be 1 or 2; got " + bits);
    }
    if (queryEncoding == null) {
      throw new IllegalArgumentException("binary query encoding is missing");
    }
    int dimension = vectors.dimension();
    int[] sample = Quantizers.sample(vectors.size(), TRAINING_SAMPLE, seed);
    double[] sum = new double[dimension];
    double[] sumSquares = new double[dimension];
    float[] v = new float[dimension];
    for (int ord : sample) {
      vectors.vector(ord, v);
      for (int i = 0; i < dimension; i++) {
        sum[i] += v[i];
        sumSquares[i] += (double) v[i] * v[i];
      }
    }
    float[] mean = new float[dimension];
    float[] sigma = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      if (sample.length == 0) {
        sigma[i] = 1f;
        continue;
      }
      double mu = sum[i] / sample.length;
      mean[i] = (float) mu;
      sigma[i] = (float) Math.sqrt(Math.max(0, sumSquares[i] / sample.length - mu * mu));
    }
    return new BinaryQuantizer(similarity, bits, queryEncoding, mean, sigma);
  }

  static BinaryQuantizer read(VectorSimilarity similarity, int dimension, ByteBuffer in, Path file)
      throws CorruptFileException {
    if (similarity == VectorSimilarity.MANHATTAN) {
      throw new CorruptFileException(file, "binary codes cannot serve distance Manhattan");
    }
    if (in.remaining() != 8 + 8L * dimension) {
      throw new CorruptFileException(
          file,
          "binary parameters are " + in.remaining() + " bytes; expected " + (8 + 8L * dimension));
    }
    int bits = in.getInt();
    if (bits != 1 && bits != 2) {
      throw new CorruptFileException(file, "binary bits " + bits + " is not 1 or 2");
    }
    int encodingId = in.getInt();
    QueryEncoding queryEncoding = queryEncodingOf(encodingId);
    if (queryEncoding == null) {
      throw new CorruptFileException(file, "unknown binary query encoding id " + encodingId);
    }
    float[] mean = new float[dimension];
    float[] sigma = new float[dimension];
    for (int i = 0; i < dimension; i++) {
      mean[i] = in.getFloat();
    }
    for (int i = 0; i < dimension; i++) {
      sigma[i] = in.getFloat();
      if (!Float.isFinite(mean[i]) || !(sigma[i] >= 0) || !Float.isFinite(sigma[i])) {
        throw new CorruptFileException(
            file, "binary mean/sigma of dimension " + i + " is " + mean[i] + "/" + sigma[i]);
      }
    }
    return new BinaryQuantizer(similarity, bits, queryEncoding, mean, sigma);
  }

  /** Query encodings are persisted by these ids, never by ordinal. */
  static int idOf(QueryEncoding encoding) {
    switch (encoding) {
      case DEFAULT:
        return 1;
      case BINARY:
        return 2;
      case SCALAR4BITS:
        return 3;
      case SCALAR8BITS:
        return 4;
      default:
        throw new AssertionError(encoding);
    }
  }

  private static QueryEncoding queryEncodingOf(int id) {
    for (QueryEncoding encoding : QueryEncoding.values()) {
      if (idOf(encoding) == id) {
        return encoding;
      }
    }
    return null;
  }

  @Override
  public QuantizationKind kind() {
    return QuantizationKind.BINARY;
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

  int bits() {
    return bits;
  }

  QueryEncoding queryEncoding() {
    return queryEncoding;
  }

  float mean(int i) {
    return mean[i];
  }

  float sigma(int i) {
    return sigma[i];
  }

  /** {@code s_B}, the grid step in units of sigma. */
  float step() {
    return step;
  }

  /** Bits the query side is quantized to. */
  int queryBits() {
    switch (queryEncoding) {
      case BINARY:
        return bits;
      case SCALAR8BITS:
        return 8;
      default:
        return 4;
    }
  }

  /** The level of value {@code x} in dimension {@code i}. */
  private int level(int i, float x) {
    if (bits == 1) {
      return x > mean[i] ? 1 : 0;
    }
    int k = Math.round((x - mean[i]) * inverseStep[i] + offset);
    return Math.max(0, Math.min(top, k));
  }

  private int levels(float[] vector, int[] levels) {
    int sum = 0;
    for (int i = 0; i < dimension; i++) {
      levels[i] = level(i, vector[i]);
      sum += levels[i];
    }
    return sum;
  }

  @Override
  public void encode(float[] vector, byte[] dst, int at) {
    int[] levels = new int[dimension];
    int levelSum = levels(vector, levels);
    // v = x^ - mu, the per-dimension reconstruction around the mean.
    double vv = 0, vx = 0, vMu = 0, xx = 0;
    for (int i = 0; i < dimension; i++) {
      double v = (double) sigma[i] * step * (levels[i] - offset);
      vv += v * v;
      vx += v * (vector[i] - mean[i]);
      vMu += v * mean[i];
      xx += (double) vector[i] * vector[i];
    }
    float scale = (float) scale(vv, vx, vMu, xx, meanNorm2);
    float correction =
        similarity == VectorSimilarity.EUCLID
            ? (float) (scale * scale * vv)
            : (float) (scale * vMu);
    BitPlanes.write(levels, dimension, bits, dst, at);
    Codes.putInt(dst, at + planeBytes, levelSum);
    Codes.putFloat(dst, at + planeBytes + 4, scale);
    Codes.putFloat(dst, at + planeBytes + 8, correction);
  }

  /**
   * The {@code lambda >= 0} for which {@code mu + lambda v} has the norm of {@code x} and lies
   * nearest to {@code x}; when no point of that ray has that norm, the projection {@code <x - mu,
   * v> / |v|^2} (never negative: each {@code v_i} has the sign of {@code x_i - mu_i}).
   *
   * @param vv {@code |v|^2}
   * @param vx {@code <v, x - mu>}
   * @param vMu {@code <v, mu>}
   * @param xx {@code |x|^2}
   * @param muMu {@code |mu|^2}
   */
  static double scale(double vv, double vx, double vMu, double xx, double muMu) {
    if (!(vv > 0)) {
      return 0;
    }
    double projection = vx / vv;
    // |mu + lambda v|^2 = |x|^2  <=>  vv lambda^2 + 2 vMu lambda + (muMu - xx) = 0
    double discriminant = vMu * vMu - vv * (muMu - xx);
    if (discriminant < 0) {
      return projection;
    }
    double root = Math.sqrt(discriminant);
    double high = (-vMu + root) / vv;
    double low = (-vMu - root) / vv;
    if (high < 0) {
      return projection;
    }
    if (low < 0) {
      return high;
    }
    return Math.abs(high - projection) <= Math.abs(low - projection) ? high : low;
  }

  @Override
  public float[] decode(byte[] src, int at, float[] dst) {
    int[] levels = BitPlanes.read(src, at, dimension, bits, new int[dimension]);
    float scale = Codes.getFloat(src, at + planeBytes + 4);
    for (int i = 0; i < dimension; i++) {
      dst[i] = mean[i] + scale * sigma[i] * step * (levels[i] - offset);
    }
    return dst;
  }

  @Override
  public RandomVectorScorer scorer(float[] query, QuantizedVectors codes) {
    Quantizers.checkQuery(query, dimension);
    return new Scorer(query, codes);
  }

  /** One popcount kernel per code plus the code's two corrections. */
  private final class Scorer implements RandomVectorScorer {
    private final QuantizedVectors codes;
    private final BitPlanes.Query z;
    private final boolean euclid = similarity == VectorSimilarity.EUCLID;

    /** Dot and cosine: {@code <mu, q>}; Euclid: {@code |q - mu|^2}. */
    private final float constant;

    Scorer(float[] query, QuantizedVectors codes) {
      this.codes = codes;
      float[] centred = new float[dimension];
      for (int i = 0; i < dimension; i++) {
        centred[i] = query[i] - mean[i];
      }
      constant =
          euclid
              ? ops.dot(centred, 0, centred, 0, dimension)
              : ops.dot(mean, 0, query, 0, dimension);
      if (queryEncoding == QueryEncoding.BINARY) {
        // z_i ~= sigma_i^2 s (k'_i - m), with sigma_i^2 replaced by its mean.
        int[] levels = new int[dimension];
        int levelSum = levels(query, levels);
        float width = step * meanVariance;
        z =
            new BitPlanes.Query(dimension, bits)
                .setLevels(levels, -offset * width, width, levelSum);
      } else {
        z = new BitPlanes.Query(dimension, queryBits()).set(weighted(centred));
      }
    }

    private float[] weighted(float[] centred) {
      for (int i = 0; i < dimension; i++) {
        centred[i] *= sigma[i];
      }
      return centred;
    }

    @Override
    public float score(int ord) {
      byte[] chunk = codes.chunkOf(ord);
      int at = codes.offsetOf(ord);
      int levelSum = Codes.getInt(chunk, at + planeBytes);
      float scale = Codes.getFloat(chunk, at + planeBytes + 4);
      float correction = Codes.getFloat(chunk, at + planeBytes + 8);
      // <scale v, q - mu> with v = x^ - mu
      float ip = scale * step * z.centeredDot(chunk, at, bits, levelSum, offset);
      if (euclid) {
        return -(correction + constant - 2 * ip);
      }
      return constant + correction + ip;
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
    out.putInt(bits).putInt(idOf(queryEncoding));
    for (float v : mean) {
      out.putFloat(v);
    }
    for (float v : sigma) {
      out.putFloat(v);
    }
  }

  @Override
  public long parametersHeapBytes() {
    return 12L * dimension + 64;
  }

  @Override
  public String describe() {
    return "binary " + bits + "-bit (query " + queryEncoding.apiName() + ")";
  }
}
