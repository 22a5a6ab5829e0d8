package io.quiver.engine.accel;

import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.VectorValues;
import java.util.Arrays;

/**
 * The k-NN graph a segment build asks an accelerator for: exact up to {@link #EXACT_UP_TO} vectors,
 * and beyond that partitioned, because an exact graph costs {@code n^2} distances (a trillion at a
 * million vectors) where the partitioned one costs about {@code 4 n * }{@value #CLUSTER_SIZE}.
 *
 * <p>The partitioned graph is the inverted-file idea applied to the graph itself: k-means on a
 * sample splits the vectors into clusters of about {@value #CLUSTER_SIZE}; every vector joins its
 * {@value #CLUSTERS_PER_VECTOR} nearest clusters; each cluster's exact k-NN graph comes from the
 * accelerator; a vector's row merges what its clusters found. True neighbours across a cluster
 * border are found because border vectors sit in both clusters. Every step is one of the
 * accelerator's kernels, so the same code runs on the CPU reference (which is how it is tested) and
 * on a device.
 */
public final class KnnGraphs {

  /** Up to this many vectors the graph is exact. */
  public static final int EXACT_UP_TO = 200_000;

  /** The cluster size the partitioned graph aims at. */
  static final int CLUSTER_SIZE = 8192;

  static final int CLUSTERS_PER_VECTOR = 2;

  private static final int SAMPLE_PER_CLUSTER = 64;
  private static final int KMEANS_ITERATIONS = 10;
  private static final int ASSIGN_BLOCK = 16_384;

  private KnnGraphs() {}

  /** Each vector's {@code k} best others: exact up to {@link #EXACT_UP_TO}, else partitioned. */
  public static Neighbors of(
      Accelerator accelerator, VectorValues vectors, VectorSimilarity similarity, int k) {
    if (vectors.size() <= EXACT_UP_TO) {
      return accelerator.knnGraph(vectors, similarity, k);
    }
    return partitioned(accelerator, vectors, similarity, k, CLUSTER_SIZE, 0x5157_4B4E_4E47L);
  }

  /**
   * The partitioned graph with clusters of about {@code clusterSize} vectors (a parameter so that
   * tests can partition small data); deterministic for a seed and an accelerator.
   */
  static Neighbors partitioned(
      Accelerator accelerator,
      VectorValues vectors,
      VectorSimilarity similarity,
      int k,
      int clusterSize,
      long seed) {
    Checks.k(k);
    int n = vectors.size();
    int dim = vectors.dimension();
    int clusters = Math.max(2, (n + clusterSize - 1) / clusterSize);
    float[] centroids = centroids(accelerator, vectors, clusters, seed);
    int[][] members = assign(accelerator, vectors, centroids, clusters);

    Neighbors out = Neighbors.empty(n, k);
    float[] row = new float[dim];
    for (int[] ids : members) {
      if (ids.length < 2) {
        continue;
      }
      ArrayVectorValues block = new ArrayVectorValues(dim, ids.length);
      for (int id : ids) {
        block.add(vectors.vector(id, row));
      }
      Neighbors local = accelerator.knnGraph(block, similarity, Math.min(k, ids.length - 1));
      for (int i = 0; i < ids.length; i++) {
        for (int r = 0; r < local.k(); r++) {
          int j = local.id(i, r);
          if (j < 0) {
            break;
          }
          merge(out, ids[i], ids[j], local.score(i, r));
        }
      }
    }
    return out;
  }

  /** k-means centroids of a seeded sample, Euclidean (as the partition only needs locality). */
  private static float[] centroids(
      Accelerator accelerator, VectorValues vectors, int clusters, long seed) {
    int n = vectors.size();
    int dim = vectors.dimension();
    int sampleSize = (int) Math.min(n, (long) clusters * SAMPLE_PER_CLUSTER);
    // Every (n / sampleSize)-th vector from a seeded offset: spread over the whole input.
    long stride = Math.max(1, n / sampleSize);
    int offset = (int) Math.floorMod(seed, stride);
    float[] sample = new float[sampleSize * dim];
    float[] row = new float[dim];
    for (int s = 0; s < sampleSize; s++) {
      vectors.vector((int) Math.min(n - 1, offset + s * stride), row);
      System.arraycopy(row, 0, sample, s * dim, dim);
    }
    return accelerator.kMeans(sample, sampleSize, dim, clusters, KMEANS_ITERATIONS, seed);
  }

  /** The members of every cluster: each vector in its {@link #CLUSTERS_PER_VECTOR} nearest. */
  private static int[][] assign(
      Accelerator accelerator, VectorValues vectors, float[] centroids, int clusters) {
    int n = vectors.size();
    int dim = vectors.dimension();
    float[][] rows = new float[clusters][];
    for (int c = 0; c < clusters; c++) {
      rows[c] = Arrays.copyOfRange(centroids, c * dim, (c + 1) * dim);
    }
    ArrayVectorValues centres = ArrayVectorValues.of(rows);
    int per = Math.min(CLUSTERS_PER_VECTOR, clusters);
    int[] counts = new int[clusters];
    int[] nearest = new int[n * per];
    float[] block = new float[Math.min(n, ASSIGN_BLOCK) * dim];
    float[] row = new float[dim];
    for (int from = 0; from < n; from += ASSIGN_BLOCK) {
      int size = Math.min(ASSIGN_BLOCK, n - from);
      for (int i = 0; i < size; i++) {
        System.arraycopy(vectors.vector(from + i, row), 0, block, i * dim, dim);
      }
      Neighbors near = accelerator.topK(block, size, centres, VectorSimilarity.EUCLID, per);
      for (int i = 0; i < size; i++) {
        for (int r = 0; r < per; r++) {
          int c = near.id(i, r);
          nearest[(from + i) * per + r] = c;
          counts[c]++;
        }
      }
    }
    int[][] members = new int[clusters][];
    for (int c = 0; c < clusters; c++) {
      members[c] = new int[counts[c]];
      counts[c] = 0;
    }
    for (int v = 0; v < n; v++) {
      for (int r = 0; r < per; r++) {
        int c = nearest[v * per + r];
        members[c][counts[c]++] = v;
      }
    }
    return members;
  }

  /** Offers {@code (id, score)} to {@code node}'s row, kept best first without repeats. */
  private static void merge(Neighbors out, int node, int id, float score) {
    int k = out.k();
    int base = node * k;
    int[] ids = out.ids();
    float[] scores = out.scores();
    int count = 0;
    while (count < k && ids[base + count] >= 0) {
      if (ids[base + count] == id) {
        return;
      }
      count++;
    }
    if (count == k && !TopKHeap.worse(scores[base + k - 1], ids[base + k - 1], score, id)) {
      return;
    }
    int p = Math.min(count, k - 1);
    while (p > 0 && TopKHeap.worse(scores[base + p - 1], ids[base + p - 1], score, id)) {
      ids[base + p] = ids[base + p - 1];
      scores[base + p] = scores[base + p - 1];
      p--;
    }
    ids[base + p] = id;
    scores[base + p] = score;
  }
}
