package io.quiver.flink.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.payload.FieldIndexKind;
import io.quiver.engine.snapshot.store.CollectionLayout;
import io.quiver.engine.snapshot.store.NodePublisher;
import io.quiver.flink.QuiverRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Builds a {@link QuiverBuildSink}. Path, collection, config and a record converter are required;
 * every setter checks its value and {@link #build} the whole, with messages that name the setter.
 * {@link #build} also chooses the version: one above every version folder under the path.
 */
public final class QuiverBuildSinkBuilder<IN> {

  public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofMinutes(10);
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private String path;
  private String collection;
  private String configJson;
  private int shards = 1;
  private final Map<String, String> payloadIndexes = new LinkedHashMap<>();
  private int threads = 1;
  private String localDir;
  private final Map<String, String> hadoopConf = new LinkedHashMap<>();
  private String publish;
  private String apiKey;
  private Duration publishTimeout = DEFAULT_PUBLISH_TIMEOUT;
  private SerializableFunction<IN, QuiverRecord> converter;

  QuiverBuildSinkBuilder() {}

  /** The snapshot root, a Hadoop FileSystem URI ({@code hdfs://...}, {@code file:///...}). */
  public QuiverBuildSinkBuilder<IN> setPath(String path) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("quiver build: setPath: the path is empty");
    }
    this.path = path;
    return this;
  }

  public QuiverBuildSinkBuilder<IN> setCollection(String collection) {
    try {
      this.collection = CollectionLayout.checkCollectionName(collection);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("quiver build: setCollection: " + e.getMessage(), e);
    }
    return this;
  }

  /**
   * The collection config as Qdrant's create-collection JSON: {@code vectors} (sizes and
   * distances), and optionally {@code hnsw_config} and {@code quantization_config}.
   */
  public QuiverBuildSinkBuilder<IN> setConfig(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json == null ? "" : json);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(
          "quiver build: setConfig: not JSON: " + e.getOriginalMessage(), e);
    }
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "quiver build: setConfig: expected a JSON object such as {\"vectors\": {\"size\": 768,"
              + " \"distance\": \"Cosine\"}}; got "
              + json);
    }
    try {
      this.configJson = CollectionConfig.fromJson(node).toJson().toString();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("quiver build: setConfig: " + e.getMessage(), e);
    }
    return this;
  }

  /** How many shards the collection has (default 1); each is built into one segment. */
  public QuiverBuildSinkBuilder<IN> setShards(int shards) {
    if (shards < 1 || shards > 4096) {
      throw new IllegalArgumentException(
          "quiver build: setShards: must be in [1, 4096]; got " + shards);
    }
    this.shards = shards;
    return this;
  }

  /** A payload field index built with the segments: {@code keyword}, {@code integer}, ... */
  public QuiverBuildSinkBuilder<IN> setPayloadIndex(String field, String schema) {
    if (field == null || field.isEmpty()) {
      throw new IllegalArgumentException("quiver build: setPayloadIndex: the field is empty");
    }
    try {
      FieldIndexKind.fromSchema(schema);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "quiver build: setPayloadIndex('" + field + "'): " + e.getMessage(), e);
    }
    payloadIndexes.put(field, schema);
    return this;
  }

  /** HNSW build threads per writer subtask (default 1, a slot's share of the machine). */
  public QuiverBuildSinkBuilder<IN> setThreads(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException(
          "quiver build: setThreads: must be at least 1; got " + threads);
    }
    this.threads = threads;
    return this;
  }

  /** A local folder for spill files and segments being built (default: java.io.tmpdir). */
  public QuiverBuildSinkBuilder<IN> setLocalDir(String dir) {
    this.localDir = dir;
    return this;
  }

  /** A Hadoop configuration entry for the snapshot's file system (credentials, endpoints). */
  public QuiverBuildSinkBuilder<IN> setHadoopProperty(String key, String value) {
    hadoopConf.put(key, value);
    return this;
  }

  /** A node's REST address ({@code http://host:6333}): it serves the version once committed. */
  public QuiverBuildSinkBuilder<IN> setPublish(String node) {
    NodePublisher.parse(node, "quiver build: setPublish");
    this.publish = node;
    return this;
  }

  /** The node's read-write API key, for {@link #setPublish}. */
  public QuiverBuildSinkBuilder<IN> setApiKey(String apiKey) {
    this.apiKey = apiKey;
    return this;
  }

  /** How long to wait for the node to load the version (default 10 minutes). */
  public QuiverBuildSinkBuilder<IN> setPublishTimeout(Duration timeout) {
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "quiver build: setPublishTimeout: must be positive; got " + timeout);
    }
    this.publishTimeout = timeout;
    return this;
  }

  /** Turns each element into an upsert or a delete; see {@link QuiverRecord}. */
  public QuiverBuildSinkBuilder<IN> setRecordConverter(
      SerializableFunction<IN, QuiverRecord> converter) {
    this.converter = converter;
    return this;
  }

  /**
   * The sink, writing the version above every version folder now under the path.
   *
   * @throws IllegalArgumentException naming the first required setter not called
   * @throws UncheckedIOException when the path cannot be listed
   */
  public QuiverBuildSink<IN> build() {
    require(path, "setPath");
    require(collection, "setCollection");
    require(configJson, "setConfig");
    require(converter, "setRecordConverter");
    String buildId = "flink-build-" + UUID.randomUUID();
    BuildSpec probe = spec(0, buildId);
    long version;
    try {
      version = probe.layout().highestVersionDir(probe.fileSystem()) + 1;
    } catch (IOException e) {
      throw new UncheckedIOException(
          "quiver build: cannot list the versions of " + probe.layout() + ": " + e.getMessage(), e);
    }
    return new QuiverBuildSink<>(spec(version, buildId), converter);
  }

  private BuildSpec spec(long version, String buildId) {
    return new BuildSpec(
        path,
        collection,
        version,
        buildId,
        shards,
        configJson,
        payloadIndexes,
        threads,
        localDir,
        hadoopConf,
        publish,
        apiKey,
        publishTimeout);
  }

  private static void require(Object value, String setter) {
    if (value == null) {
      throw new IllegalArgumentException("quiver build: " + setter + " was not called");
    }
  }
}
