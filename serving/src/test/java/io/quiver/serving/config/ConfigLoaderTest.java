package io.quiver.serving.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  @Test
  void defaultsWithoutAnySource() {
    ServerConfig config = new ConfigLoader().load();
    assertEquals(ServerConfig.DEFAULTS, config);
    assertEquals(6333, config.service().httpPort());
    assertEquals(6334, config.service().grpcPort());
    assertEquals(32L * 1024 * 1024, config.service().maxRequestSizeBytes());
    assertFalse(config.service().authEnabled());
  }

  @Test
  void yamlFileSetsEverySection() throws IOException {
    Path cert = Files.writeString(dir.resolve("cert.pem"), "cert");
    Path key = Files.writeString(dir.resolve("key.pem"), "key");
    Path yaml =
        write(
            """
            service:
              host: 127.0.0.1
              http_port: 7333
              grpc_port: 7334
              api_key: rw
              read_only_api_key: ro
              max_request_size_mb: 64
              enable_tls: true
            tls:
              cert: %s
              key: %s
            storage:
              storage_path: /data/quiver
            strict_mode:
              max_query_limit: 500
              upsert_max_batchsize: 1000
              search_max_hnsw_ef: 256
              filter_max_conditions: 16
              max_timeout: 5
            """
                .formatted(cert, key));

    ServerConfig config = new ConfigLoader().file(yaml).load();

    assertEquals(
        new ServerConfig.Service(
            "127.0.0.1", 7333, 7334, Optional.of("rw"), Optional.of("ro"), 64, true),
        config.service());
    assertEquals(new ServerConfig.Tls(Optional.of(cert), Optional.of(key)), config.tls());
    assertEquals(Path.of("/data/quiver"), config.storage().storagePath());
    assertEquals(new StrictMode(500, 1000, 256, 16, Duration.ofSeconds(5)), config.strictMode());
  }

  @Test
  void environmentOverridesFileAndOptionsOverrideEnvironment() throws IOException {
    Path yaml = write("service:\n  http_port: 7000\n  grpc_port: 7001\n");
    Map<String, String> env =
        Map.of(
            "QUIVER__SERVICE__HTTP_PORT", "8000",
            "QUIVER__STRICT_MODE__MAX_QUERY_LIMIT", "42",
            "QUIVER__STORAGE__STORAGE_PATH", "/from/env",
            "PATH", "/usr/bin",
            "QDRANT__SERVICE__HTTP_PORT", "1");

    ServerConfig config =
        new ConfigLoader()
            .file(yaml)
            .environment(env)
            .set("storage.storage_path", "/from/option", "from option --storage")
            .load();

    assertEquals(8000, config.service().httpPort());
    assertEquals(7001, config.service().grpcPort());
    assertEquals(42, config.strictMode().maxQueryLimit());
    assertEquals(Path.of("/from/option"), config.storage().storagePath());
  }

  @Test
  void badEnvironmentValueNamesKeyValueAndVariable() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                new ConfigLoader()
                    .environment(Map.of("QUIVER__SERVICE__HTTP_PORT", "http"))
                    .load());
    assertEquals("service.http_port", e.key());
    assertEquals(
        "service.http_port: expected an integer in [0, 65535]; got \"http\""
            + " (from environment variable QUIVER__SERVICE__HTTP_PORT)",
        e.getMessage());
  }

  @Test
  void badFileValueNamesKeyValueAndFile() throws IOException {
    Path yaml = write("service:\n  grpc_port: 70000\n  enable_tls: sometimes\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> new ConfigLoader().file(yaml).load());
    assertEquals(
        "service.grpc_port: expected an integer in [0, 65535]; got 70000 (in " + yaml + ")",
        e.getMessage());

    Path tls = write("service:\n  enable_tls: sometimes\n");
    ConfigException bool =
        assertThrows(ConfigException.class, () -> new ConfigLoader().file(tls).load());
    assertEquals(
        "service.enable_tls: expected true or false; got \"sometimes\" (in " + tls + ")",
        bool.getMessage());
  }

  @Test
  void searchThreadsDefaultToTheCoresAndRefuseNegatives() throws IOException {
    ServerConfig defaults = new ConfigLoader().load();
    assertEquals(0, defaults.storage().maxSearchThreads());
    assertEquals(Runtime.getRuntime().availableProcessors(), defaults.storage().searchThreads());

    Path yaml = write("storage:\n  performance:\n    max_search_threads: 3\n");
    assertEquals(3, new ConfigLoader().file(yaml).load().storage().searchThreads());

    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                new ConfigLoader()
                    .environment(Map.of("QUIVER__STORAGE__PERFORMANCE__MAX_SEARCH_THREADS", "-1"))
                    .load());
    assertEquals("storage.performance.max_search_threads", e.key());
    assertTrue(e.getMessage().contains("got \"-1\""), e.getMessage());
  }

  @Test
  void lowLimitsAreRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> new ConfigLoader().set("strict_mode.max_timeout", "0", "from option --x").load());
    assertEquals(
        "strict_mode.max_timeout: expected an integer >= 1; got \"0\" (from option --x)",
        e.getMessage());
  }

  @Test
  void unknownSettingIsRefusedWithTheKnownOnes() throws IOException {
    Path yaml = write("service:\n  htp_port: 7000\n");
    ConfigException e =
        assertThrows(ConfigException.class, () -> new ConfigLoader().file(yaml).load());
    assertEquals("service.htp_port", e.key());
    assertTrue(e.getMessage().contains("unknown setting (in " + yaml + ")"), e.getMessage());
    assertTrue(e.getMessage().contains("service.http_port"), e.getMessage());

    ConfigException env =
        assertThrows(
            ConfigException.class,
            () -> new ConfigLoader().environment(Map.of("QUIVER__SERVCE__HTTP_PORT", "1")).load());
    assertTrue(
        env.getMessage()
            .startsWith(
                "servce.http_port: unknown setting (from environment variable"
                    + " QUIVER__SERVCE__HTTP_PORT); the sections are"),
        env.getMessage());
  }

  @Test
  void samePortTwiceIsRefused() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                new ConfigLoader()
                    .set("service.http_port", "7000", "from option --http-port")
                    .set("service.grpc_port", "7000", "from option --grpc-port")
                    .load());
    assertTrue(e.getMessage().startsWith("service.grpc_port: must differ"), e.getMessage());
    // Two ephemeral ports are fine.
    new ConfigLoader().set("service.http_port", "0", "t").set("service.grpc_port", "0", "t").load();
  }

  @Test
  void sameKeyForBothRolesIsRefusedWithoutEchoingIt() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () ->
                new ConfigLoader()
                    .environment(
                        Map.of(
                            "QUIVER__SERVICE__API_KEY", "hunter2",
                            "QUIVER__SERVICE__READ_ONLY_API_KEY", "hunter2"))
                    .load());
    assertEquals("service.read_only_api_key", e.key());
    assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
  }

  @Test
  void emptyKeyMeansNoKeyAndBlankIsRefused() {
    ServerConfig open =
        new ConfigLoader().environment(Map.of("QUIVER__SERVICE__API_KEY", "")).load();
    assertFalse(open.service().authEnabled());
    ConfigException blank =
        assertThrows(
            ConfigException.class,
            () -> new ConfigLoader().environment(Map.of("QUIVER__SERVICE__API_KEY", "  ")).load());
    assertEquals("service.api_key", blank.key());
  }

  @Test
  void tlsNeedsReadableCertificateAndKey() throws IOException {
    ConfigException missing =
        assertThrows(
            ConfigException.class,
            () -> new ConfigLoader().set("service.enable_tls", "true", "t").load());
    assertEquals("tls.cert: required when service.enable_tls is true", missing.getMessage());

    Path cert = Files.writeString(dir.resolve("cert.pem"), "cert");
    ConfigException unreadable =
        assertThrows(
            ConfigException.class,
            () ->
                new ConfigLoader()
                    .set("service.enable_tls", "true", "t")
                    .set("tls.cert", cert.toString(), "t")
                    .set("tls.key", dir.resolve("nope.pem").toString(), "from option --key")
                    .load());
    assertTrue(
        unreadable.getMessage().startsWith("tls.key: cannot read file "), unreadable.getMessage());
  }

  @Test
  void fileProblemsNameTheFile() throws IOException {
    Path missing = dir.resolve("absent.yaml");
    ConfigException notThere =
        assertThrows(ConfigException.class, () -> new ConfigLoader().file(missing));
    assertEquals("config file " + missing + " does not exist", notThere.getMessage());

    Path broken = write("service:\n  http_port: [1,\n");
    ConfigException notYaml =
        assertThrows(ConfigException.class, () -> new ConfigLoader().file(broken));
    assertTrue(
        notYaml.getMessage().startsWith("config file " + broken + " is not valid YAML: "),
        notYaml.getMessage());
    assertTrue(notYaml.getMessage().contains("line "), notYaml.getMessage());

    Path list = write("- service\n");
    assertThrows(ConfigException.class, () -> new ConfigLoader().file(list));

    assertEquals(ServerConfig.DEFAULTS, new ConfigLoader().file(write("")).load());
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(Files.createTempFile(dir, "quiver", ".yaml"), yaml);
  }
}
