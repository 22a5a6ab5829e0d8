package io.quiver.engine.quant;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * k-means clustering of {@code n} points of {@code dim} floats packed row-major in one array:
 * k-means++ seeding, then Lloyd iterations until no point changes cluster or {@code maxIterations}
 * have run. A cluster left empty is re-seeded with the point farthest from its centroid. Product
 * quantization trains its codebooks with it, and it is the CPU reference for an accelerator's
 * k-means.
 *
 * <p>The result depends only on the data, {@code k}, {@code maxIterations} and the seed: not on the
 * number of threads, which only share per-point work (a point's nearest centroid, its distance to a
 * new seed) over fixed blocks of points while every sum is taken in a fixed order; and not on
 * whether the Vector API is enabled, as no {@code VectorOps} kernel (whose rounding differs between
 * implementations) is used.
 *
 * <p>Distances are computed dimension by dimension over many vectors at once instead: the nearest
 * of {@code k} centroids with the centroids held dimension-major (one array of {@code k} values per
 * dimension, see {@link #columns}), and the distance of every point to a new seed with the points
 * held the same way. Those loops read and write one index at a time, so the JIT vectorises them.
 * For 256 centroids that measured 8x faster than one {@code VectorOps.squareDistance} call per
 * centroid at 4 dimensions (a product quantizer's subspace fills no SIMD register) and still 1.2x
 * faster at 128.
 */
public final class KMeans {

  /** Points per unit of parallel work; fixed so that per-block sums do not depend on threads. */
  private static final int BLOCK = 1024;

  private KMeans() {}

  /**
   * Clusters {@code data[0 .. n * dim)} into {@code k} clusters.
   *
   * @return the centroids, {@code k * dim} floats row-major. When {@code n <= k} every point is a
   *     centroid and the remaining centroids repeat the points in order (all zero when {@code n ==
   *     0}), so a nearest-centroid search, which keeps the first of equal distances, never picks a
   *     repeat.
   */
  public static float[] train(
      float[] data, int n, int dim, int k, int maxIterations, long seed, int threads) {
    return train(data, n, dim, k, maxIterations, seed, threads, null);
  }

  /**
   * The assignment step of Lloyd's iterations, the part that costs {@code n * k * dim}: an
   * accelerator supplies its own ({@code io.quiver.engine.accel}); the rest of the algorithm, and
   * so the result, stays this class's.
   */
  public interface Assignment {
    /**
     * Writes, for every point, the index of the nearest of the {@code k} centroids ({@code k * dim}
     * floats, row-major; the lower index on a tie) and its squared Euclidean distance, which must
     * round as {@link KMeans#nearest} does for the centroids to be this class's bit for bit.
     */
    void nearest(float[] centroids, int[] nearest, float[] squaredDistance);
  }

  /**
   * As {@link #train(float[], int, int, int, int, long, int)}, with the assignment step done by
   * {@code assignment} (null: this class's own, on {@code threads} threads).
   */
  public static float[] train(
      float[] data,
      int n,
      int dim,
      int k,
      int maxIterations,
      long seed,
      int threads,
      Assignment assignment) {
    checkPoints(data, n, dim);
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1; got " + k);
    }
    if ((long) k * dim > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "k * dim must fit one array; got k=" + k + " and dim=" + dim);
    }
    if (maxIterations < 0) {
      throw new IllegalArgumentException("maxIterations must be >= 0; got " + maxIterations);
    }
    checkThreads(threads);
    float[] centroids = new float[k * dim];
    if (n <= k) {
      for (int c = 0; n > 0 && c < k; c++) {
        System.arraycopy(data, (c % n) * dim, centroids, c * dim, dim);
      }
      return centroids;
    }
    ExecutorService pool = pool(threads);
    try {
      Blocks blocks = new Blocks(n, threads, pool);
      seed(data, n, dim, k, new SplittableRandom(seed), blocks, centroids);
      Assignment step =
          assignment != null
              ? assignment
              : (c, nearest, distance) ->
                  assign(data, dim, columns(c, k, dim), k, nearest, distance, blocks);
      int[] current = new int[n];
      Arrays.fill(current, -1);
      int[] next = new int[n];
      float[] distance = new float[n];
      for (int iteration = 0; iteration < maxIterations; iteration++) {
        step.nearest(centroids, next, distance);
        int changed = 0;
        for (int i = 0; i < n; i++) {
          if (next[i] != current[i]) {
            changed++;
          }
        }
        if (changed == 0) {
          break;
        }
        int[] swap = current;
        current = next;
        next = swap;
        update(data, n, dim, k, current, distance, centroids);
      }
      return centroids;
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  /** The index of the nearest of {@code centroids} ({@code k * dim}, row-major) for each point. */
  public static int[] assign(float[] data, int n, int dim, float[] centroids, int k, int threads) {
    checkPoints(data, n, dim);
    if (k < 1 || centroids.length < (long) k * dim) {
      throw new IllegalArgumentException(
          "centroids must hold k * dim = "
              + (long) k * dim
              + " floats with k >= 1; got k="
              + k
              + " and "
              + centroids.length
              + " floats");
    }
    checkThreads(threads);
    int[] assignment = new int[n];
    ExecutorService pool = pool(threads);
    try {
      assign(
          data,
          dim,
          columns(centroids, k, dim),
          k,
          assignment,
          new float[n],
          new Blocks(n, threads, pool));
      return assignment;
    } finally {
      if (pool != null) {
        pool.shutdownNow();
      }
    }
  }

  /** {@code rows} vectors of {@code dim} floats, packed row-major, as one array per dimension. */
  static float[][] columns(float[] vectors, int rows, int dim) {
    float[][] columns = new float[dim][rows];
    for (int r = 0; r < rows; r++) {
      for (int t = 0; t < dim; t++) {
        columns[t][r] = vectors[r * dim + t];
      }
    }
    return columns;
  }

  /**
   * The nearest of {@code k} centroids to {@code point[offset .. offset + dim)}, whose dimension
   * {@code t} is {@code columns[from + t][0 .. k)}; the first one on a tie. Leaves the squared
   * distances to all of them in {@code distances[0 .. k)}.
   */
  static int nearest(
      float[] point, int offset, float[][] columns, int from, int dim, int k, float[] distances) {
    // Each loop reads and writes index j only, so the JIT vectorises it over centroids.
    float x = point[offset];
    float[] column = columns[from];
    for (int j = 0; j < k; j++) {
      float d = x - column[j];
      distances[j] = d * d;
    }
    for (int t = 1; t < dim; t++) {
      x = point[offset + t];
      column = columns[from + t];
      for (int j = 0; j < k; j++) {
        float d = x - column[j];
        distances[j] += d * d;
      }
    }
    int best = 0;
    float min = distances[0];
    for (int j = 1; j < k; j++) {
      if (distances[j] < min) {
        min = distances[j];
        best = j;
      }
    }
    return best;
  }

  /**
   * k-means++: the first centroid uniformly at random, each next one a point drawn with probability
   * proportional to its squared distance to the nearest centroid so far.
   */
  private static void seed(
      float[] data,
      int n,
      int dim,
      int k,
      SplittableRandom random,
      Blocks blocks,
      float[] centroids) {
    float[][] points = columns(data, n, dim);
    float[] toSeed = new float[n];
    float[] toNearest = new float[n];
    Arrays.fill(toNearest, Float.POSITIVE_INFINITY);
    double[] blockSums = new double[blocks.count];
    int pick = random.nextInt(n);
    for (int c = 0; ; c++) {
      System.arraycopy(data, pick * dim, centroids, c * dim, dim);
      if (c == k - 1) {
        return;
      }
      int seedAt = c * dim;
      blocks.run(
          b -> {
            int from = b * BLOCK;
            int to = Math.min(n, from + BLOCK);
            float x = centroids[seedAt];
            float[] column = points[0];
            for (int i = from; i < to; i++) {
              float d = column[i] - x;
              toSeed[i] = d * d;
            }
            for (int t = 1; t < dim; t++) {
              x = centroids[seedAt + t];
              column = points[t];
              for (int i = from; i < to; i++) {
                float d = column[i] - x;
                toSeed[i] += d * d;
              }
            }
            double sum = 0;
            for (int i = from; i < to; i++) {
              toNearest[i] = Math.min(toNearest[i], toSeed[i]);
              sum += toNearest[i];
            }
            blockSums[b] = sum;
          });
      pick = draw(toNearest, n, blockSums, random);
    }
  }

  /** A point drawn with probability proportional to {@code weights[i]}; uniform if all are 0. */
  private static int draw(float[] weights, int n, double[] blockSums, SplittableRandom random) {
    double total = 0;
    for (double s : blockSums) {
      total += s;
    }
    if (!(total > 0)) {
      // Every point coincides with a centroid already; any pick is as good as another.
      return random.nextInt(n);
    }
    double r = random.nextDouble() * total;
    int b = 0;
    while (b < blockSums.length - 1 && r >= blockSums[b]) {
      r -= blockSums[b++];
    }
    int last = -1;
    for (int i = b * BLOCK, end = Math.min(n, i + BLOCK); i < end; i++) {
      if (weights[i] > 0) {
        last = i;
        r -= weights[i];
        if (r < 0) {
          return i;
        }
      }
    }
    // Rounding left r just above the block's sum: its last point with weight is the draw.
    return last >= 0 ? last : farthest(weights, n);
  }

  /** Assigns every point to its nearest centroid, recording the squared distance. */
  private static void assign(
      float[] data,
      int dim,
      float[][] columns,
      int k,
      int[] assignment,
      float[] distance,
      Blocks blocks) {
    int n = assignment.length;
    blocks.run(
        b -> {
          float[] distances = new float[k];
          for (int i = b * BLOCK, end = Math.min(n, i + BLOCK); i < end; i++) {
            int c = nearest(data, i * dim, columns, 0, dim, k, distances);
            distance[i] = distances[c];
            assignment[i] = c;
          }
        });
  }

  /** Moves every centroid to the mean of its points; re-seeds empty clusters. */
  private static void update(
      float[] data, int n, int dim, int k, int[] assignment, float[] distance, float[] centroids) {
    double[] sums = new double[k * dim];
    int[] counts = new int[k];
    for (int i = 0; i < n; i++) {
      int c = assignment[i];
      counts[c]++;
      for (int t = 0, at = c * dim, from = i * dim; t < dim; t++) {
        sums[at + t] += data[from + t];
      }
    }
    for (int c = 0; c < k; c++) {
      int at = c * dim;
      if (counts[c] > 0) {
        for (int t = 0; t < dim; t++) {
          centroids[at + t] = (float) (sums[at + t] / counts[c]);
        }
        continue;
      }
      int far = farthest(distance, n);
      if (distance[far] > 0) {
        System.arraycopy(data, far * dim, centroids, at, dim);
        // Taken: the next empty cluster gets the next farthest point.
        distance[far] = 0;
      }
    }
  }

  /** The index of the largest of {@code values[0 .. n)}, the first on a tie. */
  private static int farthest(float[] values, int n) {
    int far = 0;
    for (int i = 1; i < n; i++) {
      if (values[i] > values[far]) {
        far = i;
      }
    }
    return far;
  }

  private static void checkPoints(float[] data, int n, int dim) {
    if (dim < 1) {
      throw new IllegalArgumentException("dim must be >= 1; got " + dim);
    }
    if (n < 0) {
      throw new IllegalArgumentException("n must be >= 0; got " + n);
    }
    if (data.length < (long) n * dim) {
      throw new IllegalArgumentException(
          "data must hold n * dim = " + (long) n * dim + " floats; got " + data.length);
    }
  }

  private static void checkThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1; got " + threads);
    }
  }

  private static ExecutorService pool(int threads) {
    if (threads == 1) {
      return null;
    }
    // The calling thread works too, so the pool holds one thread fewer.
    return Executors.newFixedThreadPool(
        threads - 1,
        r -> {
          Thread thread = new Thread(r, "quiver-kmeans");
          thread.setDaemon(true);
          return thread;
        });
  }

  /** The fixed blocks of {@code n} points, handed out to the pool's threads and the caller. */
  private static final class Blocks {
    final int count;
    private final int threads;
    private final ExecutorService pool;

    Blocks(int n, int threads, ExecutorService pool) {
      this.count = (n + BLOCK - 1) / BLOCK;
      this.threads = Math.min(threads, count);
      this.pool = pool;
    }

    /** Runs {@code task} on every block index and returns when all are done. */
    void run(IntConsumer task) {
      AtomicInteger next = new AtomicInteger();
      Runnable worker =
          () -> {
            for (int b; (b = next.getAndIncrement()) < count; ) {
              task.accept(b);
            }
          };
      if (pool == null || threads <= 1) {
        worker.run();
        return;
      }
      List<Future<?>> helpers = new ArrayList<>(threads - 1);
      for (int t = 1; t < threads; t++) {
        helpers.add(pool.submit(worker));
      }
      worker.run();
      for (Future<?> helper : helpers) {
        try {
          helper.get();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException("interrupted during k-means", e);
        } catch (ExecutionException e) {
          Throwable cause = e.getCause();
          if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
          }
          throw new IllegalStateException("k-means worker failed", cause);
        }
      }
    }
  }
}
