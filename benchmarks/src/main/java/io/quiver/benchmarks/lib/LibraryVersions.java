package io.quiver.benchmarks.lib;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Library versions as the build resolved them (filtered from the pom into a resource). */
final class LibraryVersions {

  private static final Properties VERSIONS = load();

  private LibraryVersions() {}

  static String get(String key) {
    return VERSIONS.getProperty(key, "unknown");
  }

  private static Properties load() {
    Properties p = new Properties();
    try (InputStream in =
        LibraryVersions.class.getResourceAsStream("/quiver-benchmarks.properties")) {
      if (in != null) {
        p.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return p;
  }
}
