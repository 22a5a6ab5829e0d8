package io.quiver.engine.quant;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import io.quiver.engine.quant.QuantizationConfig.Binary;
import io.quiver.engine.quant.QuantizationConfig.QueryEncoding;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.RandomVectorScorer;
import io.quiver.engine.vector.VectorOpsProvider;
import io.quiver.engine.vector.VectorSimilarity;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

class BinaryQuantizerTest extends QuantizerTestCase {

  private static final VectorSimilarity[] SUPPORTED = {
    VectorSimilarity.DOT, VectorSimilarity.COSINE, VectorSimilarity.EUCLID
  };

  @Override
  List<QuantizationConfig> configs() {
    return List.of(
        new Binary(1, QueryEncoding.DEFAULT),
        new Binary(1, QueryEncoding.BINARY),
        new Binary(1, QueryEncoding.SCALAR8BITS),
        new Binary(2, QueryEncoding.SCALAR4BITS),
        new Binary(2, QueryEncoding.BINARY));
  }

  @Override
  boolean supports(QuantizationConfig config, VectorSimilarity similarity) {
    return similarity != VectorSimilarity.MANHATTAN;
  }

  /**
   * The Gaussian-mixture test data is the hard case for per-dimension bits (neighbours inside a
   * cluster are barely closer than the rest of it, about 190 vectors): one bit rescores a good part
   * of a cluster, and a binarised query more. Real embeddings need far less (see {@link
   * BinaryQuantizer}).
   */
  @Override
  double oversampling(QuantizationConfig config) {
    Binary binary = (Binary) config;
    boolean symmetric = binary.queryEncoding() == QueryEncoding.BINARY;
    if (binary.bits() == 1) {
      return symmetric ? 100 : 50;
    }
    return symmetric ? 30 : 15;
  }

  @Test
  void levelsFollowTheGridAndDecodedVectorsKeepTheNorm() {
    long seed = TestData.seed();
    int d = 33;
    float[][] data = TestData.gaussianMixture(500, d, 4, seed);
    ArrayVectorValues vectors = ArrayVectorValues.of(data);
    for (int bits = 1; bits <= 2; bits++) {
      BinaryQuantizer q =
          BinaryQuantizer.train(VectorSimilarity.DOT, vectors, bits, QueryEncoding.DEFAULT, seed);
      byte[] code = new byte[q.codeBytes()];
      float[] decoded = new float[d];
      int[] levels = new int[d];
      double m = ((1 << bits) - 1) / 2.0;
      for (float[] v : data) {
        q.encode(v, code, 0);
        BitPlanes.read(code, 0, d, bits, levels);
        for (int i = 0; i < d; i++) {
          // The quantizer's own float arithmetic, so that ties round the same way.
          float inverseStep = 1 / (q.sigma(i) * q.step());
          int rounded = Math.round((v[i] - q.mean(i)) * inverseStep + (float) m);
          int expected = bits == 1 ? (v[i] > q.mean(i) ? 1 : 0) : Math.max(0, Math.min(3, rounded));
          assertEquals(expected, levels[i], "bits=" + bits + " dim " + i + " value " + v[i]);
        }
        q.decode(code, 0, decoded);
        // Every decoded component sits on the code's side of the mean, on the code's ray.
        double scale = Codes.getFloat(code, BitPlanes.bytes(d, bits) + 4);
        assertTrue(scale > 0, "scale " + scale);
        for (int i = 0; i < d; i++) {
          double onRay = q.mean(i) + scale * q.sigma(i) * q.step() * (levels[i] - m);
          assertEquals(onRay, decoded[i], 1e-5 * (1 + Math.abs(onRay)));
        }
        assertEquals(norm(v), norm(decoded), 1e-4 * norm(v), "the decoded vector keeps |x|");
      }
    }
  }

  @Test
  void scaleIsTheNormMatchingPointNearestTheProjection() {
    // v = (1, 0), mu = (0, 1): |mu + l v|^2 = l^2 + 1.
    assertEquals(Math.sqrt(3), BinaryQuantizer.scale(1, 0.5, 0, 4, 1), 1e-12);
    // |x|^2 = 0.5 < 1: no point of the ray has that norm; the projection is used.
    assertEquals(0.25, BinaryQuantizer.scale(1, 0.25, 0, 0.5, 1), 1e-12);
    // v = (1, 0), mu = (-2, 0): norms 1 at l = 1 and l = 3; the one nearer the projection wins.
    assertEquals(1, BinaryQuantizer.scale(1, 1.2, -2, 1, 4), 1e-12);
    assertEquals(3, BinaryQuantizer.scale(1, 2.9, -2, 1, 4), 1e-12);
    // An empty code (every dimension constant) stands for the mean.
    assertEquals(0, BinaryQuantizer.scale(0, 0, 0, 1, 1), 0);
  }

  /**
   * With a scalar query the score is that of the decoded vector but for the query's rounding: half
   * a query step per dimension, times {@code lambda s_B |k_i - m|} (Euclid counts the inner product
   * twice).
   */
  @Test
  void scalarQueryScoresAreThoseOfTheDecodedVectorWithinHalfAQueryStep() {
    long seed = TestData.seed();
    int d = 129;
    float[][] raw = TestData.gaussianMixture(400, d, 8, seed);
    float[] rawQuery = TestData.gaussianMixture(1, d, 8, seed + 1)[0];
    for (VectorSimilarity similarity : SUPPORTED) {
      float[][] data = prepared(similarity, raw);
      float[] query = prepared(similarity, new float[][] {rawQuery})[0];
      ArrayVectorValues vectors = ArrayVectorValues.of(data);
      for (int bits = 1; bits <= 2; bits++) {
        for (QueryEncoding encoding :
            new QueryEncoding[] {QueryEncoding.DEFAULT, QueryEncoding.SCALAR8BITS}) {
          BinaryQuantizer q = BinaryQuantizer.train(similarity, vectors, bits, encoding, seed);
          QuantizedVectors codes = QuantizedVectors.encode(q, vectors, 1);
          RandomVectorScorer scorer = codes.scorer(query);
          double min = Double.MAX_VALUE, max = -Double.MAX_VALUE;
          for (int i = 0; i < d; i++) {
            double z = q.sigma(i) * (query[i] - q.mean(i));
            min = Math.min(min, z);
            max = Math.max(max, z);
          }
          double w = (max - min) / ((1 << q.queryBits()) - 1);
          double m = ((1 << bits) - 1) / 2.0;
          float[] decoded = new float[d];
          int[] levels = new int[d];
          for (int ord = 0; ord < data.length; ord++) {
            byte[] chunk = codes.chunkOf(ord);
            int at = codes.offsetOf(ord);
            BitPlanes.read(chunk, at, d, bits, levels);
            double scale = Codes.getFloat(chunk, at + BitPlanes.bytes(d, bits) + 4);
            double bound = 0;
            for (int i = 0; i < d; i++) {
              bound += scale * q.step() * Math.abs(levels[i] - m) * w / 2;
            }
            if (similarity == VectorSimilarity.EUCLID) {
              bound *= 2;
            }
            float ofDecoded =
                similarity.score(
                    VectorOpsProvider.plain(), query, 0, codes.decode(ord, decoded), 0, d);
            float estimate = scorer.score(ord);
            String why = similarity + " bits=" + bits + " " + encoding + " ord " + ord;
            assertTrue(
                Math.abs(estimate - ofDecoded) <= bound + 1e-4 * Math.max(1, Math.abs(ofDecoded)),
                why + ": |" + estimate + " - " + ofDecoded + "| > " + bound);
          }
        }
      }
    }
  }

  /** A binary query is the query's own code, every dimension weighted by the mean variance. */
  @Test
  void binaryQueryScoresFollowTheSymmetricFormula() {
    long seed = TestData.seed();
    int d = 70;
    float[][] data = TestData.gaussianMixture(200, d, 4, seed);
    float[] query = TestData.gaussianMixture(1, d, 4, seed + 1)[0];
    ArrayVectorValues vectors = ArrayVectorValues.of(data);
    for (VectorSimilarity similarity :
        new VectorSimilarity[] {VectorSimilarity.DOT, VectorSimilarity.EUCLID}) {
      for (int bits = 1; bits <= 2; bits++) {
        BinaryQuantizer q =
            BinaryQuantizer.train(similarity, vectors, bits, QueryEncoding.BINARY, seed);
        QuantizedVectors codes = QuantizedVectors.encode(q, vectors, 1);
        RandomVectorScorer scorer = codes.scorer(query);
        byte[] queryCode = new byte[q.codeBytes()];
        q.encode(query, queryCode, 0);
        int[] queryLevels = BitPlanes.read(queryCode, 0, d, bits, new int[d]);
        double meanVariance = 0;
        double constant = 0;
        for (int i = 0; i < d; i++) {
          meanVariance += (double) q.sigma(i) * q.sigma(i) / d;
          double centred = query[i] - q.mean(i);
          constant +=
              similarity == VectorSimilarity.EUCLID ? centred * centred : q.mean(i) * query[i];
        }
        double m = ((1 << bits) - 1) / 2.0;
        int[] levels = new int[d];
        for (int ord = 0; ord < data.length; ord++) {
          byte[] chunk = codes.chunkOf(ord);
          int at = codes.offsetOf(ord);
          BitPlanes.read(chunk, at, d, bits, levels);
          double scale = Codes.getFloat(chunk, at + BitPlanes.bytes(d, bits) + 4);
          double correction = Codes.getFloat(chunk, at + BitPlanes.bytes(d, bits) + 8);
          double agreement = 0;
          for (int i = 0; i < d; i++) {
            agreement += (queryLevels[i] - m) * (levels[i] - m);
          }
          double ip = scale * q.step() * q.step() * meanVariance * agreement;
          double expected =
              similarity == VectorSimilarity.EUCLID
                  ? -(correction + constant - 2 * ip)
                  : constant + correction + ip;
          assertEquals(expected, scorer.score(ord), 1e-4 * Math.max(1, Math.abs(expected)));
        }
      }
    }
  }

  @Test
  void inconsistentParametersAreRefused() {
    Path file = Path.of("params.qq");
    int d = 2;
    BinaryQuantizer read =
        assertDoesNotThrow(
            () -> BinaryQuantizer.read(VectorSimilarity.COSINE, d, parametersOf(2, 4, 1f), file));
    assertEquals(QueryEncoding.SCALAR8BITS, read.queryEncoding());
    assertEquals(2, read.bits());
    CorruptFileException bits =
        assertThrows(
            CorruptFileException.class,
            () -> BinaryQuantizer.read(VectorSimilarity.DOT, d, parametersOf(3, 1, 1f), file));
    assertTrue(bits.getMessage().contains("bits 3"), bits.getMessage());
    CorruptFileException encoding =
        assertThrows(
            CorruptFileException.class,
            () -> BinaryQuantizer.read(VectorSimilarity.DOT, d, parametersOf(1, 9, 1f), file));
    assertTrue(encoding.getMessage().contains("encoding id 9"), encoding.getMessage());
    CorruptFileException sigma =
        assertThrows(
            CorruptFileException.class,
            () -> BinaryQuantizer.read(VectorSimilarity.DOT, d, parametersOf(1, 1, -1f), file));
    assertTrue(sigma.getMessage().contains("dimension 0"), sigma.getMessage());
    assertThrows(
        CorruptFileException.class,
        () -> BinaryQuantizer.read(VectorSimilarity.DOT, d + 1, parametersOf(1, 1, 1f), file));
  }

  @Test
  void queryEncodingsArePersistedByExplicitIds() {
    assertEquals(1, BinaryQuantizer.idOf(QueryEncoding.DEFAULT));
    assertEquals(2, BinaryQuantizer.idOf(QueryEncoding.BINARY));
    assertEquals(3, BinaryQuantizer.idOf(QueryEncoding.SCALAR4BITS));
    assertEquals(4, BinaryQuantizer.idOf(QueryEncoding.SCALAR8BITS));
  }

  @Test
  void configRoundTripsThroughQdrantJson() {
    for (QuantizationConfig config : configs()) {
      assertEquals(config, QuantizationConfig.fromJson(config.toJson()));
    }
  }

  /** Parameters for two dimensions: mean 0 and the given sigma. */
  private static ByteBuffer parametersOf(int bits, int encodingId, float sigma) {
    ByteBuffer out = ByteBuffer.allocate(8 + 8 * 2).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(bits).putInt(encodingId);
    out.putFloat(0f).putFloat(0f);
    out.putFloat(sigma).putFloat(sigma);
    return out.flip();
  }

  private static double norm(float[] v) {
    double s = 0;
    for (float x : v) {
      s += (double) x * x;
    }
    return Math.sqrt(s);
  }
}
