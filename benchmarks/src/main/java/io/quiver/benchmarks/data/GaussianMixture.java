package io.quiver.benchmarks.data;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * A seeded Gaussian-mixture generator: {@code components} centres drawn from N(0, 1) per dimension,
 * each with its own spread and weight; a point picks a component by weight and adds isotropic
 * Gaussian noise. Base points and queries come from the same mixture but from different random
 * streams, so no query is a base point.
 *
 * <p>With a decaying spectrum ({@link #withSpectrum}), the noise of dimension {@code j} has
 * standard deviation {@code spread * s_j}, {@code s_j ~ (j + 1)^(-1/2)} scaled so that the mean
 * variance stays 1: the eigenvalues fall off like {@code 1 / j}, as those of real text embeddings
 * roughly do, so the data has a low intrinsic dimension. Without it the noise is isotropic and
 * full-rank, a worst case in which the distances within a cluster concentrate. The decay is along
 * the coordinate axes (the centres are isotropic, so it is not aligned with them).
 *
 * <p>Point {@code i} depends only on (seed, stream, i): generation may run in parallel and the
 * result is the same on every JDK, since the Gaussian sampler is written here (Box-Muller over
 * {@link SplittableRandom#nextDouble()}, whose algorithm is specified) rather than taken from the
 * JDK.
 */
public final class GaussianMixture {

  /** Bumped whenever the generated values change, so cached ground truth is not reused. */
  public static final int VERSION = 1;

  private static final long BASE_STREAM = 1;
  private static final long QUERY_STREAM = 2;

  private final long seed;
  private final int dim;
  private final boolean normalize;
  private final float[][] centres;
  private final float[] spreads;
  private final double[] cumulativeWeights;
  private final float[] noiseScale;

  public GaussianMixture(long seed, int dim, int components, boolean normalize) {
    this(seed, dim, components, normalize, false);
  }

  /** A mixture whose noise has a decaying spectrum (see the class javadoc). */
  public static GaussianMixture withSpectrum(
      long seed, int dim, int components, boolean normalize) {
    return new GaussianMixture(seed, dim, components, normalize, true);
  }

  private GaussianMixture(
      long seed, int dim, int components, boolean normalize, boolean decayingSpectrum) {
    if (dim <= 0) {
      throw new IllegalArgumentException("dimension must be > 0; got " + dim);
    }
    if (components <= 0) {
      throw new IllegalArgumentException("components must be > 0; got " + components);
    }
    this.seed = seed;
    this.dim = dim;
    this.normalize = normalize;
    this.centres = new float[components][dim];
    this.spreads = new float[components];
    this.cumulativeWeights = new double[components];
    SplittableRandom rng = new SplittableRandom(mix64(seed));
    double total = 0;
    for (int c = 0; c < components; c++) {
      for (int d = 0; d < dim; d++) {
        centres[c][d] = (float) gaussian(rng);
      }
      // Against unit-variance centres, a spread of 0.3 to 0.7 puts the points of one cluster
      // 0.3 to 0.7 times the typical centre-to-centre distance apart: distinct clusters, each a
      // high-dimensional Gaussian, which is where graph search has to work.
      spreads[c] = (float) (0.3 + 0.4 * rng.nextDouble());
      total += 0.5 + rng.nextDouble();
      cumulativeWeights[c] = total;
    }
    for (int c = 0; c < components; c++) {
      cumulativeWeights[c] /= total;
    }
    this.noiseScale = new float[dim];
    double harmonic = 0;
    for (int d = 0; d < dim; d++) {
      harmonic += 1.0 / (d + 1);
    }
    for (int d = 0; d < dim; d++) {
      noiseScale[d] = decayingSpectrum ? (float) Math.sqrt(dim / harmonic / (d + 1)) : 1f;
    }
  }

  /** {@code n} base points. */
  public float[][] base(int n) {
    return generate(BASE_STREAM, n);
  }

  /** {@code n} queries, from a stream disjoint from the base points'. */
  public float[][] queries(int n) {
    return generate(QUERY_STREAM, n);
  }

  private float[][] generate(long stream, int n) {
    float[][] out = new float[n][];
    IntStream.range(0, n).parallel().forEach(i -> out[i] = point(stream, i));
    return out;
  }

  private float[] point(long stream, int i) {
    SplittableRandom rng =
        new SplittableRandom(mix64(seed ^ mix64(stream * 0x632BE59BD9B4E019L + i)));
    int c = component(rng.nextDouble());
    float[] centre = centres[c];
    float spread = spreads[c];
    float[] v = new float[dim];
    double norm = 0;
    for (int d = 0; d < dim; d++) {
      v[d] = centre[d] + spread * noiseScale[d] * (float) gaussian(rng);
      norm += (double) v[d] * v[d];
    }
    if (normalize && norm > 0) {
      float inv = (float) (1.0 / Math.sqrt(norm));
      for (int d = 0; d < dim; d++) {
        v[d] *= inv;
      }
    }
    return v;
  }

  private int component(double u) {
    int lo = 0;
    int hi = cumulativeWeights.length - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulativeWeights[mid] < u) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  private static double gaussian(SplittableRandom rng) {
    double u1 = 1.0 - rng.nextDouble(); // (0, 1], so the log is finite
    double u2 = rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
  }

  /** The MurmurHash3 finaliser: spreads nearby seeds far apart. */
  static long mix64(long z) {
    z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
    z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
    return z ^ (z >>> 33);
  }
}
