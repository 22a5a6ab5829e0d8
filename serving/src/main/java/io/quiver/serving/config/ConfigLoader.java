package io.quiver.serving.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Reads a node's configuration: defaults, then a YAML file ({@code quiver.yaml}), then environment
 * variables, then single settings (the command line's flags); a later source wins. Environment
 * variables follow Qdrant's convention: {@code QUIVER__SERVICE__HTTP_PORT=7000} sets {@code
 * service.http_port}, a double underscore separating the levels.
 *
 * <pre>
 * service:
 *   host: 0.0.0.0
 *   http_port: 6333
 *   grpc_port: 6334
 *   api_key: secret            # read-write; no key configured = open
 *   read_only_api_key: peek    # read-only
 *   max_request_size_mb: 32
 *   enable_tls: false          # true: both ports serve TLS with tls.cert / tls.key
 * tls:
 *   cert: ./tls/cert.pem
 *   key: ./tls/key.pem
 * storage:
 *   storage_path: ./storage
 *   performance:
 *     max_search_threads: 0    # threads for searches and queries; 0: one per core
 * strict_mode:
 *   max_query_limit: 100000
 *   upsert_max_batchsize: 100000
 *   search_max_hnsw_ef: 10000
 *   filter_max_conditions: 1000
 *   max_timeout: 60            # seconds; also the per-request timeout
 * </pre>
 *
 * <p>Every problem is a {@link ConfigException} naming the setting, the value and its source;
 * unknown settings are refused so that a misspelt key does not pass silently. API key values are
 * never echoed.
 */
public final class ConfigLoader {
  public static final String ENV_PREFIX = "QUIVER__";

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  /** Every setting, so that unknown ones can be named. */
  private static final List<String> KNOWN_KEYS =
      List.of(
          "service.host",
          "service.http_port",
          "service.grpc_port",
          "service.api_key",
          "service.read_only_api_key",
          "service.max_request_size_mb",
          "service.enable_tls",
          "tls.cert",
          "tls.key",
          "storage.storage_path",
          "storage.performance.max_search_threads",
          "strict_mode.max_query_limit",
          "strict_mode.upsert_max_batchsize",
          "strict_mode.search_max_hnsw_ef",
          "strict_mode.filter_max_conditions",
          "strict_mode.max_timeout");

  /** gRPC message lengths are ints. */
  private static final int MAX_REQUEST_SIZE_MB = 2047;

  private final Map<String, JsonNode> values = new TreeMap<>();
  private final Map<String, String> sources = new HashMap<>();

  /** Starts from the defaults ({@link ServerConfig#DEFAULTS}). */
  public ConfigLoader() {}

  /** Reads a YAML file; its settings replace those read before. */
  public ConfigLoader file(Path path) {
    JsonNode root;
    try {
      root = YAML.readTree(Files.readString(path));
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + path + " does not exist", e);
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          "config file " + path + " is not valid YAML: " + e.getOriginalMessage() + location(e), e);
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + path + ": " + e.getMessage(), e);
    }
    if (root == null || root.isMissingNode() || root.isNull()) {
      return this; // an empty file
    }
    if (!root.isObject()) {
      throw new ConfigException(
          "config file " + path + " must hold a mapping of sections (service:, storage:, ...)",
          (Throwable) null);
    }
    flatten("", root, "in " + path);
    return this;
  }

  /** Applies {@code QUIVER__SECTION__KEY=value} variables from the given environment. */
  public ConfigLoader environment(Map<String, String> environment) {
    new TreeMap<>(environment)
        .forEach(
            (name, value) -> {
              if (name.startsWith(ENV_PREFIX) && name.length() > ENV_PREFIX.length()) {
                String key =
                    String.join(
                        ".",
                        name.substring(ENV_PREFIX.length()).toLowerCase(Locale.ROOT).split("__"));
                put(key, TextNode.valueOf(value), "from environment variable " + name);
              }
            });
    return this;
  }

  /** Sets one setting, e.g. from a command-line option; {@code source} says which. */
  public ConfigLoader set(String key, String value, String source) {
    put(key, TextNode.valueOf(value), source);
    return this;
  }

  /** Binds and checks everything read so far. */
  public ServerConfig load() {
    rejectUnknownKeys();
    ServerConfig.Service defaults = ServerConfig.Service.DEFAULTS;
    ServerConfig.Service service =
        new ServerConfig.Service(
            string("service.host").orElse(defaults.host()),
            intIn("service.http_port", 0, 65535, defaults.httpPort()),
            intIn("service.grpc_port", 0, 65535, defaults.grpcPort()),
            secret("service.api_key"),
            secret("service.read_only_api_key"),
            intIn(
                "service.max_request_size_mb", 1, MAX_REQUEST_SIZE_MB, defaults.maxRequestSizeMb()),
            bool("service.enable_tls", defaults.enableTls()));
    ServerConfig.Tls tls = new ServerConfig.Tls(path("tls.cert"), path("tls.key"));
    ServerConfig.Storage storage =
        new ServerConfig.Storage(
            path("storage.storage_path").orElse(ServerConfig.DEFAULTS.storage().storagePath()),
            intIn("storage.performance.max_search_threads", 0, 4096, 0));
    StrictMode strict = StrictMode.DEFAULTS;
    StrictMode strictMode =
        new StrictMode(
            intIn("strict_mode.max_query_limit", 1, Integer.MAX_VALUE, strict.maxQueryLimit()),
            intIn(
                "strict_mode.upsert_max_batchsize",
                1,
                Integer.MAX_VALUE,
                strict.upsertMaxBatchSize()),
            intIn("strict_mode.search_max_hnsw_ef", 1, Integer.MAX_VALUE, strict.searchMaxHnswEf()),
            intIn(
                "strict_mode.filter_max_conditions",
                1,
                Integer.MAX_VALUE,
                strict.filterMaxConditions()),
            Duration.ofSeconds(
                intIn(
                    "strict_mode.max_timeout",
                    1,
                    Integer.MAX_VALUE,
                    (int) strict.maxTimeout().toSeconds())));
    checkTogether(service, tls);
    return new ServerConfig(service, tls, storage, strictMode);
  }

  private void checkTogether(ServerConfig.Service service, ServerConfig.Tls tls) {
    if (service.httpPort() != 0 && service.httpPort() == service.grpcPort()) {
      throw new ConfigException(
          "service.grpc_port",
          "must differ from service.http_port; both are "
              + service.httpPort()
              + sourceOf("service.grpc_port"));
    }
    if (service.apiKey().isPresent() && service.apiKey().equals(service.readOnlyApiKey())) {
      throw new ConfigException(
          "service.read_only_api_key",
          "must differ from service.api_key, or a read-only client could write"
              + sourceOf("service.read_only_api_key"));
    }
    if (service.enableTls()) {
      for (String key : List.of("tls.cert", "tls.key")) {
        Optional<Path> file = key.equals("tls.cert") ? tls.cert() : tls.key();
        if (file.isEmpty()) {
          throw new ConfigException(key, "required when service.enable_tls is true");
        }
        if (!Files.isReadable(file.get())) {
          throw new ConfigException(
              key, "cannot read file " + file.get().toAbsolutePath() + sourceOf(key));
        }
      }
    }
  }

  private void rejectUnknownKeys() {
    for (String key : values.keySet()) {
      if (!KNOWN_KEYS.contains(key)) {
        String section = key.contains(".") ? key.substring(0, key.indexOf('.')) : key;
        List<String> siblings = new ArrayList<>();
        for (String known : KNOWN_KEYS) {
          if (known.startsWith(section + ".")) {
            siblings.add(known);
          }
        }
        throw new ConfigException(
            key,
            "unknown setting"
                + sourceOf(key)
                + "; "
                + (siblings.isEmpty()
                    ? "the sections are service, tls, storage and strict_mode"
                    : "known in this section: " + String.join(", ", siblings)));
      }
    }
  }

  private void flatten(String prefix, JsonNode node, String source) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String key = prefix.isEmpty() ? field.getKey() : prefix + "." + field.getKey();
      if (field.getValue().isObject()) {
        flatten(key, field.getValue(), source);
      } else {
        put(key, field.getValue(), source);
      }
    }
  }

  private void put(String key, JsonNode value, String source) {
    values.put(key, value);
    sources.put(key, source);
  }

  /** The value, or empty when unset, YAML null or an empty string. */
  private Optional<JsonNode> value(String key) {
    JsonNode node = values.get(key);
    if (node == null || node.isNull() || (node.isTextual() && node.asText().isEmpty())) {
      return Optional.empty();
    }
    return Optional.of(node);
  }

  private Optional<String> string(String key) {
    return value(key)
        .map(
            node -> {
              if (!node.isValueNode()) {
                throw invalid(key, "expected a string", node);
              }
              return node.asText();
            });
  }

  private Optional<String> secret(String key) {
    return value(key)
        .map(
            node -> {
              if (!node.isValueNode() || node.asText().isBlank()) {
                // The value is a secret: say what is wrong, never what it is.
                throw new ConfigException(key, "expected a non-blank string" + sourceOf(key));
              }
              return node.asText();
            });
  }

  private Optional<Path> path(String key) {
    return string(key).map(Path::of);
  }

  private int intIn(String key, int min, int max, int defaultValue) {
    Optional<JsonNode> node = value(key);
    if (node.isEmpty()) {
      return defaultValue;
    }
    String expected =
        "expected an integer "
            + (max == Integer.MAX_VALUE ? ">= " + min : "in [" + min + ", " + max + "]");
    long parsed;
    JsonNode n = node.get();
    if (n.isIntegralNumber() && n.canConvertToLong()) {
      parsed = n.asLong();
    } else if (n.isTextual()) {
      try {
        parsed = Long.parseLong(n.asText().trim());
      } catch (NumberFormatException e) {
        throw invalid(key, expected, n);
      }
    } else {
      throw invalid(key, expected, n);
    }
    if (parsed < min || parsed > max) {
      throw invalid(key, expected, n);
    }
    return (int) parsed;
  }

  private boolean bool(String key, boolean defaultValue) {
    Optional<JsonNode> node = value(key);
    if (node.isEmpty()) {
      return defaultValue;
    }
    JsonNode n = node.get();
    if (n.isBoolean()) {
      return n.asBoolean();
    }
    if (n.isTextual()) {
      String text = n.asText().trim().toLowerCase(Locale.ROOT);
      if (text.equals("true") || text.equals("false")) {
        return Boolean.parseBoolean(text);
      }
    }
    throw invalid(key, "expected true or false", n);
  }

  private ConfigException invalid(String key, String expected, JsonNode value) {
    return new ConfigException(key, expected + "; got " + value + sourceOf(key));
  }

  private String sourceOf(String key) {
    String source = sources.get(key);
    return source == null ? "" : " (" + source + ")";
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null
        ? ""
        : " at line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr();
  }
}
