package io.quiver.engine.accel;

/**
 * Up to {@code k} neighbours for each of {@code rows} rows, best first, packed row-major in two
 * parallel arrays; a row with fewer holds id {@code -1} (and score {@code -Infinity}) in its tail.
 */
public record Neighbors(int rows, int k, int[] ids, float[] scores) {

  public Neighbors {
    if (rows < 0 || k < 0) {
      throw new IllegalArgumentException("rows and k must be >= 0; got " + rows + " and " + k);
    }
    long size = (long) rows * k;
    if (ids.length != size || scores.length != size) {
      throw new IllegalArgumentException(
          "ids and scores must hold rows * k = "
              + size
              + " entries; got "
              + ids.length
              + " and "
              + scores.length);
    }
  }

  /** An empty result of {@code rows} rows, every entry {@code -1}, ready to be filled in. */
  public static Neighbors empty(int rows, int k) {
    int[] ids = new int[Math.multiplyExact(rows, k)];
    float[] scores = new float[ids.length];
    java.util.Arrays.fill(ids, -1);
    java.util.Arrays.fill(scores, Float.NEGATIVE_INFINITY);
    return new Neighbors(rows, k, ids, scores);
  }

  public int id(int row, int rank) {
    return ids[row * k + rank];
  }

  public float score(int row, int rank) {
    return scores[row * k + rank];
  }

  /** How many neighbours row {@code row} holds. */
  public int count(int row) {
    int n = 0;
    while (n < k && ids[row * k + n] >= 0) {
      n++;
    }
    return n;
  }
}
