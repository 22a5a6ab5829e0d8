package io.quiver.engine.quant;

import io.quiver.engine.vector.RandomVectorScorer;
import io.quiver.engine.vector.VectorSimilarity;
import java.nio.ByteBuffer;

/**
 * Compresses vectors of one dimension into fixed-size codes and scores queries against those codes
 * (after jvector's {@code VectorCompressor}). A quantizer is trained once (its parameters: clipping
 * ranges, codebooks, a rotation) and then immutable and safe to share between threads; the codes
 * live in {@link QuantizedVectors}.
 *
 * <p>Vectors and queries are given <em>prepared</em> for the similarity ({@link
 * io.quiver.engine.vector.Vectors#prepare}: normalised for cosine). Scores follow {@link
 * VectorSimilarity}'s convention, higher is better, and estimate the exact score: code scores are
 * used to walk the graph and pick candidates, and the best candidates are rescored with the
 * original vectors.
 */
public interface VectorQuantizer {

  QuantizationKind kind();

  VectorSimilarity similarity();

  int dimension();

  /** Bytes of one encoded vector, per-vector correction terms included. */
  int codeBytes();

  /** Encodes {@code vector} into {@code dst[offset .. offset + codeBytes())}. */
  void encode(float[] vector, byte[] dst, int offset);

  /**
   * The vector the code at {@code src[offset..]} stands for, written to {@code dst}: for error
   * analysis and tests; scoring never decodes.
   */
  float[] decode(byte[] src, int offset, float[] dst);

  /** A scorer of {@code query} against {@code codes}; confined to the calling thread. */
  RandomVectorScorer scorer(float[] query, QuantizedVectors codes);

  /** Length of {@link #writeParameters}' output. */
  int parametersLength();

  /** Writes the trained parameters in this quantizer's documented layout, little-endian. */
  void writeParameters(ByteBuffer out);

  /** Heap bytes of the trained parameters (codebooks, ranges, rotation). */
  long parametersHeapBytes();

  /** A short description for logs and benchmark tables, e.g. {@code "int8 q=0.99"}. */
  String describe();
}
