package io.quiver.serving.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything a node is started with: the {@code quiver.yaml} file's content after defaults and
 * environment overrides, as {@link ConfigLoader} reads it.
 *
 * @param service ports, keys, request size (the {@code service} section)
 * @param tls certificate and key used when {@code service.enable_tls} is on (the {@code tls}
 *     section)
 * @param storage where collections live (the {@code storage} section)
 * @param strictMode per-request limits (the {@code strict_mode} section)
 */
public record ServerConfig(Service service, Tls tls, Storage storage, StrictMode strictMode) {

  /** A node on the default ports with no keys, storing under {@code ./storage}. */
  public static final ServerConfig DEFAULTS =
      new ServerConfig(
          Service.DEFAULTS, Tls.NONE, new Storage(Path.of("./storage")), StrictMode.DEFAULTS);

  /**
   * @param host the address both ports bind to
   * @param httpPort REST port; 0 picks a free one
   * @param grpcPort gRPC port; 0 picks a free one
   * @param apiKey the key that may read and write; empty: no key is asked for
   * @param readOnlyApiKey the key that may only read; empty: none
   * @param maxRequestSizeMb the largest request body accepted, in MiB
   * @param enableTls serve both ports over TLS with {@link Tls}'s certificate
   */
  public record Service(
      String host,
      int httpPort,
      int grpcPort,
      Optional<String> apiKey,
      Optional<String> readOnlyApiKey,
      int maxRequestSizeMb,
      boolean enableTls) {

    public static final Service DEFAULTS =
        new Service("0.0.0.0", 6333, 6334, Optional.empty(), Optional.empty(), 32, false);

    public long maxRequestSizeBytes() {
      return maxRequestSizeMb * 1024L * 1024L;
    }

    /** Whether any key is configured; without one every endpoint is open. */
    public boolean authEnabled() {
      return apiKey.isPresent() || readOnlyApiKey.isPresent();
    }
  }

  /**
   * @param cert PEM certificate chain file
   * @param key PEM private key file (PKCS#8)
   */
  public record Tls(Optional<Path> cert, Optional<Path> key) {
    public static final Tls NONE = new Tls(Optional.empty(), Optional.empty());
  }

  /**
   * @param storagePath the directory collections are stored under
   * @param maxSearchThreads threads that run searches and queries ({@code
   *     storage.performance.max_search_threads}, as in Qdrant); 0: one per core
   */
  public record Storage(Path storagePath, int maxSearchThreads) {

    public Storage {
      if (maxSearchThreads < 0) {
        throw new IllegalArgumentException(
            "storage.performance.max_search_threads must be >= 0, not " + maxSearchThreads);
      }
    }

    /** Storage under {@code storagePath} with one search thread per core. */
    public Storage(Path storagePath) {
      this(storagePath, 0);
    }

    /** The search pool's size: {@link #maxSearchThreads}, or the cores this JVM may use. */
    public int searchThreads() {
      return maxSearchThreads > 0 ? maxSearchThreads : Runtime.getRuntime().availableProcessors();
    }
  }
}
