package io.quiver.benchmarks.lib;

import io.quiver.benchmarks.data.Metric;

/**
 * One library under test, seen through the little the harness needs: build an index over base
 * vectors with a given number of threads (M=16, ef_construction=100 for every graph library), and
 * say what it is.
 */
public interface AnnLibrary {

  /** The name used on the command line and in the report ({@code quiver}, {@code lucene}). */
  String name();

  /** The library's version. */
  String version();

  /**
   * Which vectorization (SIMD) path the library runs on, as the library itself reports it. Asked
   * after the first build, since some libraries choose it lazily.
   */
  String vectorization();

  /**
   * Builds an index over {@code base} (ordinal = row). The library owns copies of the vectors: the
   * caller's arrays are not referenced afterwards, so the heap the index retains can be measured.
   */
  AnnIndex build(float[][] base, Metric metric, int threads) throws Exception;
}
