package io.quiver.benchmarks.lib;

import java.io.IOException;
import java.util.OptionalLong;

/** A built index: searched one query at a time, closed when the harness is done with it. */
public interface AnnIndex extends AutoCloseable {

  /**
   * Up to {@code k} nearest ordinals of {@code query}, best first, searching with a candidate list
   * of {@code ef} (ef >= k).
   */
  int[] search(float[] query, int k, int ef) throws Exception;

  /** Nanoseconds the build itself took: graph construction, not copying vectors in. */
  long buildNanos();

  /** The graph's size as the library accounts for it, or empty when it cannot say. */
  OptionalLong graphBytes();

  /** How {@link #graphBytes} was obtained, for the report. */
  String graphBytesSource();

  /** Bytes the index keeps outside the Java heap (memory-mapped files, native memory). */
  default long offHeapBytes() {
    return 0;
  }

  /** False for indexes where ef means nothing (the exact baseline): they are swept once. */
  default boolean usesEf() {
    return true;
  }

  @Override
  void close() throws IOException;
}
