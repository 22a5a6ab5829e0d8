package io.quiver.benchmarks.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GaussianMixtureTest {

  @TempDir Path dir;

  @Test
  void sameSeedSameData() {
    float[][] a = new GaussianMixture(7, 16, 8, false).base(500);
    float[][] b = new GaussianMixture(7, 16, 8, false).base(500);
    for (int i = 0; i < a.length; i++) {
      assertArrayEquals(a[i], b[i]);
    }
  }

  @Test
  void decayingSpectrumConcentratesTheNoiseInTheFirstDimensions() {
    int dim = 64;
    float[][] iso = new GaussianMixture(7, dim, 1, false).base(4000);
    float[][] spec = GaussianMixture.withSpectrum(7, dim, 1, false).base(4000);
    double[] isoVar = variances(iso, dim);
    double[] specVar = variances(spec, dim);
    // One component, so the variance per dimension is the noise's: spread^2 * s_j^2.
    assertTrue(specVar[0] > 8 * specVar[dim - 1], specVar[0] + " vs " + specVar[dim - 1]);
    assertEquals(isoVar[0], isoVar[dim - 1], 0.35 * isoVar[0]);
    double isoMean = Arrays.stream(isoVar).average().orElseThrow();
    double specMean = Arrays.stream(specVar).average().orElseThrow();
    assertEquals(isoMean, specMean, 0.1 * isoMean, "the spectrum keeps the total noise energy");
  }

  private static double[] variances(float[][] points, int dim) {
    double[] mean = new double[dim];
    double[] var = new double[dim];
    for (float[] p : points) {
      for (int j = 0; j < dim; j++) {
        mean[j] += p[j] / (double) points.length;
      }
    }
    for (float[] p : points) {
      for (int j = 0; j < dim; j++) {
        var[j] += (p[j] - mean[j]) * (p[j] - mean[j]) / points.length;
      }
    }
    return var;
  }

  @Test
  void prefixIsStableAcrossSizes() {
    float[][] small = new GaussianMixture(7, 16, 8, false).base(10);
    float[][] large = new GaussianMixture(7, 16, 8, false).base(1000);
    for (int i = 0; i < small.length; i++) {
      assertArrayEquals(small[i], large[i]);
    }
  }

  @Test
  void otherSeedOtherDataAndQueriesAreNotBasePoints() {
    GaussianMixture m = new GaussianMixture(7, 16, 8, false);
    assertFalse(Arrays.equals(m.base(1)[0], new GaussianMixture(8, 16, 8, false).base(1)[0]));
    assertFalse(Arrays.equals(m.base(1)[0], m.queries(1)[0]));
  }

  @Test
  void normalizedVectorsHaveUnitLength() {
    for (float[] v : new GaussianMixture(3, 32, 4, true).base(50)) {
      double norm = 0;
      for (float x : v) {
        norm += x * x;
      }
      assertEquals(1.0, Math.sqrt(norm), 1e-5);
    }
  }

  @Test
  void catalogBuildsAndCachesGeneratedGroundTruth() throws Exception {
    DatasetCatalog catalog = new DatasetCatalog(dir, dir.resolve("cache"), 42, 20, 8);
    Dataset first = catalog.load("gmm-2k-24");
    assertEquals(Metric.L2, first.metric());
    assertEquals(2000, first.size());
    assertEquals(100, first.groundTruthDepth());
    int[] expected = GroundTruth.nearest(first.base(), first.queries()[3], Metric.L2, 100);
    assertArrayEquals(expected, first.groundTruth()[3]);
    Dataset second = catalog.load("gmm-2k-24"); // from the cache this time
    assertArrayEquals(first.groundTruth()[19], second.groundTruth()[19]);
    assertEquals(Metric.DOT, catalog.load("gmm-300-8-dot").metric());
  }

  @Test
  void badNamesAreRejectedWithTheName() {
    DatasetCatalog catalog = new DatasetCatalog(dir, dir, 1, 10, 4);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> catalog.load("sift1b"));
    assertTrue(e.getMessage().contains("'sift1b'"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> DatasetCatalog.checkName("gmm-10-x"));
    Exception missing = assertThrows(Exception.class, () -> catalog.load("sift5k"));
    assertTrue(missing.getMessage().contains("sift5k_base.fvecs"), missing.getMessage());
  }
}
