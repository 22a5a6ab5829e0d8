package io.quiver.spark;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/** The real SIFT 5k set from the repository's {@code shared/data}. */
final class SiftData {

  final float[][] base;
  final float[][] queries;
  final int[][] groundTruth;

  private SiftData(float[][] base, float[][] queries, int[][] groundTruth) {
    this.base = base;
    this.queries = queries;
    this.groundTruth = groundTruth;
  }

  static SiftData load() throws IOException {
    Path dir = sharedData().resolve("sift5k-ngt");
    return new SiftData(
        readFvecs(dir.resolve("sift5k_base.fvecs")),
        readFvecs(dir.resolve("sift5k_query.fvecs")),
        readIvecs(dir.resolve("sift5k_groundtruth_l2_top100.ivecs")));
  }

  static Path sharedData() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      for (Path candidate :
          new Path[] {p.resolve("shared/data"), p.resolveSibling("shared").resolve("data")}) {
        if (Files.isDirectory(candidate)) {
          return candidate;
        }
      }
    }
    throw new IllegalStateException("shared/data not found above " + Path.of("").toAbsolutePath());
  }

  /** Records of int32 d then d float32, little-endian. */
  static float[][] readFvecs(Path file) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int dim = buf.getInt(0);
    int n = buf.limit() / (4 + 4 * dim);
    float[][] out = new float[n][dim];
    for (float[] v : out) {
      buf.getInt();
      for (int j = 0; j < dim; j++) {
        v[j] = buf.getFloat();
      }
    }
    return out;
  }

  /** Records of int32 d then d int32, little-endian. */
  static int[][] readIvecs(Path file) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
    int dim = buf.getInt(0);
    int n = buf.limit() / (4 + 4 * dim);
    int[][] out = new int[n][dim];
    for (int[] v : out) {
      buf.getInt();
      for (int j = 0; j < dim; j++) {
        v[j] = buf.getInt();
      }
    }
    return out;
  }
}
