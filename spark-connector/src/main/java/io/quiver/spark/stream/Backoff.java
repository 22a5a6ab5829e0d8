package io.quiver.spark.stream;

import java.io.Serializable;
import java.util.function.DoubleSupplier;

/**
 * How long to wait before retrying a request: exponential backoff with jitter. Retry {@code n}
 * (from 1) waits a random time between half and all of {@code min(max, base * 2^(n-1))}, so that
 * the tasks of a micro-batch that failed together do not come back together; a node's {@code
 * Retry-After} lengthens the wait, never beyond {@code maxMillis}.
 *
 * @param maxRetries retries after the first attempt; 0 sends each request once
 * @param baseMillis the wait before the first retry, before jitter
 * @param maxMillis the longest wait
 */
record Backoff(int maxRetries, long baseMillis, long maxMillis) implements Serializable {

  Backoff {
    if (maxRetries < 0 || baseMillis < 1 || maxMillis < baseMillis) {
      throw new IllegalArgumentException(
          "backoff needs maxRetries >= 0 and 1 <= baseMillis <= maxMillis; got "
              + maxRetries
              + ", "
              + baseMillis
              + ", "
              + maxMillis);
    }
  }

  /**
   * The wait before retry {@code retry} (1 for the first retry).
   *
   * @param retryAfterMillis what the node asked for (Retry-After), or 0
   * @param random uniform in [0, 1)
   */
  long delayMillis(int retry, long retryAfterMillis, DoubleSupplier random) {
    int doublings = Math.min(retry - 1, 62);
    long ceiling =
        baseMillis > (maxMillis >> doublings)
            ? maxMillis
            : Math.min(maxMillis, baseMillis << doublings);
    long jittered = ceiling / 2 + (long) (random.getAsDouble() * (ceiling - ceiling / 2));
    return Math.min(maxMillis, Math.max(jittered, retryAfterMillis));
  }
}
