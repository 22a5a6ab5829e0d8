package io.quiver.gpu;

import io.quiver.engine.accel.Accelerator;
import io.quiver.engine.accel.AcceleratorOptions;
import io.quiver.engine.accel.AcceleratorUnavailableException;
import io.quiver.engine.accel.Checks;
import io.quiver.engine.accel.Neighbors;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.VectorValues;
import io.quiver.gpu.CudaKernels.Scores;
import java.util.function.Supplier;
import jcuda.CudaException;

/**
 * The engine's {@link Accelerator} on one CUDA device. Everything is exact: {@link #topK} and
 * {@link #knnGraph} score every pair on the device in tiles sized to the memory budget ({@link
 * TiledTopK}), and {@link #kMeans} runs the reference's Lloyd iterations with the assignment step
 * on the device ({@link CudaKMeans}). Scores are floats summed in dimension order per pair, so they
 * match the CPU reference within {@link Accelerator#SCORE_TOLERANCE}.
 *
 * <p>Opened through {@link CudaAcceleratorProvider}; one thread at a time; {@link #close()} gives
 * back the streams, the module and the context (device memory is held only during a call).
 */
public final class CudaAccelerator implements Accelerator {

  /** The largest {@code k} the merge kernel keeps per query. */
  public static final int MAX_K = CudaKernels.MAX_K;

  private final CudaDevice device;
  private final TiledTopK topK;
  private final int threads;
  private final String name;
  private boolean closed;

  private CudaAccelerator(CudaDevice device, int threads) {
    this.device = device;
    this.topK = new TiledTopK(device);
    this.threads = threads;
    this.name = "cuda:" + device.ordinal() + " " + device.name();
  }

  /**
   * Opens the device {@code options} name, with {@code options.memoryBytes()} of device memory per
   * call (0: {@value CudaDevice#DEFAULT_MEMORY_SHARE} of what is free now) and {@code
   * options.threads()} CPU threads for k-means seeding.
   */
  static CudaAccelerator open(AcceleratorOptions options) throws AcceleratorUnavailableException {
    return new CudaAccelerator(CudaDevice.open(options), options.threads());
  }

  @Override
  public String name() {
    return name;
  }

  /** The device memory one call may allocate, in bytes. */
  public long memoryBudget() {
    return device.budget();
  }

  @Override
  public Neighbors topK(
      float[] queries, int queryCount, VectorValues vectors, VectorSimilarity similarity, int k) {
    int dim = vectors.dimension();
    Checks.queries(queries, queryCount, dim);
    checkK(k);
    return onDevice(
        "top-k",
        () ->
            topK.run(
                HostRows.packed(queries, dim),
                queryCount,
                HostRows.of(vectors),
                vectors.size(),
                Scores.of(similarity),
                k,
                false));
  }

  /**
   * Exact, by scoring all {@code n^2} pairs on the device: O(n^2 * dim) work. Segment builds ask
   * through the engine's {@code KnnGraphs}, which hands over blocks of at most 200,000 vectors and
   * partitions larger segments into clusters, each one such block.
   */
  @Override
  public Neighbors knnGraph(VectorValues vectors, VectorSimilarity similarity, int k) {
    checkK(k);
    return onDevice(
        "k-NN graph",
        () -> {
          HostRows rows = HostRows.of(vectors);
          return topK.run(
              rows, vectors.size(), rows, vectors.size(), Scores.of(similarity), k, true);
        });
  }

  @Override
  public int maxK() {
    return MAX_K;
  }

  /** {@link #knnGraph} is always exact. */
  @Override
  public int exactGraphLimit() {
    return Integer.MAX_VALUE;
  }

  @Override
  public float[] kMeans(float[] data, int n, int dim, int k, int maxIterations, long seed) {
    return onDevice(
        "k-means", () -> CudaKMeans.train(topK, data, n, dim, k, maxIterations, seed, threads));
  }

  @Override
  public boolean buildsGraphs() {
    return true;
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    device.close();
  }

  private static void checkK(int k) {
    Checks.k(k);
    if (k > MAX_K) {
      throw new IllegalArgumentException(
          "k must be <= " + MAX_K + " on the CUDA accelerator; got " + k);
    }
  }

  /** Runs {@code call} with the context current, naming the device and the step on failure. */
  private <T> T onDevice(String step, Supplier<T> call) {
    if (closed) {
      throw new IllegalStateException(name + " is closed");
    }
    try {
      device.makeCurrent();
      return call.get();
    } catch (CudaException e) {
      throw new IllegalStateException(name + ": " + step + " failed: " + e.getMessage(), e);
    }
  }
}
