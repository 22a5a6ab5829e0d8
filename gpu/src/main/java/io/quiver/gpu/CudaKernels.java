package io.quiver.gpu;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;
import static jcuda.driver.JCudaDriver.cuModuleUnload;
import static jcuda.nvrtc.JNvrtc.nvrtcCompileProgram;
import static jcuda.nvrtc.JNvrtc.nvrtcCreateProgram;
import static jcuda.nvrtc.JNvrtc.nvrtcDestroyProgram;
import static jcuda.nvrtc.JNvrtc.nvrtcGetNumSupportedArchs;
import static jcuda.nvrtc.JNvrtc.nvrtcGetPTX;
import static jcuda.nvrtc.JNvrtc.nvrtcGetProgramLog;
import static jcuda.nvrtc.JNvrtc.nvrtcGetSupportedArchs;

import io.quiver.engine.accel.AcceleratorUnavailableException;
import io.quiver.engine.vector.VectorSimilarity;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import jcuda.CudaException;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;
import jcuda.driver.CUstream;
import jcuda.nvrtc.nvrtcProgram;

/**
 * The kernels of {@code kernels.cu}, compiled with NVRTC for one device when its accelerator opens,
 * and the only place that knows their names, parameters and launch shapes. Compiling at open means
 * a missing NVRTC or a compile error makes the accelerator unavailable there, not a build fail
 * halfway.
 */
final class CudaKernels implements AutoCloseable {

  /** The kernel source, a class-path resource next to this class. */
  static final String SOURCE = "kernels.cu";

  /** What a score tile holds; must match {@code enum Metric} and the SCORES entries in the .cu. */
  enum Scores {
    /** Dot product: DOT, and COSINE on normalised vectors. */
    DOT("scores_dot"),
    /** Negated squared Euclidean distance, from differences, with fused multiply-adds. */
    L2("scores_l2"),
    /**
     * The same without fused multiply-adds, summed in dimension order: bit for bit the distance
     * {@link io.quiver.engine.quant.KMeans} computes, so that k-means assigns points as it does.
     */
    L2_EXACT("scores_l2_exact"),
    /** Negated L1 distance. */
    L1("scores_l1");

    final String kernel;

    Scores(String kernel) {
      this.kernel = kernel;
    }

    static Scores of(VectorSimilarity similarity) {
      return switch (similarity) {
        case DOT, COSINE -> DOT;
        case EUCLID -> L2;
        case MANHATTAN -> L1;
      };
    }
  }

  /** The merge kernels' list capacities: the smallest at least k is used. */
  private static final int[] MERGE_CAPACITIES = {32, 64, 128, 256};

  /** The largest k a merge kernel keeps. */
  static final int MAX_K = MERGE_CAPACITIES[MERGE_CAPACITIES.length - 1];

  /** Rows and columns of the score tile one block computes; TILE in the .cu. */
  private static final int SCORE_TILE = 64;

  /** A score block is SCORE_THREADS x SCORE_THREADS threads; THREADS in the .cu. */
  private static final int SCORE_THREADS = 16;

  /** Threads per merge block (4 warps, one query row each); MERGE's launch bounds in the .cu. */
  private static final int MERGE_THREADS = 128;

  private final CUmodule module;
  private final CUfunction[] scores = new CUfunction[Scores.values().length];
  private final CUfunction[] merges = new CUfunction[MERGE_CAPACITIES.length];
  private final String architecture;

  private CudaKernels(CUmodule module, String architecture) {
    this.module = module;
    this.architecture = architecture;
    for (Scores s : Scores.values()) {
      scores[s.ordinal()] = function(s.kernel);
    }
    for (int i = 0; i < MERGE_CAPACITIES.length; i++) {
      merges[i] = function("merge_topk_" + MERGE_CAPACITIES[i]);
    }
  }

  /**
   * Compiles the kernels for a device of compute capability {@code major.minor} and loads them into
   * the current context.
   *
   * @throws AcceleratorUnavailableException when NVRTC is missing, supports no architecture up to
   *     the device's, or the source does not compile (the message carries NVRTC's log)
   */
  static CudaKernels load(int major, int minor) throws AcceleratorUnavailableException {
    String nvrtcFailure = NativeLibraries.nvrtcFailure();
    if (nvrtcFailure != null) {
      throw new AcceleratorUnavailableException(
          "NVRTC did not load (libnvrtc.so.12 from a CUDA 12 toolkit must be on the library"
              + " path): "
              + nvrtcFailure);
    }
    String architecture = "compute_" + architecture(major * 10 + minor);
    String ptx = compile(source(), architecture);
    CUmodule module = new CUmodule();
    try {
      cuModuleLoadData(module, ptx);
    } catch (CudaException e) {
      throw new AcceleratorUnavailableException(
          "the driver refused the kernels compiled for "
              + architecture
              + " ("
              + e.getMessage()
              + "); a driver older than the NVRTC that compiled them?",
          e);
    }
    try {
      return new CudaKernels(module, architecture);
    } catch (CudaException e) {
      cuModuleUnload(module);
      throw new AcceleratorUnavailableException(
          "a kernel is missing from the compiled module: " + e.getMessage(), e);
    }
  }

  /** The virtual architecture compiled for, e.g. {@code compute_90}. */
  String architecture() {
    return architecture;
  }

  /**
   * Launches the score kernel: {@code out[q * ld + v]} = score of query {@code q < qn} against
   * vector {@code v < vn}, both packed row-major with {@code dim} floats.
   */
  void scores(
      Scores kind,
      CUdeviceptr queries,
      int qn,
      CUdeviceptr vectors,
      int vn,
      int dim,
      CUdeviceptr out,
      int ld,
      CUstream stream) {
    Pointer params =
        Pointer.to(
            Pointer.to(queries),
            Pointer.to(new int[] {qn}),
            Pointer.to(vectors),
            Pointer.to(new int[] {vn}),
            Pointer.to(new int[] {dim}),
            Pointer.to(out),
            Pointer.to(new int[] {ld}));
    cuLaunchKernel(
        scores[kind.ordinal()],
        TilePlan.tiles(vn, SCORE_TILE),
        TilePlan.tiles(qn, SCORE_TILE),
        1,
        SCORE_THREADS,
        SCORE_THREADS,
        1,
        0,
        stream,
        params,
        null);
  }

  /**
   * Launches the merge kernel: folds rows {@code [0, rows)} of the score tile ({@code cols} valid
   * columns, column {@code c} being vector {@code colBase + c}, row {@code r} query {@code rowBase
   * + r}) into the running top-{@code k} lists {@code ids} / {@code top} ({@code rows x k}).
   */
  void merge(
      CUdeviceptr scoreTile,
      int ld,
      int rows,
      int cols,
      int rowBase,
      int colBase,
      boolean skipSelf,
      int k,
      CUdeviceptr ids,
      CUdeviceptr top,
      CUstream stream) {
    Pointer params =
        Pointer.to(
            Pointer.to(scoreTile),
            Pointer.to(new int[] {ld}),
            Pointer.to(new int[] {rows}),
            Pointer.to(new int[] {cols}),
            Pointer.to(new int[] {rowBase}),
            Pointer.to(new int[] {colBase}),
            Pointer.to(new int[] {skipSelf ? 1 : 0}),
            Pointer.to(new int[] {k}),
            Pointer.to(ids),
            Pointer.to(top));
    int rowsPerBlock = MERGE_THREADS / 32;
    cuLaunchKernel(
        merges[mergeFor(k)],
        TilePlan.tiles(rows, rowsPerBlock),
        1,
        1,
        MERGE_THREADS,
        1,
        1,
        0,
        stream,
        params,
        null);
  }

  @Override
  public void close() {
    cuModuleUnload(module);
  }

  private static int mergeFor(int k) {
    for (int i = 0; i < MERGE_CAPACITIES.length; i++) {
      if (k <= MERGE_CAPACITIES[i]) {
        return i;
      }
    }
    throw new IllegalArgumentException("k must be <= " + MAX_K + "; got " + k);
  }

  private CUfunction function(String name) {
    CUfunction function = new CUfunction();
    cuModuleGetFunction(function, module, name);
    return function;
  }

  /**
   * The newest architecture NVRTC supports that the device runs: its own compute capability, or an
   * older one whose PTX the driver compiles forward when NVRTC predates the device.
   */
  private static int architecture(int device) throws AcceleratorUnavailableException {
    int[] count = new int[1];
    nvrtcGetNumSupportedArchs(count);
    int[] archs = new int[count[0]];
    nvrtcGetSupportedArchs(archs);
    int best = -1;
    for (int arch : archs) {
      if (arch <= device && arch > best) {
        best = arch;
      }
    }
    if (best < 0) {
      throw new AcceleratorUnavailableException(
          "this NVRTC supports no architecture up to the device's compute capability "
              + device / 10
              + "."
              + device % 10);
    }
    return best;
  }

  private static String compile(String source, String architecture)
      throws AcceleratorUnavailableException {
    nvrtcProgram program = new nvrtcProgram();
    nvrtcCreateProgram(program, source, SOURCE, 0, null, null);
    try {
      try {
        nvrtcCompileProgram(program, 1, new String[] {"--gpu-architecture=" + architecture});
      } catch (CudaException e) {
        throw new AcceleratorUnavailableException(
            SOURCE
                + " did not compile for "
                + architecture
                + " ("
                + e.getMessage()
                + "):\n"
                + log(program));
      }
      String[] ptx = new String[1];
      nvrtcGetPTX(program, ptx);
      return ptx[0];
    } finally {
      nvrtcDestroyProgram(program);
    }
  }

  private static String log(nvrtcProgram program) {
    String[] log = new String[1];
    try {
      nvrtcGetProgramLog(program, log);
    } catch (CudaException e) {
      return "(no log: " + e.getMessage() + ")";
    }
    return log[0] == null ? "" : log[0].strip();
  }

  static String source() {
    try (InputStream in = CudaKernels.class.getResourceAsStream(SOURCE)) {
      if (in == null) {
        throw new IllegalStateException(
            SOURCE + " is missing from the class path next to " + CudaKernels.class.getName());
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + SOURCE, e);
    }
  }
}
