package io.quiver.flink.packaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A standalone Flink 2.3 session cluster in child JVMs, started as {@code bin/jobmanager.sh} and
 * {@code bin/taskmanager.sh} start it but without the scripts: a JobManager ({@code
 * StandaloneSessionClusterEntrypoint}) and one TaskManager ({@code TaskManagerRunner}) with two
 * slots, their classpath Flink's alone ({@link FlinkBuild#flinkClasspath()}), their configuration a
 * {@code config.yaml} in a folder of their own, bound to loopback. Jobs are submitted with {@code
 * CliFrontend}, what {@code bin/flink} runs. Every JVM's output goes to a log file; {@link
 * #logTails()} gives their ends for assertion messages.
 */
final class StandaloneFlinkCluster implements AutoCloseable {

  /**
   * What the distribution's config.yaml gives every Flink JVM on Java 17 ({@code
   * env.java.opts.all}).
   */
  private static final List<String> JAVA_17_OPTS =
      List.of(
          "--add-exports=java.base/sun.net.util=ALL-UNNAMED",
          "--add-exports=java.rmi/sun.rmi.registry=ALL-UNNAMED",
          "--add-exports=java.security.jgss/sun.security.krb5=ALL-UNNAMED",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.text=ALL-UNNAMED",
          "--add-opens=java.base/java.time=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.locks=ALL-UNNAMED");

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path confDir;
  private final Path pluginsDir;
  private final Path logDir;
  private final String classpath;
  private final int restPort;
  private final List<Process> processes = new ArrayList<>();
  private final List<Path> logs = new ArrayList<>();

  private StandaloneFlinkCluster(Path dir, Path logDir, String classpath, int restPort)
      throws IOException {
    this.confDir = Files.createDirectories(dir.resolve("conf"));
    this.pluginsDir = Files.createDirectories(dir.resolve("plugins"));
    this.logDir = Files.createDirectories(logDir);
    this.classpath = classpath;
    this.restPort = restPort;
  }

  /**
   * Writes the configuration under {@code dir}, starts the JobManager and the TaskManager, with
   * their logs in {@code logDir}, and returns without waiting for them; see {@link #awaitSlots(int,
   * Duration)}.
   */
  static StandaloneFlinkCluster start(Path dir, Path logDir) throws IOException {
    StandaloneFlinkCluster cluster =
        new StandaloneFlinkCluster(
            dir,
            logDir,
            // Flink's scripts append HADOOP_CLASSPATH to every JVM's classpath; the bounded build
            // needs Hadoop, the streaming sink does not use it.
            FlinkBuild.flinkClasspath() + File.pathSeparator + FlinkBuild.hadoopClasspath(),
            freePort());
    boolean started = false;
    try {
      cluster.writeConfiguration(dir, freePort());
      cluster.startJvm(
          "jobmanager",
          List.of("-Xmx512m", "-Xms512m"),
          "org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
      // Heap: framework + task heap; direct: framework + task off-heap + network (config.yaml).
      cluster.startJvm(
          "taskmanager",
          List.of(
              "-Xmx384m", "-Xms384m", "-XX:MaxDirectMemorySize=320m", "-XX:MaxMetaspaceSize=256m"),
          "org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
      started = true;
      return cluster;
    } finally {
      if (!started) {
        cluster.close();
      }
    }
  }

  String restAddress() {
    return "127.0.0.1:" + restPort;
  }

  /**
   * Waits until the JobManager's REST API reports {@code slots} task slots; fails with the logs
   * when a JVM ends first or {@code timeout} passes.
   */
  void awaitSlots(int slots, Duration timeout) throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    HttpRequest overview =
        HttpRequest.newBuilder(URI.create("http://" + restAddress() + "/overview"))
            .timeout(Duration.ofSeconds(10))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer yet";
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new AssertionError(
              "a Flink JVM exited with " + p.exitValue() + " while starting; " + logTails());
        }
      }
      try {
        HttpResponse<String> response = http.send(overview, HttpResponse.BodyHandlers.ofString());
        last = response.statusCode() + " " + response.body();
        if (response.statusCode() == 200) {
          JsonNode body = JSON.readTree(response.body());
          if (body.path("slots-total").asInt() >= slots) {
            return;
          }
        }
      } catch (IOException notListeningYet) {
        last = notListeningYet.toString();
      }
      // Polls, and notices a JobManager that ends meanwhile.
      processes.get(0).waitFor(250, TimeUnit.MILLISECONDS);
    }
    throw new AssertionError(
        "no "
            + slots
            + " slots after "
            + timeout.toSeconds()
            + " s; /overview: "
            + last
            + "; "
            + logTails());
  }

  /**
   * Runs {@code CliFrontend} with {@code args} (e.g. {@code run -c <class> <jar>}) to its end, its
   * output in {@code <logDir>/<logName>}; returns its exit code, or fails when it runs longer than
   * {@code timeout}.
   */
  int runClient(List<String> args, String logName, Duration timeout)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(FlinkBuild.java().toString());
    command.addAll(JAVA_17_OPTS);
    command.addAll(
        List.of(
            "-Xmx256m",
            "-Dlog4j.configurationFile=" + confDir.resolve("log4j-cli.properties").toUri(),
            "-cp",
            classpath,
            "org.apache.flink.client.cli.CliFrontend"));
    command.addAll(args);
    Process client = start(command, logName);
    try {
      if (!client.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
        throw new AssertionError(
            "the Flink client still running after " + timeout.toSeconds() + " s; " + logTails());
      }
      return client.exitValue();
    } finally {
      stop(client);
    }
  }

  /** The last lines of every JVM's log, for assertion messages. */
  String logTails() {
    StringBuilder s = new StringBuilder();
    for (Path log : logs) {
      s.append("\n--- last lines of ").append(log).append(" ---\n");
      try {
        List<String> lines = Files.readAllLines(log);
        s.append(String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
      } catch (IOException e) {
        s.append("(unreadable: ").append(e).append(')');
      }
    }
    return s.toString();
  }

  /** Stops the JobManager and the TaskManager (SIGTERM, then SIGKILL after 30 s). */
  @Override
  public void close() {
    for (Process p : processes) {
      stop(p);
    }
  }

  private void writeConfiguration(Path dir, int rpcPort) throws IOException {
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Map<String, String> conf =
        Map.ofEntries(
            Map.entry("jobmanager.rpc.address", "127.0.0.1"),
            Map.entry("jobmanager.rpc.port", String.valueOf(rpcPort)),
            Map.entry("jobmanager.bind-host", "127.0.0.1"),
            Map.entry("rest.address", "127.0.0.1"),
            Map.entry("rest.bind-address", "127.0.0.1"),
            Map.entry("rest.port", String.valueOf(restPort)),
            Map.entry("taskmanager.host", "127.0.0.1"),
            Map.entry("taskmanager.bind-host", "127.0.0.1"),
            Map.entry("taskmanager.numberOfTaskSlots", "2"),
            // A TaskManager started without the scripts needs its resources spelled out (the
            // scripts derive them from taskmanager.memory.process.size).
            Map.entry("taskmanager.cpu.cores", "2"),
            Map.entry("taskmanager.memory.framework.heap.size", "128m"),
            Map.entry("taskmanager.memory.task.heap.size", "256m"),
            Map.entry("taskmanager.memory.framework.off-heap.size", "128m"),
            Map.entry("taskmanager.memory.task.off-heap.size", "128m"),
            Map.entry("taskmanager.memory.network.min", "64m"),
            Map.entry("taskmanager.memory.network.max", "64m"),
            Map.entry("taskmanager.memory.managed.size", "64m"),
            Map.entry("taskmanager.memory.jvm-metaspace.size", "256m"),
            Map.entry("taskmanager.memory.jvm-overhead.min", "128m"),
            Map.entry("taskmanager.memory.jvm-overhead.max", "128m"),
            Map.entry("parallelism.default", "2"),
            Map.entry("restart-strategy.type", "none"),
            Map.entry("io.tmp.dirs", tmp.toString()),
            Map.entry("blob.storage.directory", tmp.resolve("blobs").toString()),
            // Generous: on a loaded machine a late heartbeat must not fail the job.
            Map.entry("heartbeat.timeout", "120000"));
    StringBuilder yaml = new StringBuilder();
    conf.entrySet().stream()
        .sorted(Map.Entry.comparingByKey())
        .forEach(e -> yaml.append(e.getKey()).append(": ").append(e.getValue()).append('\n'));
    Files.writeString(confDir.resolve("config.yaml"), yaml);
    String log4j =
        String.join(
            "\n",
            "rootLogger.level = INFO",
            "rootLogger.appenderRef.console.ref = console",
            "appender.console.type = Console",
            "appender.console.name = console",
            "appender.console.layout.type = PatternLayout",
            "appender.console.layout.pattern = %d{HH:mm:ss.SSS} %-5p %c{1} [%t]: %m%n",
            "");
    Files.writeString(confDir.resolve("log4j-console.properties"), log4j);
    Files.writeString(confDir.resolve("log4j-cli.properties"), log4j);
  }

  private void startJvm(String name, List<String> memory, String mainClass) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(FlinkBuild.java().toString());
    command.addAll(JAVA_17_OPTS);
    command.addAll(memory);
    command.addAll(
        List.of(
            "-Dlog4j.configurationFile=" + confDir.resolve("log4j-console.properties").toUri(),
            "-cp",
            classpath,
            mainClass,
            "--configDir",
            confDir.toString()));
    processes.add(start(command, name + ".log"));
  }

  private Process start(List<String> command, String logName) throws IOException {
    Path log = logDir.resolve(logName);
    logs.add(log);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    builder.environment().put("FLINK_CONF_DIR", confDir.toString());
    builder.environment().put("FLINK_PLUGINS_DIR", pluginsDir.toString());
    // A HADOOP_CLASSPATH or HADOOP_CONF_DIR of the machine's would reach Flink's Hadoop detection.
    builder.environment().remove("HADOOP_CLASSPATH");
    builder.environment().remove("HADOOP_CONF_DIR");
    Process process = builder.start();
    process.getOutputStream().close();
    return process;
  }

  private static void stop(Process process) {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroy();
    try {
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
