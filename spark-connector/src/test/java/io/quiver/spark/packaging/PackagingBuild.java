package io.quiver.spark.packaging;

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
 * shaded jar, Spark's classpath for a child JVM, Spark's JVM flags and a folder for logs.
 */
final class PackagingBuild {

  private PackagingBuild() {}

  static Path shadedJar() {
    Path jar = path("quiver.shadedJar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("no shaded jar at " + jar + "; run mvn verify");
    }
    return jar;
  }

  /**
   * Spark 4.1's runtime classpath without Quiver: the module's compile and provided dependencies
   * minus the engine and its own libraries, plus the lz4-java and RoaringBitmap that Spark ships.
   */
  static String sparkClasspath() throws IOException {
    List<String> entries =
        new ArrayList<>(
            Arrays.asList(
                Files.readString(path("quiver.sparkClasspath")).trim().split(File.pathSeparator)));
    try (Stream<Path> jars = Files.list(sparkOwnVersions())) {
      jars.sorted().forEach(jar -> entries.add(jar.toString()));
    }
    return String.join(File.pathSeparator, entries);
  }

  /** Where Spark's own lz4-java and RoaringBitmap were copied. */
  static Path sparkOwnVersions() {
    return path("quiver.sparkJars");
  }

  /** The flags Spark's launcher adds on Java 17 ({@code spark.jvm.args} in the pom). */
  static List<String> sparkJvmArgs() {
    return Arrays.asList(property("quiver.sparkJvmArgs").trim().split("\\s+"));
  }

  static Path workDir() throws IOException {
    return Files.createDirectories(path("quiver.workDir"));
  }

  static Path java() {
    return Path.of(System.getProperty("java.home"), "bin", "java");
  }

  private static Path path(String property) {
    return Path.of(property(property));
  }

  private static String property(String name) {
    String value = System.getProperty(name);
    if (value == null || value.isBlank()) {
      throw new IllegalStateException(
          "system property " + name + " is not set; these tests run through mvn verify (failsafe)");
    }
    return value;
  }
}
