package io.quiver.benchmarks.data;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Exact nearest neighbours by brute force, in double precision, one query per task on a fixed pool.
 * Ties are broken by the lower ordinal, so the result is deterministic.
 */
public final class GroundTruth {

  private GroundTruth() {}

  /** For each query, the ordinals of its {@code depth} nearest base vectors, closest first. */
  public static int[][] compute(
      float[][] base, float[][] queries, Metric metric, int depth, int threads) {
    if (depth <= 0 || depth > base.length) {
      throw new IllegalArgumentException(
          "ground truth depth must be in [1, " + base.length + "]; got " + depth);
    }
    int[][] out = new int[queries.length][];
    ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
    try {
      List<Future<?>> tasks = new ArrayList<>(queries.length);
      for (int q = 0; q < queries.length; q++) {
        int query = q;
        tasks.add(pool.submit(() -> out[query] = nearest(base, queries[query], metric, depth)));
      }
      for (Future<?> task : tasks) {
        task.get();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while computing ground truth", e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException("ground truth computation failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  /** The {@code depth} nearest ordinals of {@code query}, closest first (ties: lower ordinal). */
  static int[] nearest(float[][] base, float[] query, Metric metric, int depth) {
    // A max-heap on (distance, ordinal) holding the best `depth` seen so far.
    double[] dist = new double[depth];
    int[] ord = new int[depth];
    int size = 0;
    for (int i = 0; i < base.length; i++) {
      double d = metric.distance(query, base[i]);
      if (size < depth) {
        dist[size] = d;
        ord[size] = i;
        siftUp(dist, ord, size++);
      } else if (d < dist[0]) {
        dist[0] = d;
        ord[0] = i;
        siftDown(dist, ord, size);
      }
    }
    int[] result = new int[size];
    for (int n = size - 1; n >= 0; n--) {
      result[n] = ord[0];
      dist[0] = dist[n];
      ord[0] = ord[n];
      siftDown(dist, ord, n);
    }
    return result;
  }

  private static boolean worse(double[] dist, int[] ord, int a, int b) {
    return dist[a] > dist[b] || (dist[a] == dist[b] && ord[a] > ord[b]);
  }

  private static void siftUp(double[] dist, int[] ord, int i) {
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!worse(dist, ord, i, parent)) {
        return;
      }
      swap(dist, ord, i, parent);
      i = parent;
    }
  }

  private static void siftDown(double[] dist, int[] ord, int size) {
    int i = 0;
    while (true) {
      int left = 2 * i + 1;
      if (left >= size) {
        return;
      }
      int child = left + 1 < size && worse(dist, ord, left + 1, left) ? left + 1 : left;
      if (!worse(dist, ord, child, i)) {
        return;
      }
      swap(dist, ord, i, child);
      i = child;
    }
  }

  private static void swap(double[] dist, int[] ord, int a, int b) {
    double d = dist[a];
    dist[a] = dist[b];
    dist[b] = d;
    int o = ord[a];
    ord[a] = ord[b];
    ord[b] = o;
  }
}
