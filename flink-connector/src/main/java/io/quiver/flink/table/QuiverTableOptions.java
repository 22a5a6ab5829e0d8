package io.quiver.flink.table;

import java.time.Duration;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.connector.base.DeliveryGuarantee;

/**
 * The options of a {@code 'connector' = 'quiver'} table. The sink's tuning options have no default
 * here: one that is not set leaves {@link io.quiver.flink.QuiverSinkBuilder}'s default in place, so
 * the defaults live in one place (and the README's table).
 */
public final class QuiverTableOptions {

  private QuiverTableOptions() {}

  public static final ConfigOption<String> ADDRESS =
      ConfigOptions.key("address")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "The nodes' gRPC addresses, host:port, separated by commas; writes go to the first"
                  + " and fail over to the next in order.");

  public static final ConfigOption<String> COLLECTION =
      ConfigOptions.key("collection")
          .stringType()
          .noDefaultValue()
          .withDescription("The collection (or alias) to write to; it must exist.");

  public static final ConfigOption<String> API_KEY =
      ConfigOptions.key("api-key")
          .stringType()
          .noDefaultValue()
          .withDescription("The node's read-write api key.");

  public static final ConfigOption<Boolean> TLS =
      ConfigOptions.key("tls")
          .booleanType()
          .noDefaultValue()
          .withDescription("Whether to speak TLS to the nodes (default false).");

  public static final ConfigOption<String> TLS_TRUSTED_CERTIFICATES =
      ConfigOptions.key("tls.trusted-certificates")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "A PEM file of certificates to trust instead of the JVM's trust store; turns TLS on."
                  + " It must exist on every task manager.");

  public static final ConfigOption<String> VERSION =
      ConfigOptions.key("version")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "The integer column that is each write's version. Without it the writers number"
                  + " their writes themselves (see the README's 'Versions').");

  public static final ConfigOption<String> VECTOR =
      ConfigOptions.key("vector")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "The ARRAY<FLOAT> or ARRAY<DOUBLE> column that is the point's unnamed vector; any"
                  + " other such column is a named vector of its column's name.");

  public static final ConfigOption<Integer> MAX_BATCH_POINTS =
      ConfigOptions.key("sink.batch.max-points")
          .intType()
          .noDefaultValue()
          .withDescription("The most writes in one request (default 256).");

  public static final ConfigOption<MemorySize> MAX_BATCH_BYTES =
      ConfigOptions.key("sink.batch.max-bytes")
          .memoryType()
          .noDefaultValue()
          .withDescription("The most encoded bytes in one request (default 8mb).");

  public static final ConfigOption<Duration> LINGER =
      ConfigOptions.key("sink.linger")
          .durationType()
          .noDefaultValue()
          .withDescription(
              "How long the first write of a batch waits for more (default 20 ms; 0 sends at"
                  + " once).");

  public static final ConfigOption<Integer> MAX_IN_FLIGHT_REQUESTS =
      ConfigOptions.key("sink.max-in-flight-requests")
          .intType()
          .noDefaultValue()
          .withDescription("Requests a subtask has sent and not had acknowledged (default 4).");

  public static final ConfigOption<Integer> MAX_RETRIES =
      ConfigOptions.key("sink.max-retries")
          .intType()
          .noDefaultValue()
          .withDescription("Retries of a request after the first attempt (default 10).");

  public static final ConfigOption<Duration> RETRY_INITIAL_BACKOFF =
      ConfigOptions.key("sink.retry.initial-backoff")
          .durationType()
          .noDefaultValue()
          .withDescription("The wait before the first retry (default 100 ms), doubling.");

  public static final ConfigOption<Duration> RETRY_MAX_BACKOFF =
      ConfigOptions.key("sink.retry.max-backoff")
          .durationType()
          .noDefaultValue()
          .withDescription("The longest wait between retries (default 10 s).");

  public static final ConfigOption<Duration> REQUEST_TIMEOUT =
      ConfigOptions.key("sink.request-timeout")
          .durationType()
          .noDefaultValue()
          .withDescription("The deadline of one attempt of a request (default 30 s).");

  public static final ConfigOption<DeliveryGuarantee> DELIVERY_GUARANTEE =
      ConfigOptions.key("sink.delivery-guarantee")
          .enumType(DeliveryGuarantee.class)
          .noDefaultValue()
          .withDescription("at-least-once (default) or none.");
}
