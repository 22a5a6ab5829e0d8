package io.quiver.engine.accel;

import io.quiver.engine.concurrent.Workers;
import io.quiver.engine.quant.KMeans;
import io.quiver.engine.vector.RandomVectorScorer;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.VectorValues;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The reference accelerator: the engine's own scorers ({@code VectorOps}, SIMD or plain) and {@link
 * KMeans}, spread over a fixed number of threads by rows. Exact in everything, including {@link
 * #knnGraph}, which costs {@code n^2} distances: fine for contract tests and small blocks, which is
 * why a segment build on the CPU inserts into the graph instead ({@link #buildsGraphs()} is false).
 */
public final class CpuAccelerator implements Accelerator {

  private static final int BLOCK = 256;
  private static final int ROWS_PER_TASK = 16;

  private final int threads;

  public CpuAccelerator(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1; got " + threads);
    }
    this.threads = threads;
  }

  @Override
  public String name() {
    return "cpu";
  }

  @Override
  public Neighbors topK(
      float[] queries, int queryCount, VectorValues vectors, VectorSimilarity similarity, int k) {
    int dim = vectors.dimension();
    Checks.queries(queries, queryCount, dim);
    Checks.k(k);
    Neighbors out = Neighbors.empty(queryCount, k);
    forEachRow(
        queryCount,
        k,
        (heap, row) -> {
          float[] query = new float[dim];
          System.arraycopy(queries, row * dim, query, 0, dim);
          scoreAll(vectors.scorer(similarity, query), vectors.size(), -1, heap);
          heap.drainInto(out, row);
        });
    return out;
  }

  @Override
  public Neighbors knnGraph(VectorValues vectors, VectorSimilarity similarity, int k) {
    Checks.k(k);
    Neighbors out = Neighbors.empty(vectors.size(), k);
    forEachRow(
        vectors.size(),
        k,
        (heap, row) -> {
          scoreAll(vectors.scorer(similarity, row), vectors.size(), row, heap);
          heap.drainInto(out, row);
        });
    return out;
  }

  @Override
  public int exactGraphLimit() {
    return Integer.MAX_VALUE;
  }

  @Override
  public float[] kMeans(float[] data, int n, int dim, int k, int maxIterations, long seed) {
    return KMeans.train(data, n, dim, k, maxIterations, seed, threads);
  }

  @Override
  public boolean buildsGraphs() {
    return false;
  }

  @Override
  public void close() {}

  /** Offers every ordinal in {@code [0, size)} but {@code skip} to {@code heap}. */
  private static void scoreAll(RandomVectorScorer scorer, int size, int skip, TopKHeap heap) {
    int[] ords = new int[BLOCK];
    float[] scores = new float[BLOCK];
    for (int start = 0; start < size; start += BLOCK) {
      int n = 0;
      for (int ord = start, end = Math.min(size, start + BLOCK); ord < end; ord++) {
        if (ord != skip) {
          ords[n++] = ord;
        }
      }
      scorer.bulkScore(ords, scores, n);
      for (int i = 0; i < n; i++) {
        heap.offer(ords[i], scores[i]);
      }
    }
  }

  private interface RowTask {
    void run(TopKHeap heap, int row);
  }

  /** Runs {@code task} for every row in {@code [0, rows)} over this accelerator's threads. */
  private void forEachRow(int rows, int k, RowTask task) {
    AtomicInteger next = new AtomicInteger();
    Throwable failure =
        Workers.run(
            "quiver-cpu-accel",
            Math.min(threads, (rows + ROWS_PER_TASK - 1) / ROWS_PER_TASK),
            () -> {
              TopKHeap heap = new TopKHeap(k);
              for (int from; (from = next.getAndAdd(ROWS_PER_TASK)) < rows; ) {
                for (int row = from, end = Math.min(rows, from + ROWS_PER_TASK); row < end; row++) {
                  task.run(heap, row);
                }
              }
            });
    if (failure != null) {
      throw Workers.unchecked("accelerator task", failure);
    }
  }
}
