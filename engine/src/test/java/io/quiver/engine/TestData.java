package io.quiver.engine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Seeded vectors and the real data sets in {@code shared/data}, for tests. */
public final class TestData {

  private TestData() {}

  /** A seed for a test: {@code -Dtests.seed=N} reproduces a failure; printed by callers. */
  public static long seed() {
    String s = System.getProperty("tests.seed");
    return s == null ? 0x5EED_0000_0001L : Long.parseLong(s);
  }

  /**
   * {@code n} vectors drawn from a mixture of {@code clusters} Gaussians with random centres, the
   * same shape the benchmark generator uses (real embeddings cluster; uniform noise does not).
   */
  public static float[][] gaussianMixture(int n, int dim, int clusters, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    float[][] centres = new float[clusters][dim];
    for (float[] c : centres) {
      for (int i = 0; i < dim; i++) {
        c[i] = (float) (random.nextDouble() * 2 - 1);
      }
    }
    float[][] out = new float[n][dim];
    for (float[] v : out) {
      float[] c = centres[random.nextInt(clusters)];
      for (int i = 0; i < dim; i++) {
        v[i] = c[i] + (float) (gaussian(random) * 0.3);
      }
    }
    return out;
  }

  private static double gaussian(SplittableRandom r) {
    double u = 1.0 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** The repository's shared data directory ({@code ../shared/data} from the checkout). */
  public static Path sharedData() {
    Path here = Path.of("").toAbsolutePath();
    for (Path p = here; p != null; p = p.getParent()) {
      Path candidate = p.resolve("shared").resolve("data");
      if (Files.isDirectory(candidate)) {
        return candidate;
      }
      Path sibling = p.resolveSibling("shared").resolve("data");
      if (Files.isDirectory(sibling)) {
        return sibling;
      }
    }
    throw new IllegalStateException(
        "shared/data not found above " + here + "; tests need the repository's shared data");
  }
}
