package io.quiver.benchmarks.data;

import io.quiver.engine.vector.VecFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Supplier;

/**
 * Ground truth for generated datasets, computed once and kept as an {@code .ivecs} file whose name
 * carries everything the answer depends on (generator version, seed, size, dimension, metric,
 * components, query count, depth). A changed parameter is a different file; nothing is reused by
 * mistake.
 */
public final class GroundTruthCache {

  private final Path dir;

  public GroundTruthCache(Path dir) {
    this.dir = dir;
  }

  public int[][] getOrCompute(String key, int queries, int depth, Supplier<int[][]> compute)
      throws IOException {
    Path file = dir.resolve(key + ".gt.ivecs");
    if (Files.isRegularFile(file)) {
      int[][] cached = VecFiles.readIvecs(file);
      if (cached.length == queries && cached[0].length == depth) {
        return cached;
      }
      System.err.printf(
          "ignoring cached ground truth %s: %d x %d, expected %d x %d%n",
          file, cached.length, cached[0].length, queries, depth);
    }
    long start = System.nanoTime();
    int[][] gt = compute.get();
    VecFiles.writeIvecs(file, gt);
    System.err.printf(
        "computed ground truth in %.1f s, cached at %s%n", (System.nanoTime() - start) / 1e9, file);
    return gt;
  }
}
