package io.quiver.benchmarks.serving;

import io.quiver.benchmarks.data.GaussianMixture;
import io.quiver.serving.QuiverNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The serving benchmark's node process: started by {@link ServingBench} under {@code taskset} on
 * CPUs of its own, so that the node and the embedded engine it is compared with get the same cores
 * and the load generator gets the others, as it would on a client machine.
 *
 * <p>It first measures the embedded engine (closed loop, {@code threads} callers, on the collection
 * the bench built), then starts a node in this JVM, recovers the collection's snapshot into it and
 * serves until its standard input closes. It speaks to its parent in lines on standard output:
 *
 * <pre>
 * embedded QPS CPU_MICROS_PER_QUERY
 * ports HTTP GRPC
 * cpu TOTAL EVENT_LOOPS SEARCH_POOL OTHER_THREADS     (one per "cpu" line from the parent)
 * </pre>
 *
 * <p>Arguments: {@code embeddedDir snapshotFile nodeDir dim queries seed k threads warmupMs
 * durationMs searchThreads}.
 */
public final class PinnedNode {

  private PinnedNode() {}

  public static void main(String[] args) throws Exception {
    Path embeddedDir = Path.of(args[0]);
    Path snapshot = Path.of(args[1]);
    Path nodeDir = Path.of(args[2]);
    int dim = Integer.parseInt(args[3]);
    int queryCount = Integer.parseInt(args[4]);
    long seed = Long.parseLong(args[5]);
    int k = Integer.parseInt(args[6]);
    int threads = Integer.parseInt(args[7]);
    long warmupMs = Long.parseLong(args[8]);
    long durationMs = Long.parseLong(args[9]);
    int searchThreads = Integer.parseInt(args[10]);

    // The parent reads this stream; everything else goes to standard error.
    PrintStream toParent = System.out;
    System.setOut(System.err);

    float[][] queries = new GaussianMixture(seed, dim, 64, false).queries(queryCount);
    ServingBench.Embedded embedded =
        ServingBench.Embedded.measure(embeddedDir, queries, k, threads, warmupMs, durationMs);
    toParent.printf(Locale.ROOT, "embedded %.3f %.3f%n", embedded.qps(), embedded.cpuUsPerQuery());
    toParent.flush();

    try (QuiverNode node = QuiverNode.start(NodeUnderTest.nodeConfig(nodeDir, searchThreads))) {
      node.collections().recoverSnapshot("bench", snapshot.toUri(), null);
      toParent.printf(Locale.ROOT, "ports %d %d%n", node.httpPort(), node.grpcPort());
      toParent.flush();
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      // Serve until the parent closes our input; answer each "cpu" line with the CPU so far.
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.equals("cpu")) {
          toParent.println("cpu " + ThreadGroups.snapshot());
          toParent.flush();
        }
      }
    }
    System.exit(0);
  }

  /**
   * CPU nanoseconds of this process, whole and by thread group: Armeria's event loops, the search
   * pool, the other Java threads (blocking executor, timers). What the whole has beyond the groups
   * is the JVM's own threads: the JIT compilers and the garbage collector.
   */
  record ThreadGroups(long total, long eventLoops, long searchPool, long otherThreads) {
    static ThreadGroups snapshot() {
      java.lang.management.ThreadMXBean mx =
          java.lang.management.ManagementFactory.getThreadMXBean();
      long events = 0;
      long search = 0;
      long other = 0;
      for (long id : mx.getAllThreadIds()) {
        java.lang.management.ThreadInfo info = mx.getThreadInfo(id);
        long cpu = mx.getThreadCpuTime(id);
        if (info == null || cpu < 0) {
          continue;
        }
        String name = info.getThreadName();
        if (name.startsWith("armeria-common-worker") || name.startsWith("armeria-boss")) {
          events += cpu;
        } else if (name.startsWith("quiver-search")) {
          search += cpu;
        } else {
          other += cpu;
        }
      }
      return new ThreadGroups(ProcessCpu.self(), events, search, other);
    }

    static ThreadGroups parse(String[] fields) {
      return new ThreadGroups(
          Long.parseLong(fields[1]),
          Long.parseLong(fields[2]),
          Long.parseLong(fields[3]),
          Long.parseLong(fields[4]));
    }

    ThreadGroups minus(ThreadGroups before) {
      return new ThreadGroups(
          total - before.total,
          eventLoops - before.eventLoops,
          searchPool - before.searchPool,
          otherThreads - before.otherThreads);
    }

    /** JIT compilers and garbage collector: the process's CPU outside its Java threads. */
    long jvm() {
      return total - eventLoops - searchPool - otherThreads;
    }

    @Override
    public String toString() {
      return total + " " + eventLoops + " " + searchPool + " " + otherThreads;
    }
  }

  /** CPU time of a whole process (every thread, JIT and GC included), in nanoseconds. */
  static final class ProcessCpu {
    private ProcessCpu() {}

    static long self() {
      return ((com.sun.management.OperatingSystemMXBean)
              java.lang.management.ManagementFactory.getOperatingSystemMXBean())
          .getProcessCpuTime();
    }
  }

  /**
   * The command line that runs this class in a JVM like the current one, pinned to {@code cpus}.
   */
  static List<String> command(String cpus, List<String> args) {
    List<String> cmd = new ArrayList<>(List.of("taskset", "-c", cpus));
    cmd.add(ProcessHandle.current().info().command().orElse("java"));
    for (String a : java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments()) {
      // The parent's profiler and logs stay the parent's; BENCH_NODE_JVM_OPTS gives the node its
      // own.
      if (!a.startsWith("-agentpath")
          && !a.startsWith("-XX:StartFlightRecording")
          && !a.startsWith("-Xlog")) {
        cmd.add(a);
      }
    }
    String childOpts = System.getenv("BENCH_NODE_JVM_OPTS");
    if (childOpts != null && !childOpts.isBlank()) {
      cmd.addAll(List.of(childOpts.trim().split("\\s+")));
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PinnedNode.class.getName()));
    cmd.addAll(args);
    return cmd;
  }
}
