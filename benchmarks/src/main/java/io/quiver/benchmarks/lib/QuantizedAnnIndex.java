package io.quiver.benchmarks.lib;

/**
 * An index that walks its graph scoring with compressed codes, takes the best {@code ceil(k *
 * oversampling)} candidates of that pass and rescores them with the float vectors it also keeps,
 * returning the best k. The beam is {@code max(ef, candidates)}, so an oversampling larger than ef
 * / k widens the search rather than rescoring fewer candidates than asked for.
 */
public interface QuantizedAnnIndex extends AnnIndex {

  /** Up to {@code k} nearest ordinals of {@code query}, best first by the float vectors. */
  int[] search(float[] query, int k, int ef, double oversampling) throws Exception;

  /** Without oversampling: the best k of the quantized pass, rescored. */
  @Override
  default int[] search(float[] query, int k, int ef) throws Exception {
    return search(query, k, ef, 1.0);
  }

  /** The codes as the library describes them ({@code "int8 q=0.99"}, an encoding name). */
  String scheme();

  /** Bytes of the codes of all vectors, their per-vector correction terms included. */
  long codeBytes();

  /**
   * Bytes of the quantizer's trained parameters (ranges, a rotation, codebooks, a centroid): a cost
   * per index, not per vector, that small datasets do not amortize.
   */
  long parameterBytes();

  /** How {@link #codeBytes} and {@link #parameterBytes} were obtained, for the report. */
  String codeBytesSource();

  /**
   * Nanoseconds of {@link #buildNanos} spent training the quantizer and encoding the vectors, or -1
   * when the library does both inside its build and cannot say.
   */
  long quantizeNanos();

  /** This index searched with a fixed oversampling, as the ef sweep wants it. */
  default AnnIndex atOversampling(double oversampling) {
    return new OversampledIndex(this, oversampling);
  }

  /** Candidates taken from the quantized pass for {@code k} results: {@code ceil(k * o)}. */
  static int candidates(int k, double oversampling) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(k, (long) Math.ceil(k * oversampling)));
  }
}
