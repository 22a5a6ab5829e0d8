package io.quiver.benchmarks.serving;

import io.quiver.serving.QuiverNode;
import io.quiver.serving.config.ServerConfig;
import io.quiver.serving.config.StrictMode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The node the serving benchmark drives, with the embedded engine's figures measured where the node
 * runs: either in the benchmark's own JVM, sharing its cores with the load generator, or in a JVM
 * pinned to CPUs of its own ({@link PinnedNode}).
 */
abstract class NodeUnderTest implements AutoCloseable {

  /** The embedded engine's queries per second, measured where the node runs. */
  final double embeddedQps;

  /** CPU microseconds per embedded query, every thread of the process counted. */
  final double embeddedCpuUs;

  final int httpPort;
  final int grpcPort;

  private NodeUnderTest(double embeddedQps, double embeddedCpuUs, int httpPort, int grpcPort) {
    this.embeddedQps = embeddedQps;
    this.embeddedCpuUs = embeddedCpuUs;
    this.httpPort = httpPort;
    this.grpcPort = grpcPort;
  }

  /**
   * CPU nanoseconds used so far by the node and by everything else (the load generator), with the
   * node's by thread group where the node runs in a process of its own (else null).
   */
  record Cpu(long nodeNanos, long clientNanos, PinnedNode.ThreadGroups nodeGroups) {
    Cpu minus(Cpu before) {
      return new Cpu(
          nodeNanos - before.nodeNanos,
          clientNanos - before.clientNanos,
          nodeGroups == null ? null : nodeGroups.minus(before.nodeGroups));
    }
  }

  abstract Cpu cpu();

  /** A one-line description of where the node, the embedded engine and the client ran. */
  abstract String placement();

  /** The node in the benchmark's JVM; its CPU is the CPU of Armeria's threads. */
  static final class InProcess extends NodeUnderTest {
    private final QuiverNode node;

    private InProcess(QuiverNode node, double embeddedQps, double embeddedCpuUs) {
      super(embeddedQps, embeddedCpuUs, node.httpPort(), node.grpcPort());
      this.node = node;
    }

    static InProcess start(
        ServingBench.Options o, Path embeddedDir, Path snapshot, Path nodeDir, float[][] queries)
        throws Exception {
      ServingBench.Embedded embedded =
          ServingBench.Embedded.measure(
              embeddedDir, queries, o.k(), o.threads(), o.warmupMs(), o.durationMs());
      QuiverNode node = QuiverNode.start(nodeConfig(nodeDir, o.searchThreads()));
      node.collections().recoverSnapshot("bench", snapshot.toUri(), null);
      return new InProcess(node, embedded.qps(), embedded.cpuUsPerQuery());
    }

    @Override
    Cpu cpu() {
      ThreadMXBean mx = ManagementFactory.getThreadMXBean();
      long armeria = 0;
      for (var t : mx.getThreadInfo(mx.getAllThreadIds())) {
        if (t != null && isNodeThread(t.getThreadName())) {
          armeria += Math.max(0, mx.getThreadCpuTime(t.getThreadId()));
        }
      }
      return new Cpu(armeria, PinnedNode.ProcessCpu.self() - armeria, null);
    }

    /** Armeria's event loops and blocking executor, and the node's search pool. */
    private static boolean isNodeThread(String name) {
      return name.startsWith("armeria-") || name.startsWith("quiver-search");
    }

    @Override
    String placement() {
      return "node and load generator in one JVM on loopback, sharing every core; node CPU is"
          + " Armeria's and the search pool's threads, client CPU the rest of the process";
    }

    @Override
    public void close() {
      node.close();
    }
  }

  /** The node in a child JVM under {@code taskset}, the benchmark's JVM pinned elsewhere. */
  static final class Pinned extends NodeUnderTest {
    private final Process process;
    private final BufferedReader out;
    private final String nodeCpus;
    private final String clientCpus;

    private Pinned(
        Process process,
        BufferedReader out,
        String nodeCpus,
        String clientCpus,
        double embeddedQps,
        double embeddedCpuUs,
        int httpPort,
        int grpcPort) {
      super(embeddedQps, embeddedCpuUs, httpPort, grpcPort);
      this.process = process;
      this.out = out;
      this.nodeCpus = nodeCpus;
      this.clientCpus = clientCpus;
    }

    static Pinned start(ServingBench.Options o, int dim, Path embeddedDir, Path snapshot, Path work)
        throws Exception {
      String[] pin = o.pin().split("/");
      pinSelf(pin[1]);
      List<String> command =
          PinnedNode.command(
              pin[0],
              List.of(
                  embeddedDir.toString(),
                  snapshot.toString(),
                  work.resolve("node").toString(),
                  Integer.toString(dim),
                  Integer.toString(o.queries()),
                  Long.toString(o.seed()),
                  Integer.toString(o.k()),
                  Integer.toString(o.threads()),
                  Long.toString(o.warmupMs()),
                  Long.toString(o.durationMs()),
                  Integer.toString(o.searchThreads())));
      Process process =
          new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
      try {
        BufferedReader out =
            new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String[] embedded = expectLine(out, "embedded", process);
        String[] ports = expectLine(out, "ports", process);
        return new Pinned(
            process,
            out,
            pin[0],
            pin[1],
            Double.parseDouble(embedded[1]),
            Double.parseDouble(embedded[2]),
            Integer.parseInt(ports[1]),
            Integer.parseInt(ports[2]));
      } catch (Exception e) {
        process.destroyForcibly();
        throw e;
      }
    }

    private static String[] expectLine(BufferedReader out, String tag, Process process)
        throws IOException {
      String line = out.readLine();
      while (line != null && !line.matches("[a-z]+ .*")) {
        System.err.println(line); // an agent's own output (a profiler's banner)
        line = out.readLine();
      }
      if (line == null || !line.startsWith(tag + " ")) {
        throw new IOException(
            "the node process (pid "
                + process.pid()
                + ") said "
                + (line == null ? "nothing and ended" : "'" + line + "'")
                + " where '"
                + tag
                + " ...' was due");
      }
      return line.split(" ");
    }

    /** Moves every thread of this JVM to {@code cpus}; threads started later inherit it. */
    private static void pinSelf(String cpus) throws IOException, InterruptedException {
      Process taskset =
          new ProcessBuilder(
                  "taskset", "-a", "-p", "-c", cpus, Long.toString(ProcessHandle.current().pid()))
              .redirectErrorStream(true)
              .start();
      String said = new String(taskset.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (taskset.waitFor() != 0) {
        throw new IOException(
            "taskset could not pin the load generator to CPUs " + cpus + ": " + said);
      }
    }

    @Override
    synchronized Cpu cpu() {
      try {
        OutputStream in = process.getOutputStream();
        in.write("cpu\n".getBytes(StandardCharsets.UTF_8));
        in.flush();
        PinnedNode.ThreadGroups groups =
            PinnedNode.ThreadGroups.parse(expectLine(out, "cpu", process));
        return new Cpu(groups.total(), PinnedNode.ProcessCpu.self(), groups);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    String placement() {
      return "node in its own JVM pinned to CPU "
          + nodeCpus
          + " (the embedded engine measured in that JVM, on that CPU, before the node started),"
          + " load generator pinned to CPU "
          + clientCpus
          + ", on loopback; CPU per request is each process's whole CPU time";
    }

    @Override
    public void close() throws Exception {
      OutputStream in = process.getOutputStream();
      in.close();
      if (!process.waitFor(60, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }

  /** A node on free loopback ports; {@code searchThreads} 0: one per core, as by default. */
  static ServerConfig nodeConfig(Path nodeDir, int searchThreads) {
    return new ServerConfig(
        new ServerConfig.Service("127.0.0.1", 0, 0, Optional.empty(), Optional.empty(), 32, false),
        ServerConfig.Tls.NONE,
        new ServerConfig.Storage(nodeDir, searchThreads),
        StrictMode.DEFAULTS);
  }
}
