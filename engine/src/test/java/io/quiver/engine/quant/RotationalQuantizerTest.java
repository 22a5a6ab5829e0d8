package io.quiver.engine.quant;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.RandomVectorScorer;
import io.quiver.engine.vector.VectorOpsProvider;
import io.quiver.engine.vector.VectorSimilarity;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RotationalQuantizerTest extends QuantizerTestCase {

  @Override
  List<QuantizationConfig> configs() {
    return List.of(
        new QuantizationConfig.Rotational(1),
        new QuantizationConfig.Rotational(2),
        new QuantizationConfig.Rotational(4));
  }

  @Override
  boolean supports(QuantizationConfig config, VectorSimilarity similarity) {
    return similarity != VectorSimilarity.MANHATTAN;
  }

  /**
   * The test data is a Gaussian mixture, whose neighbours inside a cluster are barely closer than
   * the rest of it: a code's error is then large against the gaps it must rank, and one bit needs
   * to rescore a good part of a cluster (about 190 vectors). Real embeddings need far less (see the
   * class javadoc of {@link RotationalQuantizer}).
   */
  @Override
  double oversampling(QuantizationConfig config) {
    switch (((QuantizationConfig.Rotational) config).bits()) {
      case 1:
        return 50;
      case 2:
        return 15;
      default:
        return 8;
    }
  }

  @Test
  void rotationIsOrthogonal() {
    for (int d : new int[] {1, 2, 67, 200}) {
      float[] p = RotationalQuantizer.randomRotation(d, TestData.seed());
      double worst = 0;
      for (int i = 0; i < d; i++) {
        for (int j = 0; j < d; j++) {
          double rows = 0, columns = 0;
          for (int k = 0; k < d; k++) {
            rows += (double) p[i * d + k] * p[j * d + k];
            columns += (double) p[k * d + i] * p[k * d + j];
          }
          double expected = i == j ? 1 : 0;
          worst =
              Math.max(worst, Math.max(Math.abs(rows - expected), Math.abs(columns - expected)));
        }
      }
      assertTrue(worst < 1e-4, "d=" + d + ": P P^T differs from I by " + worst);
    }
  }

  @Test
  void gridFitFindsTheBestDirectionOfAllGridPoints() {
    SplittableRandom random = new SplittableRandom(TestData.seed());
    int d = 5;
    for (int bits = 1; bits <= 3; bits++) {
      int levelCount = 1 << bits;
      float m = (levelCount - 1) / 2f;
      for (int trial = 0; trial < 20; trial++) {
        float[] o = new float[d];
        for (int i = 0; i < d; i++) {
          o[i] = (float) (random.nextDouble() * 2 - 1);
        }
        int[] levels = new int[d];
        double fitted = cosine(o, RotationalQuantizer.fitGrid(o, bits, levels), levels, m);
        double best = 0;
        int[] k = new int[d];
        for (int code = 0; code < Math.pow(levelCount, d); code++) {
          double yo = 0;
          for (int i = 0, c = code; i < d; i++, c /= levelCount) {
            k[i] = c % levelCount;
            yo += (k[i] - m) * o[i];
          }
          best = Math.max(best, cosine(o, yo, k, m));
        }
        assertEquals(best, fitted, 1e-6, "bits=" + bits + " trial " + trial);
      }
    }
  }

  private static double cosine(float[] o, double yo, int[] levels, float m) {
    double yy = 0, oo = 0;
    for (int i = 0; i < o.length; i++) {
      yy += (levels[i] - m) * (levels[i] - m);
      oo += (double) o[i] * o[i];
    }
    return yo / Math.sqrt(yy * oo);
  }

  /** RaBitQ's guarantee is over the rotation: averaged over many, the estimate is exact. */
  @Test
  void estimatorIsUnbiasedOverRotations() {
    long seed = TestData.seed();
    int d = 48;
    int rotations = 300;
    float[][] data = TestData.gaussianMixture(200, d, 4, seed);
    float[][] queries = TestData.gaussianMixture(3, d, 4, seed + 1);
    ArrayVectorValues vectors = ArrayVectorValues.of(data);
    int[] ords = {0, 77, 199};
    for (int bits : new int[] {1, 2}) {
      double[][] sum = new double[queries.length][ords.length];
      double scale = 0;
      for (int r = 0; r < rotations; r++) {
        RotationalQuantizer quantizer =
            RotationalQuantizer.train(VectorSimilarity.DOT, vectors, bits, seed + r);
        QuantizedVectors codes = QuantizedVectors.encode(quantizer, vectors, 1);
        for (int qi = 0; qi < queries.length; qi++) {
          RandomVectorScorer scorer = codes.scorer(queries[qi]);
          for (int j = 0; j < ords.length; j++) {
            sum[qi][j] += scorer.score(ords[j]) - dot(queries[qi], data[ords[j]]);
            if (r == 0) {
              scale = Math.max(scale, residualNorm(quantizer, data[ords[j]]) * norm(queries[qi]));
            }
          }
        }
      }
      // One estimate's error has a std of at most errorBound / sqrt(d - 1) * |r| |q|; the mean of
      // `rotations` of them, sqrt(rotations) times less. Allow five of those.
      double allowed = 5 * RotationalQuantizer.errorBound(bits) / Math.sqrt(d - 1) * scale;
      allowed /= Math.sqrt(rotations);
      for (int qi = 0; qi < queries.length; qi++) {
        for (int j = 0; j < ords.length; j++) {
          double bias = sum[qi][j] / rotations;
          assertTrue(
              Math.abs(bias) <= allowed,
              "bits=" + bits + " pair " + qi + "/" + ords[j] + ": bias " + bias + " > " + allowed);
        }
      }
    }
  }

  @Test
  void estimateErrorIsWithinTheStatedBound() {
    long seed = TestData.seed();
    int d = 128;
    // Independent vectors around an offset centre, so that the pairs' errors are independent and
    // their mean says something about bias.
    SplittableRandom random = new SplittableRandom(seed);
    float[][] data = gaussians(random, 600, d);
    float[][] queries = gaussians(random, 20, d);
    ArrayVectorValues vectors = ArrayVectorValues.of(data);
    for (VectorSimilarity similarity :
        new VectorSimilarity[] {VectorSimilarity.DOT, VectorSimilarity.EUCLID}) {
      for (int bits = 1; bits <= 4; bits++) {
        RotationalQuantizer quantizer = RotationalQuantizer.train(similarity, vectors, bits, seed);
        QuantizedVectors codes = QuantizedVectors.encode(quantizer, vectors, 1);
        double sum = 0, sumSquares = 0;
        int n = 0;
        for (float[] q : queries) {
          RandomVectorScorer scorer = codes.scorer(q);
          // The estimated inner product is <r, q> (dot) or <r, q - c> (Euclid, where it enters
          // the score twice).
          float[] z = similarity == VectorSimilarity.EUCLID ? minusCentroid(quantizer, q) : q;
          for (int ord = 0; ord < data.length; ord++) {
            double exact = similarity.score(VectorOpsProvider.plain(), q, 0, data[ord], 0, d);
            double error = scorer.score(ord) - exact;
            if (similarity == VectorSimilarity.EUCLID) {
              error /= 2;
            }
            double unit = residualNorm(quantizer, data[ord]) * norm(z) / Math.sqrt(d - 1);
            sum += error / unit;
            sumSquares += (error / unit) * (error / unit);
            n++;
          }
        }
        double mean = sum / n;
        double std = Math.sqrt(sumSquares / n - mean * mean);
        String why = similarity + " bits=" + bits + " seed=" + seed;
        assertTrue(
            std <= RotationalQuantizer.errorBound(bits), why + ": error std " + std + " units");
        // The mean of n independent errors has a std of std / sqrt(n) (0.007 at one bit).
        assertTrue(Math.abs(mean) <= 6 * std / Math.sqrt(n), why + ": mean error " + mean);
      }
    }
  }

  @Test
  void scoresAreThoseOfTheDecodedVectorUpToTheQueryRounding() {
    long seed = TestData.seed();
    int d = 65;
    float[][] data = TestData.gaussianMixture(300, d, 4, seed);
    float[] query = TestData.gaussianMixture(1, d, 4, seed + 1)[0];
    ArrayVectorValues vectors = ArrayVectorValues.of(data);
    for (int bits = 1; bits <= 4; bits++) {
      RotationalQuantizer quantizer =
          RotationalQuantizer.train(VectorSimilarity.DOT, vectors, bits, seed);
      QuantizedVectors codes = QuantizedVectors.encode(quantizer, vectors, 1);
      RandomVectorScorer scorer = codes.scorer(query);
      // The rotated query is rounded to steps of w; each y_i (at most m) meets half a step.
      float[] rotated = quantizer.rotate(query);
      float min = Float.MAX_VALUE, max = -Float.MAX_VALUE;
      for (int i = 0; i < d; i++) {
        min = Math.min(min, rotated[i]);
        max = Math.max(max, rotated[i]);
      }
      int queryBits = RotationalQuantizer.queryBits(bits);
      double w =
          queryBits == RotationalQuantizer.FLOAT_QUERY ? 0 : (max - min) / ((1 << queryBits) - 1);
      double m = ((1 << bits) - 1) / 2.0;
      float[] decoded = new float[d];
      for (int ord = 0; ord < data.length; ord++) {
        codes.decode(ord, decoded);
        float f =
            Codes.getFloat(
                codes.chunkOf(ord),
                codes.offsetOf(ord) + (bits == 4 ? Nibbles.bytes(d) : BitPlanes.bytes(d, bits)));
        // Plus float rounding, relative to the magnitudes summed (not to a dot that may be ~0).
        double bound =
            Math.abs(f) * m * d * w / 2
                + 1e-3 * Math.abs(dot(decoded, query))
                + 1e-5
                    * (Math.abs(f) * m * norm(query) * Math.sqrt(d) + norm(query) * norm(decoded));
        double error = scorer.score(ord) - dot(decoded, query);
        assertTrue(Math.abs(error) <= bound, "bits=" + bits + " ord " + ord + ": " + error);
      }
    }
  }

  @Test
  void inconsistentParametersAreRefused() {
    Path file = Path.of("params.qq");
    int d = 3;
    ByteBuffer good = parametersOf(d, 2, RandomizedHadamard.ROUNDS);
    RotationalQuantizer read =
        assertDoesNotThrow(() -> RotationalQuantizer.read(VectorSimilarity.DOT, d, good, file));
    assertEquals(2, read.bits());
    CorruptFileException bits =
        assertThrows(
            CorruptFileException.class,
            () ->
                RotationalQuantizer.read(
                    VectorSimilarity.DOT, d, parametersOf(d, 5, RandomizedHadamard.ROUNDS), file));
    assertTrue(bits.getMessage().contains("bits 5"), bits.getMessage());
    CorruptFileException rounds =
        assertThrows(
            CorruptFileException.class,
            () -> RotationalQuantizer.read(VectorSimilarity.DOT, d, parametersOf(d, 1, 7), file));
    assertTrue(rounds.getMessage().contains("7 rounds"), rounds.getMessage());
    assertThrows(
        CorruptFileException.class,
        () ->
            RotationalQuantizer.read(
                VectorSimilarity.DOT, d + 1, parametersOf(d, 1, RandomizedHadamard.ROUNDS), file));
    assertThrows(
        CorruptFileException.class,
        () ->
            RotationalQuantizer.read(
                VectorSimilarity.MANHATTAN,
                d,
                parametersOf(d, 1, RandomizedHadamard.ROUNDS),
                file));
  }

  @Test
  void theStructuredRotationInvertsAndKeepsLengthsAtAnyDimension() {
    SplittableRandom random = new SplittableRandom(TestData.seed());
    for (int d : new int[] {1, 2, 3, 64, 65, 768, 1000, 5000}) {
      RandomizedHadamard rotation = new RandomizedHadamard(d, 9);
      float[] v = gaussians(random, 1, d)[0];
      float[] rotated = new float[d];
      rotation.apply(v, rotated);
      float[] back = new float[d];
      rotation.applyTranspose(rotated, back);
      double norm = 0, rotatedNorm = 0;
      for (int i = 0; i < d; i++) {
        norm += (double) v[i] * v[i];
        rotatedNorm += (double) rotated[i] * rotated[i];
        assertEquals(v[i], back[i], 1e-4f * Math.max(1, Math.abs(v[i])), "d=" + d + " i=" + i);
      }
      assertEquals(norm, rotatedNorm, 1e-4 * norm, "d=" + d);
    }
  }

  @Test
  void configRoundTripsThroughQdrantJson() {
    for (QuantizationConfig config : configs()) {
      assertEquals(config, QuantizationConfig.fromJson(config.toJson()));
    }
  }

  /** Parameters for dimension {@code d}: a zero centroid and a rotation of {@code rounds}. */
  private static ByteBuffer parametersOf(int d, int bits, int rounds) {
    ByteBuffer out = ByteBuffer.allocate(4 + 4 * d + 12).order(ByteOrder.LITTLE_ENDIAN);
    out.putInt(bits);
    for (int i = 0; i < d; i++) {
      out.putFloat(0f);
    }
    out.putLong(12345L).putInt(rounds);
    return out.flip();
  }

  private static float[][] gaussians(SplittableRandom random, int n, int d) {
    float[][] out = new float[n][d];
    for (float[] v : out) {
      for (int i = 0; i < d; i++) {
        double u = 1.0 - random.nextDouble();
        v[i] =
            (float)
                (0.5 + Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random.nextDouble()));
      }
    }
    return out;
  }

  private static float[] minusCentroid(RotationalQuantizer quantizer, float[] v) {
    float[] out = new float[v.length];
    for (int i = 0; i < v.length; i++) {
      out[i] = v[i] - quantizer.centroid(i);
    }
    return out;
  }

  private static double residualNorm(RotationalQuantizer quantizer, float[] v) {
    return norm(minusCentroid(quantizer, v));
  }

  private static double norm(float[] v) {
    return Math.sqrt(dot(v, v));
  }

  private static double dot(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      s += (double) a[i] * b[i];
    }
    return s;
  }
}
