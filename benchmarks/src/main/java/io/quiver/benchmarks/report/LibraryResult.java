package io.quiver.benchmarks.report;

import io.quiver.benchmarks.measure.OversampledSweep;
import io.quiver.benchmarks.measure.SweepPoint;
import java.util.List;

/**
 * Everything measured for one library on one dataset in one JVM, as written to the results file and
 * read back by the report.
 *
 * @param buildSeconds build time per thread count, in the order the threads were asked for
 * @param heapBytes heap retained by the built index (vectors + graph + bookkeeping)
 * @param offHeapBytes bytes outside the heap (mapped files), 0 for on-heap libraries
 * @param vectorBytes the raw vector payload, n * dim * 4, for reference
 * @param sweep the ef sweep; for a quantized index, the sweep at the chosen oversampling
 * @param quantization what a quantized index adds; null for a full-precision one (and in results
 *     files written before quantized rows existed)
 */
public record LibraryResult(
    String dataset,
    String datasetDescription,
    String metric,
    int size,
    int dimension,
    int queries,
    int k,
    String library,
    String libraryVersion,
    String vectorization,
    String jdk,
    String jvm,
    List<BuildTime> buildSeconds,
    int searchThreads,
    long graphBytes,
    String graphBytesSource,
    long heapBytes,
    long offHeapBytes,
    long vectorBytes,
    List<SweepPoint> sweep,
    Quantization quantization) {

  /** Seconds one build took with the given number of threads. */
  public record BuildTime(int threads, double seconds) {}

  /**
   * The quantized part of a row.
   *
   * @param scheme the codes as the library describes them
   * @param bitsPerDimension nominal bits per dimension of a code
   * @param codeBytes bytes of the codes of all vectors, per-vector corrections included
   * @param parameterBytes bytes of the quantizer's parameters (a cost per index)
   * @param quantizeSeconds training and encoding time of the searched build, inside its build time;
   *     -1 when the library does not separate it
   * @param oversampling the factor of the reported sweep
   * @param sweeps the ef sweep at every oversampling tried
   */
  public record Quantization(
      String scheme,
      double bitsPerDimension,
      long codeBytes,
      long parameterBytes,
      String codeBytesSource,
      double quantizeSeconds,
      double oversampling,
      List<OversampledSweep> sweeps) {}

  /** Whether this row is a quantized index. */
  public boolean quantized() {
    return quantization != null;
  }

  /** The feature release of the JDK ({@code 17}, {@code 25}). */
  public String jdkFeature() {
    int dot = jdk.indexOf('.');
    int plus = jdk.indexOf('+');
    int end = dot > 0 ? dot : plus > 0 ? plus : jdk.length();
    return jdk.substring(0, end);
  }
}
