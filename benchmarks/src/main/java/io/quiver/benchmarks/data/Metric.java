package io.quiver.benchmarks.data;

import java.util.Locale;

/**
 * How a dataset compares vectors, in the harness's own terms. Every library adapter maps it to its
 * library's nearest equivalent; recall is always judged with {@link #distance}, computed here from
 * the vectors, never from a library's reported score.
 */
public enum Metric {
  /** Squared Euclidean distance; smaller is closer. */
  L2,
  /** Inner product; larger is closer, so the distance is its negation. */
  DOT;

  /** The distance in double precision: smaller is always closer. */
  public double distance(float[] a, float[] b) {
    double sum = 0;
    if (this == L2) {
      for (int i = 0; i < a.length; i++) {
        double d = (double) a[i] - b[i];
        sum += d * d;
      }
      return sum;
    }
    for (int i = 0; i < a.length; i++) {
      sum += (double) a[i] * b[i];
    }
    return -sum;
  }

  /** The same distance in single precision, for the brute-force baseline's hot loop. */
  public float distanceFloat(float[] a, float[] b) {
    float sum = 0;
    if (this == L2) {
      for (int i = 0; i < a.length; i++) {
        float d = a[i] - b[i];
        sum += d * d;
      }
      return sum;
    }
    for (int i = 0; i < a.length; i++) {
      sum += a[i] * b[i];
    }
    return -sum;
  }

  /** Parses {@code l2} or {@code dot}, case-insensitively. */
  public static Metric parse(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "l2":
      case "euclid":
      case "euclidean":
        return L2;
      case "dot":
      case "ip":
        return DOT;
      default:
        throw new IllegalArgumentException("metric must be one of l2, dot; got '" + name + "'");
    }
  }

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
