package io.quiver.serving.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.engine.store.FileTrees;
import io.quiver.serving.QuiverNode;
import io.quiver.serving.config.ConfigException;
import io.quiver.serving.config.ConfigLoader;
import io.quiver.serving.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.BindException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code quiver quickstart}: the whole path on real data in one command. It starts a node, builds
 * the bundled SIFT and Cohere sets with the Spark connector on an embedded {@code local[*]} Spark
 * (in a child JVM on the connector's classpath, as a Spark job would run), publishes them to the
 * node, queries them over gRPC, prints build time, recall@10 against the exact ground truth and
 * latency, and keeps serving.
 */
@Command(
    name = "quickstart",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    description = {
      "Builds the bundled real datasets (5,000 SIFT vectors, 900 Cohere Wikipedia embeddings) with"
          + " Spark into a local directory, starts a node, publishes them, runs their queries and"
          + " prints build time, recall@10 and latency. Then it keeps serving on 6333/6334 until"
          + " Ctrl-C (or exits with --exit).",
      ""
    })
final class QuickstartCommand implements Callable<Integer> {

  /** The bundled datasets: collection, distance, files under the data directory. */
  private static final List<String[]> DATASETS =
      List.of(
          new String[] {
            "sift5k",
            "Euclid",
            "sift5k/sift5k_base.fvecs",
            "sift5k/sift5k_query.fvecs",
            "sift5k/sift5k_groundtruth_l2_top100.ivecs"
          },
          new String[] {
            "cohere1k",
            "Dot",
            "cohere1k/cohere1k_base.fvecs",
            "cohere1k/cohere1k_query.fvecs",
            "cohere1k/cohere1k_groundtruth_ip_top100.ivecs"
          });

  /** Where the data ships in the repository. */
  static final String DATA_IN_REPOSITORY = "spark-connector/src/quickstart/data";

  /**
   * The module access Spark needs on Java 17, as its launcher adds it (Spark's JavaModuleOptions;
   * the same list is the connector's {@code spark.jvm.args} in its pom).
   */
  private static final List<String> SPARK_JVM_ARGS =
      List.of(
          "-XX:+IgnoreUnrecognizedVMOptions",
          "--add-opens=java.base/java.lang=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.invoke=ALL-UNNAMED",
          "--add-opens=java.base/java.lang.reflect=ALL-UNNAMED",
          "--add-opens=java.base/java.io=ALL-UNNAMED",
          "--add-opens=java.base/java.net=ALL-UNNAMED",
          "--add-opens=java.base/java.nio=ALL-UNNAMED",
          "--add-opens=java.base/java.util=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent=ALL-UNNAMED",
          "--add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED",
          "--add-opens=java.base/jdk.internal.ref=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
          "--add-opens=java.base/sun.nio.cs=ALL-UNNAMED",
          "--add-opens=java.base/sun.security.action=ALL-UNNAMED",
          "--add-opens=java.base/sun.util.calendar=ALL-UNNAMED",
          "-Djdk.reflect.useDirectMethodHandle=false",
          "-Dio.netty.tryReflectionSetAccessible=true");

  /** Spark's console logging for the child: warnings only, one short line each. */
  private static final String SPARK_LOG4J2 =
      String.join(
          "\n",
          "rootLogger.level = warn",
          "rootLogger.appenderRef.stderr.ref = console",
          "appender.console.type = Console",
          "appender.console.name = console",
          "appender.console.target = SYSTEM_ERR",
          "appender.console.layout.type = PatternLayout",
          "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n",
          "logger.nativecode.name = org.apache.hadoop.util.NativeCodeLoader",
          "logger.nativecode.level = error",
          "");

  private static final String MARKER = ".quiver-quickstart";

  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      description =
          "Working directory: Spark writes the collections to DIR/lake, the node keeps its"
              + " storage in DIR/storage; both are replaced on every run (default"
              + " ./quiver-quickstart).")
  Path dir = Path.of("quiver-quickstart");

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description = "The bundled datasets (default: " + DATA_IN_REPOSITORY + " in the checkout).")
  Path data;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      description = "REST port (default 6333); 0 picks a free one.")
  int httpPort = 6333;

  @Option(
      names = "--grpc-port",
      paramLabel = "PORT",
      description = "gRPC port (default 6334); 0 picks a free one.")
  int grpcPort = 6334;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      description = "Address the node binds to (default 127.0.0.1: this machine only).")
  String host = "127.0.0.1";

  @Option(
      names = "--shards",
      paramLabel = "N",
      description = "Shards per collection, each built by its own Spark task (default 2).")
  int shards = 2;

  @Option(
      names = "--rounds",
      paramLabel = "N",
      description = "Times each query is sent for the latency figures (default 10).")
  int rounds = 10;

  @Option(
      names = "--exit",
      description = "Exit after the report instead of serving (for scripts and tests).")
  boolean exit;

  @Option(
      names = "--spark-classpath",
      paramLabel = "CLASSPATH",
      defaultValue = "${env:QUIVER_SPARK_CLASSPATH}",
      description =
          "Classpath of the Spark job: Spark and the quiver connector (bin/quiver sets it from"
              + " the connector module's build).")
  String sparkClasspath;

  @Override
  public Integer call() throws IOException, InterruptedException {
    PrintWriter out = spec.commandLine().getOut();
    Path dataDir = dataDirectory();
    if (sparkClasspath == null || sparkClasspath.isBlank()) {
      throw new ConfigException(
          "--spark-classpath",
          "not set: the quickstart runs the Spark connector; start it with bin/quiver quickstart,"
              + " which builds the connector and sets QUIVER_SPARK_CLASSPATH");
    }
    claimWorkDirectory();
    Path lake = emptied(dir.resolve("lake"));
    Path storage = emptied(dir.resolve("storage"));

    out.printf("Quiver quickstart%n  data: %s%n  work: %s%n", dataDir, dir.toAbsolutePath());
    long start = System.nanoTime();
    QuiverNode node = startNode(storage);
    boolean serving = false;
    try {
      out.printf(
          Locale.ROOT,
          "Node up in %.1f s: REST http://%s:%d  gRPC %s:%d%n%n",
          seconds(start),
          host,
          node.httpPort(),
          host,
          node.grpcPort());
      out.flush();

      JsonNode built = runSparkJob(dataDir, lake, node.httpPort());
      report(out, dataDir, built, node);
      if (exit) {
        return 0;
      }
      serving = true;
    } finally {
      if (!serving) {
        node.close();
      }
    }
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "quiver-shutdown"));
    out.println("Serving until Ctrl-C.");
    out.flush();
    node.server().whenClosed().join();
    return 0;
  }

  private Path dataDirectory() {
    if (data != null) {
      return check(data, "--data");
    }
    String home = System.getenv("QUIVER_HOME");
    if (home != null) {
      return check(Path.of(home).resolve(DATA_IN_REPOSITORY), "QUIVER_HOME");
    }
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      if (Files.isDirectory(p.resolve(DATA_IN_REPOSITORY))) {
        return p.resolve(DATA_IN_REPOSITORY);
      }
    }
    throw new ConfigException(
        "--data",
        "not set and no " + DATA_IN_REPOSITORY + " above " + Path.of("").toAbsolutePath());
  }

  private static Path check(Path dataDir, String source) {
    for (String[] dataset : DATASETS) {
      for (int i = 2; i < 5; i++) {
        if (!Files.isRegularFile(dataDir.resolve(dataset[i]))) {
          throw new ConfigException(
              source, "the data directory " + dataDir + " has no " + dataset[i]);
        }
      }
    }
    return dataDir.toAbsolutePath().normalize();
  }

  /** Marks the working directory as the quickstart's, refusing one with other content. */
  private void claimWorkDirectory() throws IOException {
    if (Files.isDirectory(dir) && !Files.exists(dir.resolve(MARKER))) {
      try (var entries = Files.list(dir)) {
        if (entries.findAny().isPresent()) {
          throw new ConfigException(
              "--dir", dir.toAbsolutePath() + " is not empty and was not made by the quickstart");
        }
      }
    }
    Files.createDirectories(dir);
    Files.writeString(dir.resolve(MARKER), "made by quiver quickstart; replaced on every run\n");
  }

  private static Path emptied(Path sub) throws IOException {
    FileTrees.delete(sub);
    Files.createDirectories(sub);
    return sub.toAbsolutePath();
  }

  private QuiverNode startNode(Path storage) throws IOException {
    ServerConfig config =
        new ConfigLoader()
            .set("service.host", host, "from option --host")
            .set("service.http_port", Integer.toString(httpPort), "from option --http-port")
            .set("service.grpc_port", Integer.toString(grpcPort), "from option --grpc-port")
            .set("storage.storage_path", storage.toString(), "quickstart storage")
            .load();
    try {
      return QuiverNode.start(config);
    } catch (RuntimeException e) {
      for (Throwable t = e; t != null; t = t.getCause()) {
        if (t instanceof BindException) {
          throw new ConfigException(
              "--http-port/--grpc-port",
              "port "
                  + httpPort
                  + " or "
                  + grpcPort
                  + " is in use (another quiver or Qdrant?); stop it or choose other ports");
        }
      }
      throw e;
    }
  }

  /** Runs {@code QuickstartJob} in a child JVM and returns its report. */
  private JsonNode runSparkJob(Path dataDir, Path lake, int nodeHttpPort)
      throws IOException, InterruptedException {
    Path log4j = Files.createTempFile("quiver-quickstart-log4j2", ".properties");
    Path reportFile = dir.toAbsolutePath().resolve("spark-report.json");
    Files.deleteIfExists(reportFile);
    try {
      Files.writeString(log4j, SPARK_LOG4J2);
      List<String> command = new ArrayList<>();
      command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
      command.addAll(SPARK_JVM_ARGS);
      command.add("--add-modules=jdk.incubator.vector");
      command.add("-Xmx2g");
      command.add("-Dlog4j2.configurationFile=" + log4j.toUri());
      command.addAll(List.of("-cp", sparkClasspath, "io.quiver.spark.quickstart.QuickstartJob"));
      command.addAll(List.of("--lake", lake.toString(), "--report", reportFile.toString()));
      command.addAll(List.of("--publish", "http://" + loopback() + ":" + nodeHttpPort));
      command.addAll(List.of("--shards", Integer.toString(shards)));
      // The bundled segments are smaller than Qdrant's default full_scan_threshold (10 MB), under
      // which a segment is searched exactly; 0 makes them use the HNSW graph, as large ones do.
      command.addAll(List.of("--full-scan-threshold", "0"));
      for (String[] dataset : DATASETS) {
        command.add(dataset[0] + ":" + dataset[1] + ":" + dataDir.resolve(dataset[2]));
      }
      ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
      Map<String, String> env = builder.environment();
      env.putIfAbsent("SPARK_LOCAL_IP", "127.0.0.1");
      PrintWriter out = spec.commandLine().getOut();
      out.println("Building with Spark (a child JVM on the connector's classpath) ...");
      out.flush();
      Process process = builder.start();
      int exitCode = process.waitFor();
      if (exitCode != 0 || !Files.exists(reportFile)) {
        throw new IllegalStateException(
            "the Spark build failed (exit code " + exitCode + "); its output is above");
      }
      return new ObjectMapper().readTree(reportFile.toFile());
    } finally {
      Files.deleteIfExists(log4j);
    }
  }

  private String loopback() {
    return host.equals("0.0.0.0") || host.equals("::") ? "127.0.0.1" : host;
  }

  private void report(PrintWriter out, Path dataDir, JsonNode built, QuiverNode node)
      throws IOException {
    Map<String, JsonNode> buildByCollection = new HashMap<>();
    for (JsonNode c : built.path("collections")) {
      buildByCollection.put(c.path("collection").asText(), c);
    }
    QuickstartQueries queries = new QuickstartQueries(loopback(), node.grpcPort());
    List<QuickstartQueries.Dataset> datasets = new ArrayList<>();
    for (String[] files : DATASETS) {
      datasets.add(
          QuickstartQueries.Dataset.load(
              files[0],
              files[1],
              dataDir.resolve(files[2]),
              dataDir.resolve(files[3]),
              dataDir.resolve(files[4])));
    }
    out.printf(
        Locale.ROOT,
        "%nQuerying over gRPC (Qdrant's Points/Search): %d queries per collection, each sent"
            + " %d time%s, one at a time, for the latency.%n%n",
        datasets.get(0).queries().length,
        rounds,
        rounds == 1 ? "" : "s");
    out.printf(
        Locale.ROOT,
        "%-9s %7s %5s %-8s %8s  %-30s %8s %8s %8s %7s%n",
        "",
        "points",
        "dim",
        "distance",
        "build",
        "recall@10: ef 100 | 200 | exact",
        "p50",
        "p95",
        "p99",
        "QPS");
    String sample = datasets.get(0).collection();
    for (QuickstartQueries.Dataset dataset : datasets) {
      long served = node.collections().count(dataset.collection(), null);
      double atDefault = queries.recall(dataset, 0, false);
      double at200 = queries.recall(dataset, 200, false);
      double exact = queries.recall(dataset, 0, true);
      QuickstartQueries.Latency latency = queries.latency(dataset, rounds);
      out.printf(
          Locale.ROOT,
          "%-9s %,7d %5d %-8s %6.1f s  %-30s %5.2f ms %5.2f ms %5.2f ms %,7.0f%n",
          dataset.collection(),
          served,
          dataset.base()[0].length,
          dataset.distance(),
          buildByCollection.get(dataset.collection()).path("seconds").asDouble(),
          String.format(Locale.ROOT, "%.3f | %.3f | %.3f", atDefault, at200, exact),
          latency.p50(),
          latency.p95(),
          latency.p99(),
          latency.qps());
      out.flush();
    }
    String rest = "http://" + loopback() + ":" + node.httpPort();
    out.printf(
        Locale.ROOT,
        "%nBuild time is the Spark write of each collection: segments built in %d tasks, the"
            + " manifest committed, the node's cut-over to the new version.%n"
            + "The segments are searched through their HNSW graphs (m 16, ef_construct 100);"
            + " ef 100 is the default. SIFT's queries lie far from these 5,000 points, a hard"
            + " case for every HNSW library (~0.93 at ef 100).%n%n"
            + "Try next (Qdrant's API; any Qdrant client works against %s and gRPC port %d):%n"
            + "  curl %s/collections%n"
            + "  curl -H 'content-type: application/json' %s/collections/%s/points/query \\%n"
            + "       -d '{\"query\": 42, \"limit\": 3, \"with_payload\": true, \"filter\": {\"must\": [{\"key\":"
            + " \"bucket\", \"match\": {\"value\": 2}}]}}'%n"
            + "  python3 -c 'from qdrant_client import QdrantClient;"
            + " print(QdrantClient(\"%s\").get_collection(\"%s\"))'%n"
            + "  Spark's output (a versioned snapshot per collection): %s%n%n",
        shards,
        rest,
        node.grpcPort(),
        rest,
        rest,
        sample,
        rest,
        sample,
        dir.toAbsolutePath().resolve("lake"));
    out.flush();
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
