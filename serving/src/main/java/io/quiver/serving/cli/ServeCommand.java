package io.quiver.serving.cli;

import io.quiver.serving.QuiverNode;
import io.quiver.serving.QuiverServer;
import io.quiver.serving.config.ConfigException;
import io.quiver.serving.config.ConfigLoader;
import io.quiver.serving.config.ServerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code quiver serve}: runs a node until it is stopped (Ctrl-C or SIGTERM: a graceful stop). */
@Command(
    name = "serve",
    sortOptions = false,
    mixinStandardHelpOptions = true,
    description = {
      "Starts a Quiver node: Qdrant's REST API on port 6333 and its gRPC API (with Quiver's admin"
          + " API) on port 6334. Any Qdrant client can talk to it. Stop it with Ctrl-C; requests in"
          + " flight finish first.",
      ""
    },
    footer = {
      "",
      "Settings come from, later ones winning: built-in defaults, the --config file, QUIVER__*"
          + " environment variables, the options above. An environment variable names a setting"
          + " with double underscores: QUIVER__SERVICE__HTTP_PORT=7000 sets service.http_port.",
      "",
      "A quiver.yaml with every setting and its default:",
      "  service:",
      "    host: 0.0.0.0",
      "    http_port: 6333",
      "    grpc_port: 6334",
      "    api_key: <none>            # may read and write; no key: open to all",
      "    read_only_api_key: <none>  # may only read",
      "    max_request_size_mb: 32",
      "    enable_tls: false          # true: both ports use TLS (tls.cert, tls.key)",
      "  tls:",
      "    cert: <none>               # PEM certificate chain",
      "    key: <none>                # PEM private key (PKCS#8)",
      "  storage:",
      "    storage_path: ./storage",
      "    performance:",
      "      max_search_threads: 0    # threads for searches and queries; 0: one per core",
      "  strict_mode:                 # limits per request",
      "    max_query_limit: 100000",
      "    upsert_max_batchsize: 100000",
      "    search_max_hnsw_ef: 10000",
      "    filter_max_conditions: 1000",
      "    max_timeout: 60            # seconds; the per-request timeout",
      "",
      "Clients send the key in an 'api-key' header (or 'Authorization: Bearer <key>').",
      "",
      "Examples:",
      "  quiver serve",
      "  quiver serve --config quiver.yaml",
      "  QUIVER__SERVICE__API_KEY=secret quiver serve --http-port 7333 --grpc-port 7334",
      "  curl http://localhost:6333/healthz",
      ""
    })
final class ServeCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "YAML configuration file (settings below).")
  Path configFile;

  @Option(
      names = "--http-port",
      paramLabel = "PORT",
      description = "REST port (service.http_port, default 6333); 0 picks a free one.")
  String httpPort;

  @Option(
      names = "--grpc-port",
      paramLabel = "PORT",
      description = "gRPC port (service.grpc_port, default 6334); 0 picks a free one.")
  String grpcPort;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      description = "Address both ports bind to (service.host, default 0.0.0.0).")
  String host;

  @Option(
      names = "--storage",
      paramLabel = "PATH",
      description = "Directory the collections live in (storage.storage_path, default ./storage).")
  String storage;

  @Override
  public Integer call() throws IOException {
    ServerConfig config = config(System.getenv());
    Path storagePath = config.storage().storagePath();
    try {
      Files.createDirectories(storagePath);
    } catch (IOException e) {
      throw new ConfigException(
          "storage.storage_path", "cannot create directory " + storagePath + ": " + e);
    }
    QuiverNode node = QuiverNode.start(config);
    QuiverServer server = node.server();
    Runtime.getRuntime().addShutdownHook(new Thread(node::close, "quiver-shutdown"));
    PrintWriter out = spec.commandLine().getOut();
    String scheme = config.service().enableTls() ? "https" : "http";
    out.printf(
        "Quiver is serving. REST: %s://localhost:%d  gRPC: localhost:%d  storage: %s%n"
            + "Stop with Ctrl-C.%n",
        scheme, server.httpPort(), server.grpcPort(), storagePath.toAbsolutePath().normalize());
    out.flush();
    server.whenClosed().join();
    return 0;
  }

  /** The configuration these options, the given environment and the config file describe. */
  ServerConfig config(Map<String, String> environment) {
    ConfigLoader loader = new ConfigLoader();
    if (configFile != null) {
      loader.file(configFile);
    }
    loader.environment(environment);
    set(loader, "service.http_port", httpPort, "--http-port");
    set(loader, "service.grpc_port", grpcPort, "--grpc-port");
    set(loader, "service.host", host, "--host");
    set(loader, "storage.storage_path", storage, "--storage");
    return loader.load();
  }

  private static void set(ConfigLoader loader, String key, String value, String option) {
    if (value != null) {
      loader.set(key, value, "from option " + option);
    }
  }
}
