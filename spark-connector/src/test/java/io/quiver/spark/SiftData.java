package io.quiver.spark;

import io.quiver.engine.vector.VecFiles;
import java.io.IOException;
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
        VecFiles.readFvecs(dir.resolve("sift5k_base.fvecs")),
        VecFiles.readFvecs(dir.resolve("sift5k_query.fvecs")),
        VecFiles.readIvecs(dir.resolve("sift5k_groundtruth_l2_top100.ivecs")));
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
}
