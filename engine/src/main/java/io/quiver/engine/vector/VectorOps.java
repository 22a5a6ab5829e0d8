package io.quiver.engine.vector;

/**
 * The arithmetic kernels every score comes from. Two implementations exist: {@link PlainVectorOps}
 * (scalar Java, the reference) and {@code PanamaVectorOps} (the incubating Vector API); {@link
 * VectorOpsProvider} picks one at start-up.
 *
 * <p>Vectors are addressed as an array plus an offset, so vectors packed into one large array are
 * scored without copying.
 */
public interface VectorOps {

  /** A short name for logs and benchmark tables. */
  String name();

  float dot(float[] a, int aOffset, float[] b, int bOffset, int length);

  float squareDistance(float[] a, int aOffset, float[] b, int bOffset, int length);

  float manhattan(float[] a, int aOffset, float[] b, int bOffset, int length);

  /** The most vectors one call of {@link #dotMany} or {@link #squareDistanceMany} scores. */
  int MAX_MANY = 16;

  /**
   * How many of {@code remaining} vectors the next many-at-once call should take: the list is cut
   * into near-equal calls of at most {@link #MAX_MANY} (17 as 9 and 8, not 16 and a lone 1, which
   * would have only one fetch in flight).
   */
  static int nextBatch(int remaining) {
    int calls = (remaining + MAX_MANY - 1) / MAX_MANY;
    return (remaining + calls - 1) / calls;
  }

  /**
   * Dot products of one query against {@code count} vectors (1 to {@link #MAX_MANY}), vector {@code
   * i} at {@code vectors[i]} from {@code offsets[i]}, written to {@code out[0..count)}. {@code out}
   * must have room for {@link #MAX_MANY} scores: what lies past {@code count} is scratch.
   *
   * <p>Scoring many vectors in one loop keeps one independent stream from memory in flight per
   * vector. A search over vectors that do not fit in cache is bound by how many fetches are in
   * flight, not by arithmetic: on a 768-dimension set, sixteen at a time read a vector in 160 ns
   * where four took 200 and one 380.
   */
  void dotMany(
      float[] q, int qOffset, float[][] vectors, int[] offsets, int count, int length, float[] out);

  /** Squared Euclidean distances of one query to many vectors, addressed as in {@link #dotMany}. */
  void squareDistanceMany(
      float[] q, int qOffset, float[][] vectors, int[] offsets, int count, int length, float[] out);

  /**
   * The dot product of a float query with signed byte codes {@code codes[offset..offset+length)}:
   * the kernel of scalar-quantized scoring.
   */
  float dotBytes(float[] q, byte[] codes, int offset, int length);

  /**
   * {@link #dotBytes} of one query against {@code count} codes (1 to {@link #MAX_MANY}), code
   * {@code i} at {@code codes[i]} from {@code offsets[i]}, written to {@code out[0..count)}, as
   * {@link #dotMany} does for float vectors ({@code out} has room for {@link #MAX_MANY}). A code
   * scores exactly as {@link #dotBytes} scores it, in any batch.
   */
  void dotBytesMany(float[] q, byte[][] codes, int[] offsets, int count, int length, float[] out);

  /**
   * The dot product of a float query with unsigned 4-bit codes packed in 32-dimension blocks of 16
   * bytes: byte {@code j} of block {@code b} holds dimension {@code 32b + j} in its low nibble and
   * {@code 32b + 16 + j} in its high nibble. {@code q} holds {@code 32 * blocks} values.
   */
  float dotNibbles(float[] q, byte[] codes, int offset, int blocks);

  /**
   * {@code sum(scale[i] * |q[i] - codes[offset + i]|)} over signed byte codes: the L1 distance of a
   * query (already mapped into code units) to a scalar-quantized vector.
   */
  float manhattanBytes(float[] q, float[] scale, byte[] codes, int offset, int length);
}
