package io.quiver.engine.quant;

import java.util.SplittableRandom;

/**
 * A random orthogonal transform of {@code R^d} applied in {@code O(d log d)} without storing a
 * matrix: {@value #ROUNDS} rounds of random sign flips and normalised Walsh-Hadamard transforms
 * (the structured rotation of FALCONN and of RaBitQ's fast variants). For a dimension {@code d}
 * that is not a power of two, each round transforms two overlapping windows of {@code p}
 * coordinates, the largest power of two {@code <= d}: {@code [0, p)} then {@code [d - p, d)}, each
 * after its own sign flips, so every coordinate is mixed with every other over the rounds. Every
 * step is orthogonal, so the whole transform is.
 *
 * <p>Everything is drawn from one seed, so only the seed and the round count are persisted. The
 * transform is not Haar-distributed like a dense Gaussian-QR rotation, but after three rounds its
 * outputs are close enough to it that RaBitQ's estimator keeps its error (measured in the tests),
 * at a fraction of the cost: at {@code d = 768} about {@code 3 * 2 * 512 * 9} additions against
 * {@code 768^2} multiply-adds and a 2.3 MB matrix read per query.
 */
final class RandomizedHadamard {

  static final int ROUNDS = 3;
  private static final long SALT = 0x68616461_6d617264L;

  private final int dimension;
  private final int window;
  private final long seed;

  /** {@code signs[2 * round + w][i]}: the sign of coordinate {@code i} of window {@code w}. */
  private final float[][] signs;

  RandomizedHadamard(int dimension, long seed) {
    if (dimension < 1) {
      throw new IllegalArgumentException("dimension must be >= 1; got " + dimension);
    }
    this.dimension = dimension;
    this.window = Integer.highestOneBit(dimension);
    this.seed = seed;
    SplittableRandom random = new SplittableRandom(seed ^ SALT);
    this.signs = new float[2 * ROUNDS][window];
    for (float[] s : signs) {
      for (int i = 0; i < window; i++) {
        s[i] = random.nextBoolean() ? 1f : -1f;
      }
    }
  }

  long seed() {
    return seed;
  }

  int dimension() {
    return dimension;
  }

  /** Writes the transform of {@code in} to {@code out} (which may be {@code in}). */
  void apply(float[] in, float[] out) {
    if (out != in) {
      System.arraycopy(in, 0, out, 0, dimension);
    }
    for (int round = 0; round < ROUNDS; round++) {
      flipAndTransform(out, 0, signs[2 * round]);
      if (window < dimension) {
        flipAndTransform(out, dimension - window, signs[2 * round + 1]);
      }
    }
  }

  /** Writes the inverse (= transpose) transform of {@code in} to {@code out}. */
  void applyTranspose(float[] in, float[] out) {
    if (out != in) {
      System.arraycopy(in, 0, out, 0, dimension);
    }
    for (int round = ROUNDS - 1; round >= 0; round--) {
      if (window < dimension) {
        transformAndFlip(out, dimension - window, signs[2 * round + 1]);
      }
      transformAndFlip(out, 0, signs[2 * round]);
    }
  }

  private void flipAndTransform(float[] v, int from, float[] sign) {
    for (int i = 0; i < window; i++) {
      v[from + i] *= sign[i];
    }
    hadamard(v, from, window);
  }

  private void transformAndFlip(float[] v, int from, float[] sign) {
    hadamard(v, from, window);
    for (int i = 0; i < window; i++) {
      v[from + i] *= sign[i];
    }
  }

  /** The normalised (orthogonal, self-inverse) Walsh-Hadamard transform of {@code n} values. */
  static void hadamard(float[] v, int from, int n) {
    for (int half = 1; half < n; half <<= 1) {
      for (int block = from, end = from + n; block < end; block += half << 1) {
        for (int i = block, stop = block + half; i < stop; i++) {
          float a = v[i];
          float b = v[i + half];
          v[i] = a + b;
          v[i + half] = a - b;
        }
      }
    }
    float scale = (float) (1 / Math.sqrt(n));
    for (int i = from, end = from + n; i < end; i++) {
      v[i] *= scale;
    }
  }

  /** The transform as a dense row-major matrix, for tests: column {@code j} is the image of e_j. */
  float[] matrix() {
    float[] m = new float[dimension * dimension];
    float[] e = new float[dimension];
    for (int j = 0; j < dimension; j++) {
      java.util.Arrays.fill(e, 0f);
      e[j] = 1f;
      apply(e, e);
      for (int i = 0; i < dimension; i++) {
        m[i * dimension + j] = e[i];
      }
    }
    return m;
  }
}
