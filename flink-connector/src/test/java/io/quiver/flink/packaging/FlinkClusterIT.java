package io.quiver.flink.packaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.point.PointRecord;
import io.quiver.flink.TestNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar on a plain Flink 2.3 cluster, submitted as {@code bin/flink run} submits a job: a
 * standalone session cluster of two child JVMs, a JobManager and a TaskManager ({@link
 * StandaloneFlinkCluster}), whose classpath holds Flink's own jars and nothing of Quiver's, and a
 * client JVM running {@code CliFrontend run -c ClusterJob <job jar>}. The job jar is what a user
 * builds: the shaded jar's entries with the job's classes added, so the connector and its relocated
 * libraries load in Flink's child-first user-code class loader on the client and the TaskManager.
 * {@link ClusterJob} streams 1,000 upserts and 100 deletes through {@code QuiverSink} into a real
 * node in this JVM, which must end with exactly the 900 points left; the client also finds the
 * connector's table factory for {@code 'connector' = 'quiver'}.
 *
 * <p>The classpath is a distribution's {@code lib/} assembled from Maven artifacts (flink-dist is
 * not on Maven Central), written by this module's pom ({@code packaging-flink-*}). The bounded
 * build, which also needs Hadoop on the cluster, is not run here.
 */
class FlinkClusterIT {

  private static final Duration TIMEOUT = Duration.ofMinutes(4);
  private static final String COLLECTION = "packaging";

  @TempDir static Path temp;

  private static Path jobJar;
  private static TestNode node;
  private static StandaloneFlinkCluster cluster;

  @BeforeAll
  static void start() throws Exception {
    jobJar = buildJobJar(temp.resolve("quiver-flink-job.jar"));
    node = TestNode.start(Files.createDirectories(temp.resolve("node")));
    node.createCollection(COLLECTION, ClusterJob.DIM);
    cluster =
        StandaloneFlinkCluster.start(
            Files.createDirectories(temp.resolve("flink")),
            FlinkBuild.workDir().resolve("flink-cluster"));
  }

  @AfterAll
  static void stop() {
    try {
      if (cluster != null) {
        cluster.close();
      }
    } finally {
      if (node != null) {
        node.close();
      }
    }
  }

  @Test
  void flinkRunWritesThroughTheSinkFromTheUserCodeClassLoader() throws Exception {
    Map<String, String> report =
        flinkRun("client.log", ClusterJob.class, node.address(), COLLECTION);
    assertTrue(
        report.getOrDefault("job", "").startsWith("finished "),
        () -> report + "; " + cluster.logTails());
    assertEquals("false", report.get("connector-on-system-classpath"), report.toString());
    assertTrue(report.get("connector-loader").startsWith("org.apache.flink."), report.toString());
    assertEquals(jobJar.toString(), report.get("connector-jar"), report.toString());
    assertEquals(
        "io.quiver.flink.table.QuiverDynamicTableSinkFactory",
        report.get("table-factory"),
        report.toString());

    int deleted = ClusterJob.UPSERTS / ClusterJob.DELETE_EVERY;
    assertEquals(ClusterJob.UPSERTS - deleted, node.count(COLLECTION));
    Map<Long, PointRecord> points = node.points(COLLECTION, ClusterJob.UPSERTS);
    for (long id = 0; id < ClusterJob.UPSERTS; id++) {
      PointRecord p = points.get(id);
      if (id % ClusterJob.DELETE_EVERY == 0) {
        assertFalse(points.containsKey(id), "id " + id + " was deleted");
      } else {
        assertNotNull(p, "id " + id);
        assertArrayEquals(ClusterJob.vector(id), p.vectors().get(""), "vector of " + id);
      }
    }

    assertNothingRanAfterTheJob();
  }

  /**
   * grpc's shared event loop stops about a second after its last channel; the sink's own loop ends
   * in close(), before Flink releases the job's class loader. Nothing may run after it.
   */
  private static void assertNothingRanAfterTheJob() throws Exception {
    Thread.sleep(3_000);
    Path taskManagerLog = FlinkBuild.workDir().resolve("flink-cluster").resolve("taskmanager.log");
    String log = Files.readString(taskManagerLog);
    assertFalse(
        log.contains("NoClassDefFoundError") || log.contains("uncaught exception"),
        () -> "the task manager logged a class-loading failure after a job:\n" + log);
  }

  /**
   * The bounded build from the same jar, with Hadoop on the cluster's classpath as {@code
   * HADOOP_CLASSPATH} puts it: the version is committed under the snapshot root and the node it is
   * published to serves exactly the writes' final state.
   */
  @Test
  void flinkRunBuildsAVersionAndPublishesIt() throws Exception {
    Path root = Files.createDirectories(temp.resolve("snapshots"));
    String collection = "cluster_build";
    Map<String, String> report =
        flinkRun(
            "client-build.log",
            ClusterJob.Build.class,
            root.toUri().toString(),
            node.restAddress(),
            collection);
    assertEquals("version 1", report.get("build"), report.toString());
    assertTrue(Files.exists(root.resolve(collection).resolve("v1").resolve("manifest.json")));

    int deleted = ClusterJob.UPSERTS / ClusterJob.DELETE_EVERY;
    assertEquals(ClusterJob.UPSERTS - deleted, node.count(collection));
    Map<Long, PointRecord> points = node.points(collection, ClusterJob.UPSERTS);
    for (long id = 0; id < ClusterJob.UPSERTS; id++) {
      if (id % ClusterJob.DELETE_EVERY == 0) {
        assertFalse(points.containsKey(id), "id " + id + " was deleted");
      } else {
        assertArrayEquals(ClusterJob.vector(id), points.get(id).vectors().get(""), "id " + id);
      }
    }
    assertNothingRanAfterTheJob();
  }

  /**
   * {@code flink run -c <job> <job jar> <args>} against the cluster, which must exit 0; returns the
   * job's {@code quiver-packaging:} report from the client's output in {@code logName}.
   */
  private static Map<String, String> flinkRun(String logName, Class<?> job, String... args)
      throws Exception {
    cluster.awaitSlots(2, TIMEOUT);
    List<String> command =
        new ArrayList<>(
            List.of("run", "-m", cluster.restAddress(), "-c", job.getName(), jobJar.toString()));
    command.addAll(List.of(args));
    int exit = cluster.runClient(command, logName, TIMEOUT);
    assertEquals(0, exit, () -> "flink run exited with " + exit + "; " + cluster.logTails());
    return report(FlinkBuild.workDir().resolve("flink-cluster").resolve(logName));
  }

  /** The shaded jar's entries and the job's classes: a user's fat job jar. */
  private static Path buildJobJar(Path jar) throws IOException, URISyntaxException {
    try (JarFile shaded = new JarFile(FlinkBuild.shadedJar().toFile());
        JarOutputStream out =
            new JarOutputStream(Files.newOutputStream(jar), shaded.getManifest())) {
      Enumeration<JarEntry> entries = shaded.entries();
      while (entries.hasMoreElements()) {
        JarEntry entry = entries.nextElement();
        if (entry.getName().equalsIgnoreCase(JarFile.MANIFEST_NAME)) {
          continue;
        }
        out.putNextEntry(new JarEntry(entry.getName()));
        try (InputStream in = shaded.getInputStream(entry)) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
      for (Path cls : jobClasses()) {
        out.putNextEntry(
            new JarEntry(
                ClusterJob.class.getPackageName().replace('.', '/') + "/" + cls.getFileName()));
        Files.copy(cls, out);
        out.closeEntry();
      }
    }
    return jar;
  }

  /** {@code ClusterJob.class} and its nested classes, from the compiled test classes. */
  private static List<Path> jobClasses() throws IOException, URISyntaxException {
    Path dir =
        Path.of(ClusterJob.class.getResource(ClusterJob.class.getSimpleName() + ".class").toURI())
            .getParent();
    String name = ClusterJob.class.getSimpleName();
    try (Stream<Path> files = Files.list(dir)) {
      List<Path> classes = new ArrayList<>();
      files
          .filter(
              f -> {
                String n = f.getFileName().toString();
                return n.equals(name + ".class") || n.startsWith(name + "$");
              })
          .forEach(classes::add);
      return classes;
    }
  }

  /** The {@code quiver-packaging: key=value} lines the job printed. */
  private static Map<String, String> report(Path log) throws IOException {
    Map<String, String> report = new HashMap<>();
    for (String line : Files.readAllLines(log)) {
      int at = line.indexOf(ClusterJob.REPORT);
      if (at >= 0) {
        String pair = line.substring(at + ClusterJob.REPORT.length());
        int eq = pair.indexOf('=');
        report.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return report;
  }
}
