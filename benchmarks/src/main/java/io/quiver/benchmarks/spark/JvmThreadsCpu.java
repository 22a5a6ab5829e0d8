package io.quiver.benchmarks.spark;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * CPU time of this JVM's Java threads between two readings, summed by thread group (the name with
 * its trailing number and task id cut off, so Spark's pooled task threads form one group). A thread
 * that ends before the second reading is lost; one started in between counts from zero. GC and JIT
 * compiler threads are not Java threads: their share is the process's CPU ({@link MachineCpu})
 * minus the sum of these.
 */
final class JvmThreadsCpu {

  private static final ThreadMXBean MX = ManagementFactory.getThreadMXBean();

  /** One thread at one reading. */
  private record Sample(String group, long cpuNanos) {}

  private final Map<Long, Sample> byId;

  private JvmThreadsCpu(Map<Long, Sample> byId) {
    this.byId = byId;
  }

  static JvmThreadsCpu now() {
    Map<Long, Sample> samples = new HashMap<>();
    long[] ids = MX.getAllThreadIds();
    ThreadInfo[] infos = MX.getThreadInfo(ids);
    for (int i = 0; i < ids.length; i++) {
      long cpu = MX.getThreadCpuTime(ids[i]);
      if (cpu >= 0 && infos[i] != null) {
        samples.put(ids[i], new Sample(group(infos[i].getThreadName()), cpu));
      }
    }
    return new JvmThreadsCpu(samples);
  }

  /** CPU seconds per thread group from this reading until {@code end}. */
  Map<String, Double> until(JvmThreadsCpu end) {
    Map<String, Double> byGroup = new TreeMap<>();
    for (Map.Entry<Long, Sample> e : end.byId.entrySet()) {
      Sample before = byId.get(e.getKey());
      long used = e.getValue().cpuNanos() - (before == null ? 0 : before.cpuNanos());
      if (used > 0) {
        byGroup.merge(e.getValue().group(), used / 1e9, Double::sum);
      }
    }
    return byGroup;
  }

  /** A thread's name without what tells pooled threads apart. */
  static String group(String name) {
    if (name.startsWith(SparkBuild.THREAD_PREFIX)) {
      return SparkBuild.THREAD_PREFIX; // Spark renames its task threads after each task
    }
    String g = name.replaceAll("[-#\\s]*\\d+$", "");
    return g.isBlank() ? name : g;
  }
}
