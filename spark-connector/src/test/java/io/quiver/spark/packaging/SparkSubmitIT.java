package io.quiver.spark.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shaded jar on a plain Spark 4.1: a child JVM whose classpath is Spark's own jars (with
 * Spark's Jackson, lz4-java 1.8.0 and RoaringBitmap 1.3.0, which the engine also uses at other
 * versions) runs {@code org.apache.spark.deploy.SparkSubmit --jars <shaded jar>}, exactly what
 * {@code bin/spark-submit} runs, with {@link RoundTripJob}: a {@code format("quiver")} write and
 * read on {@code local[2]}.
 */
class SparkSubmitIT {

  private static final long TIMEOUT_SECONDS = 240;

  private static Path appJar;

  @TempDir static Path temp;

  @BeforeAll
  static void buildApplicationJar() throws IOException {
    appJar = temp.resolve("quiver-packaging-job.jar");
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(appJar))) {
      for (Class<?> job : List.of(RoundTripJob.class, RelocatedLz4Probe.class)) {
        String name = job.getName().replace('.', '/') + ".class";
        out.putNextEntry(new JarEntry(name));
        try (InputStream in = job.getClassLoader().getResourceAsStream(name)) {
          in.transferTo(out);
        }
        out.closeEntry();
      }
    }
  }

  @Test
  void sparkSubmitWithJarsWritesAndReadsBackBesideSparksOwnLibraries() throws Exception {
    Path shadedJar = PackagingBuild.shadedJar();
    List<String> command = new ArrayList<>();
    command.add(PackagingBuild.java().toString());
    command.addAll(PackagingBuild.sparkJvmArgs());
    command.addAll(
        List.of(
            "-Xmx1g",
            "-Djava.io.tmpdir=" + Files.createDirectories(temp.resolve("tmp")),
            "-cp",
            PackagingBuild.sparkClasspath(),
            "org.apache.spark.deploy.SparkSubmit",
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false",
            "--conf",
            "spark.log.level=WARN",
            "--conf",
            "spark.sql.shuffle.partitions=2",
            "--conf",
            "spark.driver.host=127.0.0.1",
            "--conf",
            "spark.driver.bindAddress=127.0.0.1",
            "--conf",
            "spark.local.dir=" + temp.resolve("spark-local"),
            "--jars",
            shadedJar.toString(),
            "--class",
            RoundTripJob.class.getName(),
            appJar.toString(),
            temp.resolve("collections").toString()));
    Map<String, String> report = run(command, "spark-submit.log");

    assertEquals("ok", report.get("round-trip"));
    assertEquals(shadedJar.toString(), report.get("quiver-connector"));
    // Spark's own copies stayed what Spark loads: the shaded jar carries none under these names.
    String sparkJars = PackagingBuild.sparkOwnVersions().toString() + File.separator;
    assertTrue(report.get("spark-lz4").startsWith(sparkJars + "lz4-java-"), report.toString());
    assertTrue(
        report.get("spark-roaringbitmap").startsWith(sparkJars + "RoaringBitmap-"),
        report.toString());
    assertTrue(report.get("spark-jackson").contains("jackson-databind-"), report.toString());
    // From a --jars class loader lz4-java does not try JNI (the system classpath: below).
    assertTrue(report.get("quiver-lz4").startsWith("LZ4Factory:Java"), report.toString());
  }

  /**
   * On the system classpath the relocated lz4-java tries its JNI binding first; the jar has no
   * native library for it (it could not bind to relocated classes), so it must fall back to Java.
   */
  @Test
  void relocatedLz4FallsBackToJavaOnTheSystemClasspath() throws Exception {
    Map<String, String> report =
        run(
            List.of(
                PackagingBuild.java().toString(),
                "-cp",
                PackagingBuild.shadedJar() + File.pathSeparator + appJar,
                RelocatedLz4Probe.class.getName()),
            "lz4-probe.log");
    assertTrue(report.get("quiver-lz4").startsWith("LZ4Factory:Java"), report.toString());
  }

  /**
   * Runs a child JVM to its end, its output in {@code target/packaging-it/<log>}, and returns the
   * {@code quiver-packaging: key=value} lines it printed; fails with the log's tail unless it exits
   * 0.
   */
  private static Map<String, String> run(List<String> command, String logName)
      throws IOException, InterruptedException {
    Path log = PackagingBuild.workDir().resolve(logName);
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.redirectOutput(log.toFile());
    // Spark otherwise looks for a non-loopback address and warns about it.
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process process = builder.start();
    process.getOutputStream().close();
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      fail("child JVM still running after " + TIMEOUT_SECONDS + " s; " + tail(log));
    }
    if (process.exitValue() != 0) {
      fail("child JVM exited with " + process.exitValue() + "; " + tail(log));
    }
    Map<String, String> report = new HashMap<>();
    for (String line : Files.readAllLines(log)) {
      int at = line.indexOf(RoundTripJob.REPORT);
      if (at >= 0) {
        String pair = line.substring(at + RoundTripJob.REPORT.length());
        int eq = pair.indexOf('=');
        report.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return report;
  }

  private static String tail(Path log) throws IOException {
    List<String> lines = Files.readAllLines(log);
    return "last lines of "
        + log
        + ":\n"
        + String.join("\n", lines.subList(Math.max(0, lines.size() - 80), lines.size()));
  }
}
