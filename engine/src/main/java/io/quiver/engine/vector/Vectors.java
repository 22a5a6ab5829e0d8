package io.quiver.engine.vector;

/** Validation and preparation of single vectors, shared by every entry point. */
public final class Vectors {

  private Vectors() {}

  /**
   * Checks that {@code vector} has {@code dimension} finite components.
   *
   * @param what names the vector in the error message, e.g. {@code "vector 'image' of point 17"}
   */
  public static void checkValid(float[] vector, int dimension, String what) {
    if (vector == null) {
      throw new IllegalArgumentException(what + " is missing");
    }
    if (vector.length != dimension) {
      throw new IllegalArgumentException(
          what + " has dimension " + vector.length + "; expected " + dimension);
    }
    for (int i = 0; i < vector.length; i++) {
      if (!Float.isFinite(vector[i])) {
        throw new IllegalArgumentException(
            what + " has a non-finite value " + vector[i] + " at index " + i);
      }
    }
  }

  /** Checks that a dimension is usable. */
  public static int checkDimension(int dimension) {
    if (dimension < 1 || dimension > 65536) {
      throw new IllegalArgumentException("dimension must be in [1, 65536]; got " + dimension);
    }
    return dimension;
  }

  /**
   * Returns {@code vector} ready to be stored or searched under {@code similarity}: a normalised
   * copy for cosine, the vector itself otherwise. A zero vector stays zero under cosine.
   */
  public static float[] prepare(VectorSimilarity similarity, float[] vector) {
    if (!similarity.normalizes()) {
      return vector;
    }
    double norm = 0;
    for (float v : vector) {
      norm += (double) v * v;
    }
    float[] out = vector.clone();
    if (norm > 0) {
      float inv = (float) (1.0 / Math.sqrt(norm));
      for (int i = 0; i < out.length; i++) {
        out[i] *= inv;
      }
    }
    return out;
  }

  /**
   * {@code rows} packed row-major into one array, as the accelerators and k-means take blocks of
   * vectors; every row must have the first row's length (an empty input gives an empty array).
   */
  public static float[] pack(float[][] rows) {
    int dim = rows.length == 0 ? 0 : rows[0].length;
    float[] out = new float[Math.multiplyExact(rows.length, dim)];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, out, i * dim, dim);
    }
    return out;
  }
}
