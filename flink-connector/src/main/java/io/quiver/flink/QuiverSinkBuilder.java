package io.quiver.flink;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Builds a {@link QuiverSink}. Required: the node address(es), the collection, and either a
 * converter to {@link QuiverRecord} or the id, version and vector extractors. Every option is
 * checked here, on the client, and a bad one is refused naming the option and the value.
 *
 * <table>
 *   <caption>Options and defaults</caption>
 *   <tr><th>option</th><th>default</th></tr>
 *   <tr><td>{@link #setAddresses} ({@code host:port} of the gRPC port; several fail over in order)</td><td>required</td></tr>
 *   <tr><td>{@link #setCollection}</td><td>required</td></tr>
 *   <tr><td>{@link #setApiKey} (sent as {@code api-key} metadata)</td><td>none</td></tr>
 *   <tr><td>{@link #setTls}, {@link #setTrustedCertificates}</td><td>off; the JVM's trust store</td></tr>
 *   <tr><td>{@link #setMaxBatchSize} (writes per request)</td><td>256</td></tr>
 *   <tr><td>{@link #setMaxBatchBytes} (encoded request size)</td><td>8 MiB</td></tr>
 *   <tr><td>{@link #setLinger} (how long the first pending write waits for a batch)</td><td>20 ms</td></tr>
 *   <tr><td>{@link #setMaxInFlightRequests} (per subtask)</td><td>4</td></tr>
 *   <tr><td>{@link #setMaxRetries}, {@link #setRetryBackoff}</td><td>10; 100 ms doubling to 10 s</td></tr>
 *   <tr><td>{@link #setRequestTimeout} (the deadline of one attempt)</td><td>30 s</td></tr>
 *   <tr><td>{@link #setDeliveryGuarantee}</td><td>AT_LEAST_ONCE</td></tr>
 * </table>
 *
 * @param <IN> the stream's element type
 */
public final class QuiverSinkBuilder<IN> {

  public static final int DEFAULT_MAX_BATCH_SIZE = 256;
  public static final long DEFAULT_MAX_BATCH_BYTES = 8L << 20;
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(20);
  public static final int DEFAULT_MAX_IN_FLIGHT = 4;
  public static final int DEFAULT_MAX_RETRIES = 10;
  public static final Duration DEFAULT_BACKOFF = Duration.ofMillis(100);
  public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(10);
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final List<NodeAddress> addresses = new ArrayList<>();
  private String collection;
  private String apiKey;
  private boolean tls;
  private String trustedCertificates;
  private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
  private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
  private Duration linger = DEFAULT_LINGER;
  private int maxInFlightRequests = DEFAULT_MAX_IN_FLIGHT;
  private int maxRetries = DEFAULT_MAX_RETRIES;
  private Duration backoff = DEFAULT_BACKOFF;
  private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
  private Duration requestTimeout = DEFAULT_REQUEST_TIMEOUT;
  private DeliveryGuarantee deliveryGuarantee = DeliveryGuarantee.AT_LEAST_ONCE;

  private SerializableFunction<IN, QuiverRecord> converter;
  private AcknowledgementListener listener;
  private SerializableFunction<IN, ?> id;
  private SerializableFunction<IN, Long> version;
  private SerializableFunction<IN, QuiverRecord.Operation> operation;
  private SerializableFunction<IN, float[]> vector;
  private SerializableFunction<IN, Map<String, float[]>> vectors;
  private SerializableFunction<IN, Map<String, ?>> payload;
  private SerializableFunction<IN, String> payloadJson;

  QuiverSinkBuilder() {}

  /**
   * The nodes' gRPC addresses ({@code host:port}, 6334 by default; {@code [address]:port} for
   * IPv6). Writes go to the first; when a request to it fails in a way a retry may fix, to the
   * next, in order.
   */
  public QuiverSinkBuilder<IN> setAddresses(String... hostPorts) {
    addresses.clear();
    for (String a : hostPorts) {
      addresses.add(NodeAddress.parse(a));
    }
    return this;
  }

  /** The collection (or alias) to write to; it must exist on the node. */
  public QuiverSinkBuilder<IN> setCollection(String collection) {
    if (collection == null || collection.isEmpty()) {
      throw new IllegalArgumentException("quiver sink: collection must not be empty");
    }
    this.collection = collection;
    return this;
  }

  /** The node's read-write api key, sent as {@code api-key} metadata with every request. */
  public QuiverSinkBuilder<IN> setApiKey(String apiKey) {
    this.apiKey = apiKey == null || apiKey.isEmpty() ? null : apiKey;
    return this;
  }

  /** Whether to speak TLS to the nodes (default: plain text). */
  public QuiverSinkBuilder<IN> setTls(boolean tls) {
    this.tls = tls;
    return this;
  }

  /**
   * A PEM file of the certificates to trust (a private CA or the node's self-signed certificate)
   * instead of the JVM's trust store; turns TLS on. The file must exist on every task manager.
   */
  public QuiverSinkBuilder<IN> setTrustedCertificates(String pemFile) {
    this.trustedCertificates = pemFile;
    this.tls = pemFile != null || tls;
    return this;
  }

  /** The most writes in one request (after keeping one write per id); default 256. */
  public QuiverSinkBuilder<IN> setMaxBatchSize(int writes) {
    this.maxBatchSize = checkRange("maxBatchSize", writes, 1, 100_000);
    return this;
  }

  /**
   * The most encoded bytes in one request; default 8 MiB, under the node's {@code
   * service.max_request_size_mb} (32 by default). A single larger write is sent alone.
   */
  public QuiverSinkBuilder<IN> setMaxBatchBytes(long bytes) {
    this.maxBatchBytes = checkRange("maxBatchBytes", bytes, 1024, 1L << 30);
    return this;
  }

  /**
   * How long the first write of a batch waits for more before the batch is sent; default 20 ms.
   * Zero sends whenever a request slot is free (writes still gather while all slots are taken).
   */
  public QuiverSinkBuilder<IN> setLinger(Duration linger) {
    this.linger = checkDuration("linger", linger, Duration.ZERO, Duration.ofMinutes(10));
    return this;
  }

  /** The most requests a subtask has sent and not had acknowledged; default 4. */
  public QuiverSinkBuilder<IN> setMaxInFlightRequests(int requests) {
    this.maxInFlightRequests = checkRange("maxInFlightRequests", requests, 1, 1024);
    return this;
  }

  /** Retries of a request after the first attempt; 0 fails on the first retryable error. */
  public QuiverSinkBuilder<IN> setMaxRetries(int retries) {
    this.maxRetries = checkRange("maxRetries", retries, 0, 10_000);
    return this;
  }

  /**
   * The wait before the first retry and the longest wait: retry n waits a random time between half
   * and all of {@code min(max, initial * 2^(n-1))}. Default 100 ms and 10 s.
   */
  public QuiverSinkBuilder<IN> setRetryBackoff(Duration initial, Duration max) {
    this.backoff =
        checkDuration("retry backoff", initial, Duration.ofMillis(1), Duration.ofHours(1));
    this.maxBackoff = checkDuration("max retry backoff", max, initial, Duration.ofHours(1));
    return this;
  }

  /** The deadline of one attempt of a request (retried as DEADLINE_EXCEEDED); default 30 s. */
  public QuiverSinkBuilder<IN> setRequestTimeout(Duration timeout) {
    this.requestTimeout =
        checkDuration("requestTimeout", timeout, Duration.ofMillis(1), Duration.ofHours(24));
    return this;
  }

  /** {@code AT_LEAST_ONCE} (default) or {@code NONE}; see {@link QuiverSink}. */
  public QuiverSinkBuilder<IN> setDeliveryGuarantee(DeliveryGuarantee guarantee) {
    if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
      throw new IllegalArgumentException(
          "quiver sink: deliveryGuarantee EXACTLY_ONCE is not offered: use AT_LEAST_ONCE, whose"
              + " replays the node ignores by version, which gives the effect of exactly once");
    }
    if (guarantee == null) {
      throw new IllegalArgumentException("quiver sink: deliveryGuarantee must not be null");
    }
    this.deliveryGuarantee = guarantee;
    return this;
  }

  /** Converts each element to a {@link QuiverRecord}; instead of the extractors. */
  public QuiverSinkBuilder<IN> setRecordConverter(
      SerializableFunction<IN, QuiverRecord> converter) {
    this.converter = converter;
    return this;
  }

  /**
   * The point id: a {@code Long} (read as unsigned), a non-negative {@code Integer}, a {@code
   * UUID}, or a {@code String} holding an unsigned integer or a UUID.
   */
  public QuiverSinkBuilder<IN> setIdExtractor(SerializableFunction<IN, ?> id) {
    this.id = id;
    return this;
  }

  /**
   * The write's version, unsigned; it must grow with each change of an id (see {@link QuiverSink}).
   */
  public QuiverSinkBuilder<IN> setVersionExtractor(SerializableFunction<IN, Long> version) {
    this.version = version;
    return this;
  }

  /** UPSERT or DELETE; without an extractor every element is an upsert. */
  public QuiverSinkBuilder<IN> setOperationExtractor(
      SerializableFunction<IN, QuiverRecord.Operation> operation) {
    this.operation = operation;
    return this;
  }

  /** The unnamed vector of an upsert. */
  public QuiverSinkBuilder<IN> setVectorExtractor(SerializableFunction<IN, float[]> vector) {
    this.vector = vector;
    return this;
  }

  /** The named vectors of an upsert, instead of an unnamed one. */
  public QuiverSinkBuilder<IN> setNamedVectorsExtractor(
      SerializableFunction<IN, Map<String, float[]>> vectors) {
    this.vectors = vectors;
    return this;
  }

  /** The payload of an upsert as a map (null: none). */
  public QuiverSinkBuilder<IN> setPayloadExtractor(
      SerializableFunction<IN, Map<String, ?>> payload) {
    this.payload = payload;
    return this;
  }

  /**
   * Told of every request the node acknowledged, on the writer's task thread (see {@link
   * AcknowledgementListener}); none by default.
   */
  public QuiverSinkBuilder<IN> setAcknowledgementListener(AcknowledgementListener listener) {
    this.listener = listener;
    return this;
  }

  /** The payload of an upsert as a JSON object's text (null: none). */
  public QuiverSinkBuilder<IN> setPayloadJsonExtractor(SerializableFunction<IN, String> payload) {
    this.payloadJson = payload;
    return this;
  }

  public QuiverSink<IN> build() {
    if (addresses.isEmpty()) {
      throw new IllegalArgumentException(
          "quiver sink: setAddresses is required (the node's gRPC host:port, e.g. localhost:6334)");
    }
    if (collection == null) {
      throw new IllegalArgumentException("quiver sink: setCollection is required");
    }
    if (converter != null
        && (id != null
            || version != null
            || operation != null
            || vector != null
            || vectors != null
            || payload != null
            || payloadJson != null)) {
      throw new IllegalArgumentException(
          "quiver sink: set either a record converter or extractors, not both");
    }
    SerializableFunction<IN, QuiverRecord> records = converter != null ? converter : extractors();
    SinkOptions options =
        new SinkOptions(
            List.copyOf(addresses),
            collection,
            apiKey,
            tls,
            trustedCertificates,
            maxBatchSize,
            maxBatchBytes,
            linger,
            maxInFlightRequests,
            new Backoff(maxRetries, backoff, maxBackoff),
            requestTimeout,
            deliveryGuarantee);
    return new QuiverSink<>(options, records, listener);
  }

  private SerializableFunction<IN, QuiverRecord> extractors() {
    if (id == null && version == null && vector == null && vectors == null) {
      throw new IllegalArgumentException(
          "quiver sink: set a record converter (setRecordConverter, or QuiverSink.forRecords()"
              + " for a stream of QuiverRecord) or the id, version and vector extractors");
    }
    if (id == null) {
      throw new IllegalArgumentException("quiver sink: setIdExtractor is required");
    }
    if (version == null) {
      throw new IllegalArgumentException(
          "quiver sink: setVersionExtractor is required: every write carries a version, which"
              + " lets the node ignore replays (a source offset or CDC position)");
    }
    if ((vector == null) == (vectors == null)) {
      throw new IllegalArgumentException(
          "quiver sink: set exactly one of setVectorExtractor and setNamedVectorsExtractor");
    }
    if (payload != null && payloadJson != null) {
      throw new IllegalArgumentException(
          "quiver sink: set at most one of setPayloadExtractor and setPayloadJsonExtractor");
    }
    return new ExtractingConverter<>(id, version, operation, vector, vectors, payload, payloadJson);
  }

  private static int checkRange(String option, int value, int min, int max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "quiver sink: " + option + " must be in [" + min + ", " + max + "]; got " + value);
    }
    return value;
  }

  private static long checkRange(String option, long value, long min, long max) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          "quiver sink: " + option + " must be in [" + min + ", " + max + "]; got " + value);
    }
    return value;
  }

  private static Duration checkDuration(String option, Duration value, Duration min, Duration max) {
    if (value == null || value.compareTo(min) < 0 || value.compareTo(max) > 0) {
      throw new IllegalArgumentException(
          "quiver sink: " + option + " must be in [" + min + ", " + max + "]; got " + value);
    }
    return value;
  }
}
