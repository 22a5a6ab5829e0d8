package io.quiver.flink;

import java.io.Serializable;
import java.time.Duration;

/**
 * How long to wait before retrying a request: exponential backoff with jitter. Retry {@code n}
 * (from 1) waits a random time between half and all of {@code min(max, initial * 2^(n-1))}, so that
 * the subtasks whose requests failed together (a node restarting) do not come back together.
 *
 * @param maxRetries retries after the first attempt; 0 sends each request once
 */
record Backoff(int maxRetries, Duration initial, Duration max) implements Serializable {

  Backoff {
    if (maxRetries < 0 || initial.toMillis() < 1 || max.compareTo(initial) < 0) {
      throw new IllegalArgumentException(
          "quiver sink: retries need maxRetries >= 0 and 1 ms <= initial backoff <= max backoff;"
              + " got "
              + maxRetries
              + ", "
              + initial
              + ", "
              + max);
    }
  }

  /**
   * The wait before retry {@code retry} (1 for the first), in milliseconds.
   *
   * @param random uniform in [0, 1)
   */
  long delayMillis(int retry, double random) {
    long base = initial.toMillis();
    long cap = max.toMillis();
    int doublings = Math.min(retry - 1, 62);
    long ceiling = base > (cap >> doublings) ? cap : Math.min(cap, base << doublings);
    return ceiling / 2 + (long) (random * (ceiling - ceiling / 2));
  }
}
