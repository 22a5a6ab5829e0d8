package io.quiver.engine.vector;

import java.util.Arrays;

/**
 * Vectors packed into large float arrays on the heap, scored in place with no copy. Storage is
 * addressed in chunks of a power-of-two number of vectors (each chunk at most 2^30 floats), so the
 * total is not limited to one Java array; only the last chunk is partly filled, and it is sized to
 * the expected count and grown by half when that is passed.
 *
 * <p>Appends are single-threaded; vectors already appended can be read from any thread once the
 * appending thread has published this object (for example by handing it to an executor).
 */
public final class ArrayVectorValues extends VectorValues {

  private static final int MAX_CHUNK_FLOATS = 1 << 30;

  private final VectorOps ops = VectorOpsProvider.get();
  private final int dimension;
  private final int chunkShift;
  private final int chunkMask;
  private final int expectedSize;
  private float[][] chunks = new float[0][];
  private int size;

  public ArrayVectorValues(int dimension, int expectedSize) {
    this.dimension = Vectors.checkDimension(dimension);
    if (expectedSize < 0) {
      throw new IllegalArgumentException("expectedSize must be >= 0; got " + expectedSize);
    }
    int perChunk = Integer.highestOneBit(MAX_CHUNK_FLOATS / dimension);
    this.chunkShift = Integer.numberOfTrailingZeros(perChunk);
    this.chunkMask = perChunk - 1;
    this.expectedSize = expectedSize;
  }

  /** Copies {@code vectors} (all of one dimension, finite) into a new instance. */
  public static ArrayVectorValues of(float[][] vectors) {
    if (vectors.length == 0) {
      throw new IllegalArgumentException("vectors must not be empty");
    }
    ArrayVectorValues values = new ArrayVectorValues(vectors[0].length, vectors.length);
    for (float[] v : vectors) {
      values.add(v);
    }
    return values;
  }

  /** Copies every vector of {@code source} into a new instance, in ordinal order. */
  public static ArrayVectorValues copyOf(VectorValues source) {
    ArrayVectorValues values = new ArrayVectorValues(source.dimension(), source.size());
    float[] buffer = new float[source.dimension()];
    for (int ord = 0; ord < source.size(); ord++) {
      values.add(source.vector(ord, buffer));
    }
    return values;
  }

  /**
   * Appends a copy of {@code vector}, which must be finite and of this dimension; returns its
   * ordinal.
   */
  public int add(float[] vector) {
    Vectors.checkValid(vector, dimension, "vector " + size);
    int ord = size;
    int chunk = ord >>> chunkShift;
    int slot = ord & chunkMask;
    if (chunk == chunks.length) {
      chunks = Arrays.copyOf(chunks, chunk + 1);
      chunks[chunk] =
          new float[Math.min(chunkMask + 1, Math.max(16, expectedSize - ord)) * dimension];
    } else if ((slot + 1) * dimension > chunks[chunk].length) {
      // Only the last chunk grows, by half, up to its full power-of-two size.
      int vectors = chunks[chunk].length / dimension;
      int grown = Math.min(chunkMask + 1, vectors + Math.max(16, vectors >> 1));
      chunks[chunk] = Arrays.copyOf(chunks[chunk], grown * dimension);
    }
    System.arraycopy(vector, 0, chunks[chunk], slot * dimension, dimension);
    size = ord + 1;
    return ord;
  }

  @Override
  public int dimension() {
    return dimension;
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public float[] vector(int ord, float[] dst) {
    checkOrd(ord);
    System.arraycopy(chunks[ord >>> chunkShift], (ord & chunkMask) * dimension, dst, 0, dimension);
    return dst;
  }

  private void checkOrd(int ord) {
    if (ord < 0 || ord >= size) {
      throw new IndexOutOfBoundsException("ordinal " + ord + " outside [0, " + size + ")");
    }
  }

  @Override
  public RandomVectorScorer scorer(VectorSimilarity similarity, float[] query) {
    Vectors.checkValid(query, dimension, "query vector");
    return new Scorer(similarity, query, 0);
  }

  @Override
  public RandomVectorScorer scorer(VectorSimilarity similarity, int ord) {
    checkOrd(ord);
    return new Scorer(similarity, chunks[ord >>> chunkShift], (ord & chunkMask) * dimension);
  }

  @Override
  public float score(VectorSimilarity similarity, int a, int b) {
    return similarity.score(
        ops,
        chunks[a >>> chunkShift],
        (a & chunkMask) * dimension,
        chunks[b >>> chunkShift],
        (b & chunkMask) * dimension,
        dimension);
  }

  @Override
  public long heapBytes() {
    long bytes = 16L + 8L * chunks.length;
    for (float[] c : chunks) {
      bytes += 16L + 4L * c.length;
    }
    return bytes;
  }

  @Override
  public long offHeapBytes() {
    return 0;
  }

  private final class Scorer implements RandomVectorScorer {
    private final VectorSimilarity similarity;
    private final float[] query;
    private final int queryOffset;
    private final float[][] batch = new float[VectorOps.MAX_MANY][];
    private final int[] batchOffsets = new int[VectorOps.MAX_MANY];
    private final float[] batchScores = new float[VectorOps.MAX_MANY];

    Scorer(VectorSimilarity similarity, float[] query, int queryOffset) {
      this.similarity = similarity;
      this.query = query;
      this.queryOffset = queryOffset;
    }

    @Override
    public float score(int ord) {
      return similarity.score(
          ops,
          query,
          queryOffset,
          chunks[ord >>> chunkShift],
          (ord & chunkMask) * dimension,
          dimension);
    }

    /**
     * Up to {@link VectorOps#MAX_MANY} vectors per kernel call, so that as many fetches from memory
     * are in flight at once: that, not arithmetic, bounds a search over vectors that do not fit in
     * cache ({@link VectorOps#nextBatch} cuts a longer list).
     */
    @Override
    public void bulkScore(int[] ords, float[] scores, int count) {
      for (int from = 0, n; from < count; from += n) {
        n = VectorOps.nextBatch(count - from);
        for (int i = 0; i < n; i++) {
          int ord = ords[from + i];
          batch[i] = chunks[ord >>> chunkShift];
          batchOffsets[i] = (ord & chunkMask) * dimension;
        }
        similarity.scoreMany(
            ops, query, queryOffset, batch, batchOffsets, n, dimension, batchScores);
        System.arraycopy(batchScores, 0, scores, from, n);
      }
    }
  }
}
