package io.quiver.spark.write;

import static io.quiver.spark.OptionParsing.checkKnown;
import static io.quiver.spark.OptionParsing.choice;
import static io.quiver.spark.OptionParsing.integer;
import static io.quiver.spark.OptionParsing.pairs;
import static io.quiver.spark.OptionParsing.required;
import static io.quiver.spark.OptionParsing.text;

import io.quiver.engine.accel.AcceleratorOptions;
import io.quiver.engine.snapshot.store.CollectionLayout;
import java.io.Serializable;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The options of a batch write, checked on the driver before any task starts. Every option is a
 * string, so the same names work from Scala, Java and PySpark:
 *
 * <ul>
 *   <li>{@code collection}, {@code path}: where the collection lives ({@code
 *       <path>/<collection>/v<version>/}); {@code path} is any Hadoop FileSystem URI.
 *   <li>{@code id}: the id column (long, int or a string holding a UUID or an unsigned integer);
 *       default {@code id}.
 *   <li>{@code vector}: the column of the unnamed vector (default {@code vector}); or {@code
 *       vectors} = {@code name:column,...} for named vectors. Columns are {@code array<float>},
 *       {@code array<double>} or Spark ML {@code Vector}.
 *   <li>{@code payload}: the payload columns, comma-separated; default every other column.
 *   <li>{@code version}: a column whose highest value wins among rows with the same id.
 *   <li>{@code dimension} (or {@code dimensions} = {@code name:size,...}); when absent, each task
 *       takes it from its first row and the driver checks that all agree.
 *   <li>{@code distance} (Cosine, Dot, Euclid, Manhattan; default Cosine), {@code m}, {@code
 *       ef_construct}, {@code full_scan_threshold} (KB), {@code quantization} ({@code int8}, {@code
 *       binary}, {@code binary:two_bits}, {@code product:x16}, {@code rotational:2}, or Qdrant's
 *       {@code quantization_config} JSON), or {@code config}: Qdrant's whole create-collection
 *       JSON.
 *   <li>{@code payload_indexes} = {@code key:schema,...}: payload field indexes built with the
 *       segments (schema: keyword, integer, float, bool, datetime, uuid).
 *   <li>{@code shards} (default 1, or the current version's count on append) and {@code
 *       slices_per_shard} (default 1): the write runs {@code shards x slices_per_shard} tasks.
 *   <li>{@code on_error}: {@code fail} (default) or {@code skip} bad rows, counted in the {@code
 *       skippedRows} metric.
 *   <li>{@code threads}: build threads per task (default {@code spark.task.cpus}); {@code
 *       local_dir}: where tasks build segments before uploading (default java.io.tmpdir).
 *   <li>{@code accelerator}: {@code auto} (default: a task that Spark gave a GPU, through {@code
 *       spark.task.resource.gpu.amount}, builds its graphs on it when the {@code gpu} module can
 *       open it, else on the CPU), {@code cpu}, or {@code cuda} (the GPU must open, or the task
 *       fails); {@code accelerator_memory}: the device memory a task may use (default most of what
 *       is free).
 * </ul>
 */
public final class WriteOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Options only honoured when the session sets {@code spark.quiver.testing=true}. */
  static final String FAIL_ONCE_PARTITION = "test.fail_once_partition";

  static final String FAIL_ALWAYS_PARTITION = "test.fail_always_partition";

  public static final int MAX_SHARDS = 4096;

  final String collection;
  final String path;
  final String idColumn;

  /** Vector name ("" for the unnamed vector) to column, in order. */
  final Map<String, String> vectorColumns;

  /** The payload columns, or null for every column that is not id, vector or version. */
  final List<String> payloadColumns;

  final String versionColumn;
  final Map<String, Integer> dimensions;
  final String distance;
  final Integer m;
  final Integer efConstruct;
  final Integer fullScanThresholdKb;
  final String quantization;
  final String configJson;
  final Map<String, String> payloadIndexes;
  final Integer shards;
  final int slicesPerShard;
  final boolean skipBadRows;
  final int threads;
  final String localDir;
  final String accelerator;
  final long acceleratorMemory;

  /** A node's REST address to publish the committed version to, or null. */
  final String publish;

  final String apiKey;
  final int publishTimeoutSeconds;
  final int failOncePartition;
  final int failAlwaysPartition;

  private static final java.util.Set<String> KNOWN =
      java.util.Set.of(
          "collection",
          "path",
          "id",
          "vector",
          "vectors",
          "payload",
          "version",
          "dimension",
          "dimensions",
          "distance",
          "m",
          "ef_construct",
          "full_scan_threshold",
          "quantization",
          "config",
          "payload_indexes",
          "shards",
          "slices_per_shard",
          "on_error",
          "threads",
          "local_dir",
          "accelerator",
          "accelerator_memory",
          "publish",
          "api_key",
          "publish_timeout",
          FAIL_ONCE_PARTITION,
          FAIL_ALWAYS_PARTITION);

  private WriteOptions(Map<String, String> o, boolean testing) {
    checkKnown(o, KNOWN, "write");
    collection = CollectionLayout.checkCollectionName(required(o, "collection"));
    path = required(o, "path");
    RowColumns columns = RowColumns.parse(o);
    idColumn = columns.id();
    vectorColumns = columns.vectors();
    payloadColumns = columns.payload();
    versionColumn = columns.version();
    dimensions = Collections.unmodifiableMap(parseDimensions(o, vectorColumns));
    distance = text(o, "distance", null);
    m = optionalInt(o, "m", 2, 512);
    efConstruct = optionalInt(o, "ef_construct", 4, 65536);
    fullScanThresholdKb = optionalInt(o, "full_scan_threshold", 0, Integer.MAX_VALUE);
    quantization = text(o, "quantization", null);
    configJson = text(o, "config", null);
    payloadIndexes =
        Collections.unmodifiableMap(pairs("payload_indexes", o.get("payload_indexes")));
    shards = optionalInt(o, "shards", 1, MAX_SHARDS);
    slicesPerShard = integer(o, "slices_per_shard", 1, 1, MAX_SHARDS);
    skipBadRows = choice(o, "on_error", "fail", List.of("fail", "skip")).equals("skip");
    threads = integer(o, "threads", 0, 0, 4096);
    localDir = text(o, "local_dir", null);
    accelerator = choice(o, "accelerator", "auto", List.of("auto", "cpu", "cuda"));
    acceleratorMemory =
        AcceleratorOptions.parseBytes(
            "option 'accelerator_memory'", text(o, "accelerator_memory", "0"));
    publish = text(o, "publish", null);
    apiKey = text(o, "api_key", null);
    publishTimeoutSeconds = integer(o, "publish_timeout", 3600, 1, 7 * 24 * 3600);
    failOncePartition = testing ? integer(o, FAIL_ONCE_PARTITION, -1, -1, MAX_SHARDS) : -1;
    failAlwaysPartition = testing ? integer(o, FAIL_ALWAYS_PARTITION, -1, -1, MAX_SHARDS) : -1;
  }

  /**
   * Parses {@code options}; the test-only failure injection options count only when {@code
   * testing}.
   */
  public static WriteOptions parse(Map<String, String> options, boolean testing) {
    return new WriteOptions(options, testing);
  }

  private static Integer optionalInt(Map<String, String> o, String key, int min, int max) {
    return o.containsKey(key) ? integer(o, key, 0, min, max) : null;
  }

  private static Map<String, Integer> parseDimensions(
      Map<String, String> o, Map<String, String> vectors) {
    Map<String, Integer> out = new LinkedHashMap<>();
    if (o.containsKey("dimension")) {
      if (!vectors.containsKey("")) {
        throw new IllegalArgumentException(
            "option 'dimension' sizes the unnamed vector; with named vectors use"
                + " 'dimensions' = 'name:size,...'");
      }
      out.put("", integer(o, "dimension", 0, 1, 65536));
    }
    for (Map.Entry<String, String> e : pairs("dimensions", o.get("dimensions")).entrySet()) {
      if (!vectors.containsKey(e.getKey())) {
        throw new IllegalArgumentException(
            "option 'dimensions' sizes vector '"
                + e.getKey()
                + "', which option 'vectors' does not name; vectors are "
                + vectors.keySet());
      }
      out.put(e.getKey(), integer(Map.of("dimensions", e.getValue()), "dimensions", 0, 1, 65536));
    }
    return out;
  }

  public String collection() {
    return collection;
  }

  public String path() {
    return path;
  }
}
