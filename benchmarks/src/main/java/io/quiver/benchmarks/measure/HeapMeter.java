package io.quiver.benchmarks.measure;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;

/**
 * Live heap bytes, for measuring what an index retains: the difference between a reading taken
 * before a build and one taken after it, with the index still reachable.
 *
 * <p>A reading is the total of HotSpot's class histogram of live objects ({@code jcmd
 * GC.class_histogram}, invoked in-process through the DiagnosticCommand MBean), which runs a full
 * collection first. Live bytes are used rather than the heap's "used" figure because G1 rounds a
 * large array up to whole regions (a 4.2 MB array fills an 8 MB region under -Xmx16g), which would
 * charge a library for the collector's layout rather than for what it allocated. Where the MBean is
 * missing (not HotSpot), it falls back to "used" after {@link System#gc()}.
 */
public final class HeapMeter {

  private static final String DIAGNOSTIC_COMMAND = "com.sun.management:type=DiagnosticCommand";
  private static final String FILLER = "jdk.internal.vm.Filler";

  private HeapMeter() {}

  public static long liveBytes() {
    try {
      String histogram =
          (String)
              ManagementFactory.getPlatformMBeanServer()
                  .invoke(
                      new ObjectName(DIAGNOSTIC_COMMAND),
                      "gcClassHistogram",
                      new Object[] {new String[0]},
                      new String[] {String[].class.getName()});
      return totalBytes(histogram);
    } catch (JMException | RuntimeException e) {
      System.gc();
      System.gc();
      return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
  }

  /** The histogram's {@code Total} bytes, less the collector's filler objects. */
  static long totalBytes(String histogram) {
    long fillers = 0;
    for (String line : histogram.split("\n")) {
      String[] parts = line.trim().split("\\s+");
      if (parts.length >= 4 && parts[0].endsWith(":") && parts[3].contains(FILLER)) {
        fillers += Long.parseLong(parts[2]);
      }
      if (parts.length == 3 && parts[0].equals("Total")) {
        return Long.parseLong(parts[2]) - fillers;
      }
    }
    throw new IllegalStateException("no Total line in the class histogram");
  }
}
