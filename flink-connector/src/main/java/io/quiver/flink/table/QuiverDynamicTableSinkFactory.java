package io.quiver.flink.table;

import static io.quiver.flink.table.QuiverTableOptions.ADDRESS;
import static io.quiver.flink.table.QuiverTableOptions.API_KEY;
import static io.quiver.flink.table.QuiverTableOptions.COLLECTION;
import static io.quiver.flink.table.QuiverTableOptions.DELIVERY_GUARANTEE;
import static io.quiver.flink.table.QuiverTableOptions.LINGER;
import static io.quiver.flink.table.QuiverTableOptions.MAX_BATCH_BYTES;
import static io.quiver.flink.table.QuiverTableOptions.MAX_BATCH_POINTS;
import static io.quiver.flink.table.QuiverTableOptions.MAX_IN_FLIGHT_REQUESTS;
import static io.quiver.flink.table.QuiverTableOptions.MAX_RETRIES;
import static io.quiver.flink.table.QuiverTableOptions.REQUEST_TIMEOUT;
import static io.quiver.flink.table.QuiverTableOptions.RETRY_INITIAL_BACKOFF;
import static io.quiver.flink.table.QuiverTableOptions.RETRY_MAX_BACKOFF;
import static io.quiver.flink.table.QuiverTableOptions.TLS;
import static io.quiver.flink.table.QuiverTableOptions.TLS_TRUSTED_CERTIFICATES;
import static io.quiver.flink.table.QuiverTableOptions.VECTOR;
import static io.quiver.flink.table.QuiverTableOptions.VERSION;

import io.quiver.flink.QuiverSink;
import io.quiver.flink.QuiverSinkBuilder;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.table.api.ValidationException;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.data.RowData;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;
import org.apache.flink.table.types.logical.RowType;

/**
 * {@code 'connector' = 'quiver'}: a table whose rows, an upsert changelog keyed by the point id, a
 * {@link QuiverSink} writes to a collection. The options and the columns are checked when the
 * statement is planned, and a bad one is refused naming the option or the column (see {@link
 * ColumnRoles}); unknown options are refused by Flink's {@link FactoryUtil}.
 */
public final class QuiverDynamicTableSinkFactory implements DynamicTableSinkFactory {

  public static final String IDENTIFIER = "quiver";

  @Override
  public String factoryIdentifier() {
    return IDENTIFIER;
  }

  @Override
  public Set<ConfigOption<?>> requiredOptions() {
    return Set.of(ADDRESS, COLLECTION);
  }

  @Override
  public Set<ConfigOption<?>> optionalOptions() {
    return Set.of(
        API_KEY,
        TLS,
        TLS_TRUSTED_CERTIFICATES,
        VERSION,
        VECTOR,
        MAX_BATCH_POINTS,
        MAX_BATCH_BYTES,
        LINGER,
        MAX_IN_FLIGHT_REQUESTS,
        MAX_RETRIES,
        RETRY_INITIAL_BACKOFF,
        RETRY_MAX_BACKOFF,
        REQUEST_TIMEOUT,
        DELIVERY_GUARANTEE,
        FactoryUtil.SINK_PARALLELISM);
  }

  @Override
  public DynamicTableSink createDynamicTableSink(Context context) {
    FactoryUtil.TableFactoryHelper helper = FactoryUtil.createTableFactoryHelper(this, context);
    helper.validate();
    ReadableConfig options = helper.getOptions();
    RowDataConverter converter =
        ColumnRoles.resolve(
            (RowType) context.getPhysicalRowDataType().getLogicalType(),
            context.getPrimaryKeyIndexes(),
            options.getOptional(VERSION).orElse(null),
            options.getOptional(VECTOR).orElse(null));
    return new QuiverDynamicTableSink(
        sink(options, converter), options.getOptional(FactoryUtil.SINK_PARALLELISM).orElse(null));
  }

  private static QuiverSink<RowData> sink(ReadableConfig options, RowDataConverter converter) {
    QuiverSinkBuilder<RowData> b = QuiverSink.<RowData>builder().setRecordConverter(converter);
    String[] addresses =
        Arrays.stream(options.get(ADDRESS).split(","))
            .map(String::trim)
            .filter(a -> !a.isEmpty())
            .toArray(String[]::new);
    apply(ADDRESS, Optional.of(addresses), b::setAddresses);
    apply(COLLECTION, options.getOptional(COLLECTION), b::setCollection);
    apply(API_KEY, options.getOptional(API_KEY), b::setApiKey);
    apply(TLS, options.getOptional(TLS), b::setTls);
    apply(
        TLS_TRUSTED_CERTIFICATES,
        options.getOptional(TLS_TRUSTED_CERTIFICATES),
        b::setTrustedCertificates);
    apply(MAX_BATCH_POINTS, options.getOptional(MAX_BATCH_POINTS), b::setMaxBatchSize);
    apply(
        MAX_BATCH_BYTES,
        options.getOptional(MAX_BATCH_BYTES),
        m -> b.setMaxBatchBytes(m.getBytes()));
    apply(LINGER, options.getOptional(LINGER), b::setLinger);
    apply(
        MAX_IN_FLIGHT_REQUESTS,
        options.getOptional(MAX_IN_FLIGHT_REQUESTS),
        b::setMaxInFlightRequests);
    apply(MAX_RETRIES, options.getOptional(MAX_RETRIES), b::setMaxRetries);
    Optional<Duration> initial = options.getOptional(RETRY_INITIAL_BACKOFF);
    Optional<Duration> max = options.getOptional(RETRY_MAX_BACKOFF);
    if (initial.isPresent() || max.isPresent()) {
      Duration i = initial.orElse(QuiverSinkBuilder.DEFAULT_BACKOFF);
      Duration m = max.orElse(QuiverSinkBuilder.DEFAULT_MAX_BACKOFF);
      apply(
          initial.isPresent() ? RETRY_INITIAL_BACKOFF : RETRY_MAX_BACKOFF,
          Optional.of(m),
          x -> b.setRetryBackoff(i, x));
    }
    apply(REQUEST_TIMEOUT, options.getOptional(REQUEST_TIMEOUT), b::setRequestTimeout);
    apply(DELIVERY_GUARANTEE, options.getOptional(DELIVERY_GUARANTEE), b::setDeliveryGuarantee);
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      throw new ValidationException("quiver table: " + e.getMessage(), e);
    }
  }

  /** Gives a set option to the builder, naming the option when the builder refuses its value. */
  private static <T> void apply(ConfigOption<?> option, Optional<T> value, Consumer<T> setter) {
    if (value.isEmpty()) {
      return;
    }
    try {
      setter.accept(value.get());
    } catch (IllegalArgumentException e) {
      throw new ValidationException(
          "quiver table: option '" + option.key() + "': " + e.getMessage(), e);
    }
  }
}
