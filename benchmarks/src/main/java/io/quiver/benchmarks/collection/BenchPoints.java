package io.quiver.benchmarks.collection;

import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Benchmark points and the directories they are written to. */
final class BenchPoints {

  private BenchPoints() {}

  /**
   * {@code count} points with ids 0.., the vector of point {@code i} being {@code base[i % n]} (a
   * set smaller than {@code count} is cycled) and its payload from {@code fields}, which must cover
   * {@code count} ordinals.
   */
  static List<Point> of(float[][] base, int count, FilterFields fields) {
    if (fields.size() < count) {
      throw new IllegalArgumentException(
          "payload fields cover " + fields.size() + " points; " + count + " asked for");
    }
    List<Point> out = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      out.add(Point.of(PointId.of(i), base[i % base.length], fields.payload(i)));
    }
    return List.copyOf(out);
  }

  /** Total size of the regular files under {@code dir}, and of those under {@code dir/sub}. */
  static long[] diskBytes(Path dir, Path sub) throws IOException {
    long[] total = new long[2];
    try (var walk = Files.walk(dir)) {
      for (Path p : walk.filter(Files::isRegularFile).toList()) {
        long size = Files.size(p);
        total[0] += size;
        if (p.startsWith(sub)) {
          total[1] += size;
        }
      }
    }
    return total;
  }
}
