package io.quiver.serving;

import io.qdrant.client.grpc.QdrantGrpc;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.util.Properties;
import java.util.jar.Manifest;

/**
 * What the node says about itself ({@code GET /}, gRPC {@code HealthCheck}).
 *
 * <p>{@code version} is the Qdrant API version Quiver speaks, not Quiver's own: the official
 * clients compare it with theirs on connect and warn unless major versions match and minor ones are
 * at most one apart. It is read from the {@code io.qdrant:client} jar whose protocol Quiver serves
 * ({@code X-Qdrant-Version} in its manifest). Quiver's own version is {@code quiverVersion}.
 *
 * @param title {@code quiver}
 * @param version the Qdrant API version, e.g. {@code 1.18.0}
 * @param commit the source commit, when known; null otherwise
 * @param quiverVersion Quiver's version, e.g. {@code 0.1.0-SNAPSHOT}
 */
public record ServerInfo(String title, String version, String commit, String quiverVersion) {

  private static final ServerInfo CURRENT = load();

  /** This build's. */
  public static ServerInfo current() {
    return CURRENT;
  }

  private static ServerInfo load() {
    Properties build = new Properties();
    try (InputStream in = ServerInfo.class.getResourceAsStream("version.properties")) {
      if (in != null) {
        build.load(in);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String quiverVersion = build.getProperty("quiver.version", "unknown");
    String qdrantVersion = qdrantApiVersion(build.getProperty("qdrant.client.version", "1.18.0"));
    String commit = build.getProperty("quiver.commit", "");
    return new ServerInfo("quiver", qdrantVersion, commit.isEmpty() ? null : commit, quiverVersion);
  }

  private static String qdrantApiVersion(String fallback) {
    URL clazz = QdrantGrpc.class.getResource("QdrantGrpc.class");
    if (clazz == null || !"jar".equals(clazz.getProtocol())) {
      return fallback;
    }
    try {
      URLConnection connection = clazz.openConnection();
      connection.setUseCaches(false);
      Manifest manifest = ((JarURLConnection) connection).getManifest();
      String version =
          manifest == null ? null : manifest.getMainAttributes().getValue("X-Qdrant-Version");
      if (version == null || version.isBlank()) {
        return fallback;
      }
      return version.startsWith("v") ? version.substring(1) : version;
    } catch (IOException e) {
      return fallback;
    }
  }
}
