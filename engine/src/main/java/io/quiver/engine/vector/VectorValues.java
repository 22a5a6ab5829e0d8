package io.quiver.engine.vector;

/**
 * Dense float vectors of one dimension addressed by ordinal {@code 0..size-1}. Implementations keep
 * them on the heap ({@link ArrayVectorValues}) or in a memory-mapped file ({@link
 * MappedVectorValues}); both score through the same {@link VectorOps}.
 *
 * <p>Reads are safe from many threads once the vectors are published; scorers are per thread.
 */
public abstract class VectorValues {

  public abstract int dimension();

  public abstract int size();

  /**
   * Copies vector {@code ord} into {@code dst} (at least {@link #dimension()} long) and returns it.
   */
  public abstract float[] vector(int ord, float[] dst);

  /** A scorer of {@code query} (already prepared for {@code similarity}) against these vectors. */
  public abstract RandomVectorScorer scorer(VectorSimilarity similarity, float[] query);

  /** A scorer whose query is the stored vector {@code ord}: used while building graphs. */
  public abstract RandomVectorScorer scorer(VectorSimilarity similarity, int ord);

  /** The score between two stored vectors; used by graph construction's diversity checks. */
  public abstract float score(VectorSimilarity similarity, int a, int b);

  /** Bytes these vectors occupy on the heap. */
  public abstract long heapBytes();

  /** Bytes these vectors occupy outside the heap (mapped files). */
  public abstract long offHeapBytes();
}
