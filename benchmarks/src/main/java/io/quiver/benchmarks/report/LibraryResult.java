package io.quiver.benchmarks.report;

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
    List<SweepPoint> sweep) {

  /** Seconds one build took with the given number of threads. */
  public record BuildTime(int threads, double seconds) {}

  /** The feature release of the JDK ({@code 17}, {@code 25}). */
  public String jdkFeature() {
    int dot = jdk.indexOf('.');
    int plus = jdk.indexOf('+');
    int end = dot > 0 ? dot : plus > 0 ? plus : jdk.length();
    return jdk.substring(0, end);
  }
}
