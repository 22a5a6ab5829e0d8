package io.quiver.benchmarks.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class HeapMeterTest {

  @Test
  void parsesTheHistogramTotal() {
    String histogram =
        " num     #instances         #bytes  class name (module)\n"
            + "-------------------------------------------------------\n"
            + "   1:          5105        6887376  [F (java.base@17.0.15)\n"
            + "Total         95233       13262736\n";
    assertEquals(13_262_736L, HeapMeter.totalBytes(histogram));
  }

  @Test
  void leavesOutCollectorFillers() {
    String histogram =
        "   1:          5105        6887376  [F (java.base@25.0.3)\n"
            + "   2:             1        4194288  [Ljdk.internal.vm.FillerElement; (java.base@25.0.3)\n"
            + "Total          5106       11081664\n";
    assertEquals(6_887_376L, HeapMeter.totalBytes(histogram));
  }

  @Test
  void seesARetainedArray() {
    long before = HeapMeter.liveBytes();
    long[] held = new long[1 << 20];
    long after = HeapMeter.liveBytes();
    held[0] = 1;
    long retained = after - before;
    // 8 MiB plus a header, give or take what the rest of the JVM freed or allocated meanwhile.
    assertTrue(Math.abs(retained - (8L << 20)) < 256 * 1024, "retained " + retained);
    assertEquals(1, held[0]);
  }
}
