package io.quiver.flink.packaging;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

/**
 * What the build hands the packaging tests (failsafe's system properties in this module's pom): the
 * shaded jar, a plain Flink 2.3's classpath for child JVMs and a folder for logs.
 */
final class FlinkBuild {

  private FlinkBuild() {}

  static Path shadedJar() {
    Path jar = path("quiver.shadedJar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no shaded jar at " + jar + "; run mvn verify");
    }
    return jar;
  }

  /**
   * What a Flink 2.3 distribution's {@code lib/} holds, from Maven (flink-dist is not on Maven
   * Central): Flink's runtime, client, table and logging jars as this module resolves them, plus
   * Flink's own versions of slf4j-api, lz4-java and snappy-java, which this module resolves
   * differently.
   */
  static String flinkClasspath() throws IOException {
    List<String> entries =
        new ArrayList<>(
            Arrays.asList(
                Files.readString(path("quiver.flinkClasspath")).trim().split(File.pathSeparator)));
    try (Stream<Path> jars = Files.list(path("quiver.flinkJars"))) {
      jars.sorted().forEach(jar -> entries.add(jar.toString()));
    }
    return String.join(File.pathSeparator, entries);
  }

  /** Hadoop's client jars, as a Flink user adds them with {@code HADOOP_CLASSPATH}. */
  static String hadoopClasspath() throws IOException {
    return Files.readString(path("quiver.hadoopClasspath")).trim();
  }

  static Path workDir() throws IOException {
    return Files.createDirectories(path("quiver.workDir"));
  }

  static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  private static Path path(String property) {
    String value = System.getProperty(property);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "system property "
              + property
              + " is not set; these tests run through mvn verify (failsafe)");
    }
    return Path.of(value);
  }
}
