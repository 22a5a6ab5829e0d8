package io.quiver.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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

  /** Reads an {@code .fvecs} file (records of int32 d then d float32, little-endian). */
  public static float[][] readFvecs(Path file) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int dim = buf.getInt(0);
    int n = buf.limit() / (4 + 4 * dim);
    float[][] out = new float[n][dim];
    for (int i = 0; i < n; i++) {
      int d = buf.getInt();
      if (d != dim) {
        throw new IOException(file + ": record " + i + " has dimension " + d + ", expected " + dim);
      }
      for (int j = 0; j < dim; j++) {
        out[i][j] = buf.getFloat();
      }
    }
    return out;
  }
}
