package io.quiver.engine.vector;

/**
 * How two vectors are compared. Every similarity is turned into a score where <em>higher is
 * better</em>, so graph code never needs to know which one is in use:
 *
 * <ul>
 *   <li>{@link #DOT}: the dot product;
 *   <li>{@link #COSINE}: the dot product of vectors normalised once, when they are stored (and of
 *       the query, when a search starts);
 *   <li>{@link #EUCLID}: the negated squared Euclidean distance;
 *   <li>{@link #MANHATTAN}: the negated L1 distance.
 * </ul>
 *
 * <p>Similarities are persisted by {@link #id()}, never by ordinal, so reordering the constants
 * cannot change what a file means.
 */
public enum VectorSimilarity {
  DOT(1, "Dot"),
  COSINE(2, "Cosine"),
  EUCLID(3, "Euclid"),
  MANHATTAN(4, "Manhattan");

  private final int id;
  private final String apiName;

  VectorSimilarity(int id, String apiName) {
    this.id = id;
    this.apiName = apiName;
  }

  /** The stable identifier written to files. */
  public int id() {
    return id;
  }

  /** The name used by the Qdrant API ({@code "Cosine"}, {@code "Dot"}, ...). */
  public String apiName() {
    return apiName;
  }

  public static VectorSimilarity fromId(int id) {
    for (VectorSimilarity s : values()) {
      if (s.id == id) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown vector similarity id " + id);
  }

  /** Parses a similarity by its API name, case-insensitively ({@code "cosine"}, {@code "Dot"}). */
  public static VectorSimilarity fromName(String name) {
    for (VectorSimilarity s : values()) {
      if (s.apiName.equalsIgnoreCase(name) || s.name().equalsIgnoreCase(name)) {
        return s;
      }
    }
    throw new IllegalArgumentException(
        "distance must be one of Cosine, Dot, Euclid, Manhattan; got '" + name + "'");
  }

  /** Whether stored vectors and queries are normalised to unit length before scoring. */
  public boolean normalizes() {
    return this == COSINE;
  }

  /**
   * The score a user sees for an internal score (higher internal is always better): the dot product
   * for Dot and Cosine, the distance for Euclid and Manhattan, as Qdrant reports them.
   */
  public float apiScore(float internal) {
    switch (this) {
      case EUCLID:
        return (float) Math.sqrt(Math.max(0f, -internal));
      case MANHATTAN:
        return -internal;
      default:
        return internal;
    }
  }

  /**
   * Whether a result of internal score {@code internal} passes Qdrant's {@code score_threshold}: at
   * least the threshold for Dot and Cosine, at most it for the distances.
   */
  public boolean passes(float internal, float threshold) {
    switch (this) {
      case EUCLID:
      case MANHATTAN:
        return apiScore(internal) <= threshold;
      default:
        return internal >= threshold;
    }
  }

  /** Scores {@code a[aOffset..]} against {@code b[bOffset..]} over {@code length} dimensions. */
  public float score(VectorOps ops, float[] a, int aOffset, float[] b, int bOffset, int length) {
    switch (this) {
      case DOT:
      case COSINE:
        return ops.dot(a, aOffset, b, bOffset, length);
      case EUCLID:
        return -ops.squareDistance(a, aOffset, b, bOffset, length);
      case MANHATTAN:
        return -ops.manhattan(a, aOffset, b, bOffset, length);
      default:
        throw new AssertionError(this);
    }
  }

  /**
   * Scores the query {@code q[qOffset..]} against {@code count} stored vectors (at most {@link
   * VectorOps#MAX_MANY}), vector {@code i} at {@code vectors[i]} from {@code offsets[i]}, writing
   * the scores to {@code out[0..count)}; {@code out} needs room for {@link VectorOps#MAX_MANY}.
   */
  public void scoreMany(
      VectorOps ops,
      float[] q,
      int qOffset,
      float[][] vectors,
      int[] offsets,
      int count,
      int length,
      float[] out) {
    switch (this) {
      case DOT:
      case COSINE:
        ops.dotMany(q, qOffset, vectors, offsets, count, length, out);
        return;
      case EUCLID:
        ops.squareDistanceMany(q, qOffset, vectors, offsets, count, length, out);
        for (int i = 0; i < count; i++) {
          out[i] = -out[i];
        }
        return;
      case MANHATTAN:
        for (int i = 0; i < count; i++) {
          out[i] = -ops.manhattan(q, qOffset, vectors[i], offsets[i], length);
        }
        return;
      default:
        throw new AssertionError(this);
    }
  }
}
