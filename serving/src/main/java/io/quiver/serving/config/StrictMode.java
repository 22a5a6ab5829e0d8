package io.quiver.serving.config;

import java.time.Duration;

/**
 * Node-wide limits on what one request may ask for (the {@code strict_mode} section; names follow
 * Qdrant's strict-mode settings). Endpoint code calls the checks before doing any work; each throws
 * {@link IllegalArgumentException} naming the request field, the value and the limit, which the
 * error mapping turns into 400 / INVALID_ARGUMENT.
 *
 * @param maxQueryLimit the most results one search, query, scroll or retrieve may return
 * @param upsertMaxBatchSize the most points one upsert or delete may carry
 * @param searchMaxHnswEf the largest {@code hnsw_ef} a search may ask for
 * @param filterMaxConditions the most conditions one filter may hold, nested ones included
 * @param maxTimeout the longest a request may run; also the server's per-request timeout
 */
public record StrictMode(
    int maxQueryLimit,
    int upsertMaxBatchSize,
    int searchMaxHnswEf,
    int filterMaxConditions,
    Duration maxTimeout) {

  public static final StrictMode DEFAULTS =
      new StrictMode(100_000, 100_000, 10_000, 1_000, Duration.ofSeconds(60));

  /**
   * Checks a request's {@code limit} (or {@code top}): at least 1, at most {@link #maxQueryLimit}.
   */
  public int checkLimit(String field, long limit) {
    return checkRange(field, limit, 1, maxQueryLimit, "strict_mode.max_query_limit");
  }

  /** Checks the number of points or ids in one write. */
  public int checkBatchSize(String field, long size) {
    return checkRange(field, size, 0, upsertMaxBatchSize, "strict_mode.upsert_max_batchsize");
  }

  /** Checks a search's {@code hnsw_ef}. */
  public int checkHnswEf(String field, long ef) {
    return checkRange(field, ef, 1, searchMaxHnswEf, "strict_mode.search_max_hnsw_ef");
  }

  /** Checks the number of conditions in a filter. */
  public int checkFilterConditions(String field, long conditions) {
    return checkRange(
        field, conditions, 0, filterMaxConditions, "strict_mode.filter_max_conditions");
  }

  /**
   * The timeout a request asked for (seconds, as Qdrant's {@code timeout} parameter), capped at
   * {@link #maxTimeout}; the cap when it asked for none.
   */
  public Duration effectiveTimeout(String field, Long requestedSeconds) {
    if (requestedSeconds == null) {
      return maxTimeout;
    }
    checkRange(field, requestedSeconds, 1, maxTimeout.toSeconds(), "strict_mode.max_timeout");
    return Duration.ofSeconds(requestedSeconds);
  }

  private static int checkRange(String field, long value, long min, long max, String setting) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          field + " must be in [" + min + ", " + max + "] (" + setting + "); got " + value);
    }
    return (int) value;
  }
}
