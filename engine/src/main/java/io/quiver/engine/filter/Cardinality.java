package io.quiver.engine.filter;

import java.util.List;

/**
 * How many of a segment's points a filter selects: certainly at least {@code min}, at most {@code
 * max}, probably about {@code expected}. Combined after Qdrant's {@code CardinalityEstimation}:
 * bounds that always hold, and an expectation that treats conditions as independent.
 */
public record Cardinality(int min, int expected, int max) {

  public Cardinality {
    if (min < 0 || min > expected || expected > max) {
      throw new IllegalArgumentException(
          "cardinality needs 0 <= min <= expected <= max; got "
              + min
              + ", "
              + expected
              + ", "
              + max);
    }
  }

  public static Cardinality exact(int count) {
    return new Cardinality(count, count, count);
  }

  /** A condition nothing is known about: anywhere from none to all. */
  static Cardinality unknown(int total) {
    return new Cardinality(0, total / 2, total);
  }

  /** All of {@code parts} hold. */
  static Cardinality and(List<Cardinality> parts, int total) {
    if (parts.isEmpty()) {
      return exact(total);
    }
    long sumMin = 0;
    int max = total;
    double fraction = 1;
    for (Cardinality c : parts) {
      sumMin += c.min;
      max = Math.min(max, c.max);
      fraction *= ratio(c.expected, total);
    }
    long min = Math.max(0, sumMin - (long) (parts.size() - 1) * total);
    return clamp(min, total * fraction, max);
  }

  /** At least one of {@code parts} holds. */
  static Cardinality or(List<Cardinality> parts, int total) {
    int min = 0;
    long sumMax = 0;
    double none = 1;
    for (Cardinality c : parts) {
      min = Math.max(min, c.min);
      sumMax += c.max;
      none *= 1 - ratio(c.expected, total);
    }
    return clamp(min, total * (1 - none), Math.min(total, sumMax));
  }

  /** The points outside {@code c}. */
  static Cardinality not(Cardinality c, int total) {
    return new Cardinality(total - c.max, total - c.expected, total - c.min);
  }

  /** At least {@code k} of {@code parts} hold. */
  static Cardinality atLeast(int k, List<Cardinality> parts, int total) {
    int m = parts.size();
    if (k == 0) {
      return exact(total);
    }
    if (k > m) {
      return exact(0);
    }
    long sumMin = 0;
    long sumMax = 0;
    // probability[j] = P(exactly j of the parts so far hold), independent parts (Poisson binomial)
    double[] probability = new double[m + 1];
    probability[0] = 1;
    for (int i = 0; i < m; i++) {
      Cardinality c = parts.get(i);
      sumMin += c.min;
      sumMax += c.max;
      double p = ratio(c.expected, total);
      for (int j = i + 1; j >= 1; j--) {
        probability[j] = probability[j] * (1 - p) + probability[j - 1] * p;
      }
      probability[0] *= 1 - p;
    }
    double tail = 0;
    for (int j = k; j <= m; j++) {
      tail += probability[j];
    }
    // Counting memberships: points in >= k parts number at least
    // (sum(min) - (k - 1) * total) / (m - k + 1) and at most sum(max) / k.
    long min = Math.max(0, (sumMin - (long) (k - 1) * total) / (m - k + 1));
    long max = Math.min(total, sumMax / k);
    return clamp(min, total * tail, max);
  }

  private static double ratio(int count, int total) {
    return total == 0 ? 0 : (double) count / total;
  }

  private static Cardinality clamp(long min, double expected, long max) {
    long e = Math.round(expected);
    e = Math.max(min, Math.min(max, e));
    return new Cardinality((int) min, (int) e, (int) max);
  }
}
