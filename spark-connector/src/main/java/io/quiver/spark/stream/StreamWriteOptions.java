package io.quiver.spark.stream;

import static io.quiver.spark.OptionParsing.checkKnown;
import static io.quiver.spark.OptionParsing.integer;
import static io.quiver.spark.OptionParsing.required;
import static io.quiver.spark.OptionParsing.text;

import io.quiver.engine.snapshot.store.NodePublisher;
import io.quiver.spark.write.RowColumns;
import java.io.Serializable;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

/**
 * The options of a streaming write ({@code writeStream.format("quiver")}), checked on the driver
 * when Spark plans a micro-batch:
 *
 * <ul>
 *   <li>{@code publish}: the node's REST address ({@code http://host:6333}), the same option that
 *       names the node a batch write publishes to; {@code api_key}: its read-write key.
 *   <li>{@code collection}: the collection on the node; it must exist.
 *   <li>{@code id}, {@code vector} / {@code vectors}, {@code payload}, {@code version}: the
 *       columns, as in the batch write ({@link RowColumns}).
 *   <li>{@code op}: a string column whose value ({@code upsert} or {@code delete}, any case) says
 *       what to do with the row's id; without it every row is an upsert.
 *   <li>{@code batch_size} (points per request, default 256) and {@code batch_bytes} (request body
 *       bytes, default 8 MiB, under the node's {@code max_request_size_mb} of 32 by default).
 *   <li>{@code max_retries} (default 10), {@code retry_backoff_ms} (default 200): retries of a
 *       request the node could not take, with exponential backoff and jitter; {@code
 *       request_timeout}: seconds one request may take (default 60).
 * </ul>
 */
final class StreamWriteOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  static final int DEFAULT_BATCH_SIZE = 256;
  static final int DEFAULT_BATCH_BYTES = 8 << 20;

  /** The most one backoff waits, whatever the retry count or the node's Retry-After. */
  static final long MAX_BACKOFF_MS = 30_000;

  private static final Set<String> KNOWN =
      Set.of(
          "publish",
          "api_key",
          "collection",
          "id",
          "vector",
          "vectors",
          "payload",
          "version",
          "op",
          "batch_size",
          "batch_bytes",
          "max_retries",
          "retry_backoff_ms",
          "request_timeout",
          // Spark hands a streaming query's own options to the sink with the others.
          "checkpointlocation");

  final URI node;
  final String apiKey;
  final String collection;
  final RowColumns columns;

  /** The op column, or null when every row is an upsert. */
  final String opColumn;

  final int batchSize;
  final int batchBytes;
  final Backoff backoff;
  final Duration requestTimeout;

  private StreamWriteOptions(Map<String, String> o) {
    if (o.containsKey("path")) {
      throw new IllegalArgumentException(
          "a quiver streaming write takes no 'path' (got '"
              + o.get("path")
              + "'): it sends to the node named by option 'publish'. A write with 'path' is a"
              + " batch write, which builds a snapshot there");
    }
    checkKnown(o, KNOWN, "streaming write");
    node = NodePublisher.parse(required(o, "publish"));
    apiKey = text(o, "api_key", null);
    collection = required(o, "collection");
    columns = RowColumns.parse(o);
    opColumn = text(o, "op", null);
    if (opColumn != null
        && (opColumn.equals(columns.id())
            || columns.vectors().containsValue(opColumn)
            || opColumn.equals(columns.version()))) {
      throw new IllegalArgumentException(
          "option 'op' names column '"
              + opColumn
              + "', which is already the id, a vector or the version column");
    }
    batchSize = integer(o, "batch_size", DEFAULT_BATCH_SIZE, 1, 100_000);
    batchBytes = integer(o, "batch_bytes", DEFAULT_BATCH_BYTES, 1024, 1 << 30);
    backoff =
        new Backoff(
            integer(o, "max_retries", 10, 0, 1000),
            integer(o, "retry_backoff_ms", 200, 1, (int) MAX_BACKOFF_MS),
            MAX_BACKOFF_MS);
    requestTimeout = Duration.ofSeconds(integer(o, "request_timeout", 60, 1, 24 * 3600));
  }

  /**
   * @throws IllegalArgumentException naming the option and the value
   */
  static StreamWriteOptions parse(Map<String, String> options) {
    return new StreamWriteOptions(options);
  }
}
