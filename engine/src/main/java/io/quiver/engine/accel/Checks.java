package io.quiver.engine.accel;

/** Argument checks every accelerator applies the same way, so their errors read the same. */
public final class Checks {

  private Checks() {}

  public static void k(int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k must be >= 1; got " + k);
    }
  }

  public static void queries(float[] queries, int queryCount, int dim) {
    if (queryCount < 0) {
      throw new IllegalArgumentException("queryCount must be >= 0; got " + queryCount);
    }
    if (queries.length < (long) queryCount * dim) {
      throw new IllegalArgumentException(
          "queries must hold queryCount * dimension = "
              + (long) queryCount * dim
              + " floats; got "
              + queries.length);
    }
  }
}
