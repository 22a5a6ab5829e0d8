package io.quiver.benchmarks.flink;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The seeded vectors of the current run, shared between the harness and the Flink job's subtasks.
 * The job runs on a local MiniCluster in the harness JVM, so its converter reads the same arrays
 * instead of regenerating them (or shipping them in the job graph); it notes the time the first
 * record was converted, which is where the sink's timed run starts.
 */
final class BenchVectors {

  private static volatile float[][] vectors;
  private static final AtomicLong FIRST_RECORD_NANOS = new AtomicLong();

  private BenchVectors() {}

  static void set(float[][] v) {
    vectors = v;
    FIRST_RECORD_NANOS.set(0);
  }

  static float[] get(long i) {
    FIRST_RECORD_NANOS.compareAndSet(0, System.nanoTime());
    return vectors[(int) i];
  }

  /** {@link System#nanoTime} of the first {@link #get} since {@link #set}; 0 before it. */
  static long firstRecordNanos() {
    return FIRST_RECORD_NANOS.get();
  }
}
