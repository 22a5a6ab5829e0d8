package io.quiver.benchmarks.run;

import io.quiver.benchmarks.data.Dataset;
import io.quiver.benchmarks.lib.AnnIndex;
import io.quiver.benchmarks.lib.AnnLibrary;
import io.quiver.benchmarks.lib.QuantizedAnnIndex;
import io.quiver.benchmarks.lib.QuantizedVariant;
import io.quiver.benchmarks.measure.EfSweep;
import io.quiver.benchmarks.measure.HeapMeter;
import io.quiver.benchmarks.measure.OversampledSweep;
import io.quiver.benchmarks.measure.SweepPoint;
import io.quiver.benchmarks.report.LibraryResult;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * Runs one library on one dataset: an untimed warm-up build on a prefix of the data, one timed
 * build per requested thread count (the first count's index is the one searched, built last so that
 * the others are gone when its heap is measured), the heap it retains, and the ef sweep. A
 * quantized index is swept once per oversampling factor and reported at the factor with the highest
 * QPS at recall {@value #OVERSAMPLING_SELECTED_AT}; every factor's sweep is kept in the result.
 */
public final class BenchmarkRunner {

  /** The recall at which the oversampling factors of a quantized index are compared. */
  public static final double OVERSAMPLING_SELECTED_AT = 0.95;

  private final List<Integer> threads;
  private final int k;
  private final List<Integer> efs;
  private final List<Double> oversampling;
  private final EfSweep sweep;
  private final int warmupBuildSize;
  private final PrintStream log;

  /**
   * @param oversampling the factors every quantized index is swept with; empty for each variant's
   *     own {@link QuantizedVariant#defaultOversampling}
   */
  public BenchmarkRunner(
      List<Integer> threads,
      int k,
      List<Integer> efs,
      List<Double> oversampling,
      EfSweep sweep,
      int warmupBuildSize,
      PrintStream log) {
    this.threads = List.copyOf(threads);
    this.k = k;
    this.efs = efs.stream().sorted().distinct().toList();
    this.oversampling = oversampling.stream().sorted().distinct().toList();
    this.sweep = sweep;
    this.warmupBuildSize = warmupBuildSize;
    this.log = log;
  }

  public LibraryResult run(Dataset data, AnnLibrary lib) throws Exception {
    if (data.groundTruthDepth() < k) {
      throw new IllegalArgumentException(
          "dataset "
              + data.name()
              + " has ground truth to depth "
              + data.groundTruthDepth()
              + "; k = "
              + k
              + " is too large");
    }
    warmUpBuild(data, lib);

    double[] seconds = new double[threads.size()];
    for (int i = 1; i < threads.size(); i++) {
      seconds[i] = buildOnly(data, lib, threads.get(i));
    }
    int searchThreads = threads.get(0);
    long heapBefore = HeapMeter.liveBytes();
    try (AnnIndex index = lib.build(data.base(), data.metric(), searchThreads)) {
      seconds[0] = index.buildNanos() / 1e9;
      long heap = Math.max(0, HeapMeter.liveBytes() - heapBefore);
      long graph = index.graphBytes().orElse(Math.max(0, heap - vectorArrayHeap(data)));
      log.printf(
          Locale.ROOT,
          "[%s] %s: built in %s s; graph %,d B, heap %,d B, off-heap %,d B%n",
          data.name(),
          lib.name(),
          Arrays.toString(seconds),
          graph,
          heap,
          index.offHeapBytes());
      List<SweepPoint> points;
      LibraryResult.Quantization quantization = null;
      if (index instanceof QuantizedAnnIndex quantized) {
        quantization = sweepQuantized(quantized, data, lib);
        points = reportedSweep(quantization);
      } else {
        points = sweep.run(index, data, efs);
        logSweep(data, lib.name(), points);
      }
      return new LibraryResult(
          data.name(),
          data.description(),
          data.metric().label(),
          data.size(),
          data.dimension(),
          data.queries().length,
          k,
          lib.name(),
          lib.version(),
          lib.vectorization(),
          Runtime.version().toString(),
          System.getProperty("java.vm.name") + ", " + System.getProperty("java.vendor"),
          buildTimes(seconds),
          searchThreads,
          graph,
          index.graphBytesSource(),
          heap,
          index.offHeapBytes(),
          (long) data.size() * data.dimension() * Float.BYTES,
          points,
          quantization);
    }
  }

  /** One ef sweep per oversampling factor; the result names the factor that is reported. */
  private LibraryResult.Quantization sweepQuantized(
      QuantizedAnnIndex index, Dataset data, AnnLibrary lib) throws Exception {
    QuantizedVariant variant =
        QuantizedVariant.byName(lib.name())
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        lib.name() + " built a quantized index but is not a QuantizedVariant"));
    List<Double> factors = oversampling.isEmpty() ? variant.defaultOversampling() : oversampling;
    List<OversampledSweep> sweeps = new ArrayList<>();
    for (double factor : factors) {
      List<SweepPoint> points = sweep.run(index.atOversampling(factor), data, efs);
      logSweep(data, String.format(Locale.ROOT, "%s x%s", lib.name(), factor), points);
      sweeps.add(new OversampledSweep(factor, points));
    }
    OversampledSweep chosen = OversampledSweep.best(sweeps, OVERSAMPLING_SELECTED_AT);
    log.printf(
        Locale.ROOT,
        "[%s] %s: %s, %,d code bytes, %,d parameter bytes; reporting oversampling %s%n",
        data.name(),
        lib.name(),
        index.scheme(),
        index.codeBytes(),
        index.parameterBytes(),
        chosen.oversampling());
    long quantizeNanos = index.quantizeNanos();
    return new LibraryResult.Quantization(
        index.scheme(),
        variant.bitsPerDimension(),
        index.codeBytes(),
        index.parameterBytes(),
        index.codeBytesSource(),
        quantizeNanos < 0 ? -1 : quantizeNanos / 1e9,
        chosen.oversampling(),
        sweeps);
  }

  private static List<SweepPoint> reportedSweep(LibraryResult.Quantization quantization) {
    for (OversampledSweep s : quantization.sweeps()) {
      if (s.oversampling() == quantization.oversampling()) {
        return s.points();
      }
    }
    throw new AssertionError("no sweep at the chosen oversampling " + quantization.oversampling());
  }

  private void logSweep(Dataset data, String label, List<SweepPoint> points) {
    for (SweepPoint p : points) {
      log.printf(
          Locale.ROOT,
          "[%s] %s: ef=%d recall@%d=%.4f qps=%,.0f%n",
          data.name(),
          label,
          p.ef(),
          k,
          p.recall(),
          p.qps());
    }
  }

  /**
   * A build that is only timed. Its own method, so that no local of {@link #run} still refers to
   * the index when the heap is measured there.
   */
  private static double buildOnly(Dataset data, AnnLibrary lib, int threads) throws Exception {
    try (AnnIndex index = lib.build(data.base(), data.metric(), threads)) {
      return index.buildNanos() / 1e9;
    }
  }

  /** Loads the library's classes and compiles its build path before anything is timed. */
  private void warmUpBuild(Dataset data, AnnLibrary lib) throws Exception {
    int n = Math.min(warmupBuildSize, data.size());
    if (n < 2) {
      return;
    }
    float[][] prefix = Arrays.copyOf(data.base(), n);
    int maxThreads = threads.stream().mapToInt(Integer::intValue).max().orElse(1);
    try (AnnIndex index = lib.build(prefix, data.metric(), maxThreads)) {
      for (float[] q : data.queries()) {
        index.search(q, k, Math.max(k, 32));
      }
    }
  }

  private List<LibraryResult.BuildTime> buildTimes(double[] seconds) {
    List<LibraryResult.BuildTime> out = new ArrayList<>();
    for (int i = 0; i < seconds.length; i++) {
      out.add(new LibraryResult.BuildTime(threads.get(i), seconds[i]));
    }
    return out;
  }

  /** Heap held by one float[] per vector: a 16-byte array header plus the values, 8-aligned. */
  private static long vectorArrayHeap(Dataset data) {
    long perVector = ((16L + 4L * data.dimension()) + 7) & ~7L;
    return perVector * data.size();
  }
}
