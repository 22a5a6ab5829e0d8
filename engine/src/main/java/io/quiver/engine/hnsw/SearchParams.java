package io.quiver.engine.hnsw;

/**
 * Per-query search settings, after Qdrant's {@code SearchParams} and {@code
 * QuantizationSearchParams}.
 *
 * @param ef beam width; 0 means the index's {@code ef_construct}, as in Qdrant; raised to the
 *     number of candidates wanted when that is larger
 * @param exact brute force over the original vectors instead of the graph
 * @param ignoreQuantization walk the graph with the original vectors even when codes exist
 * @param rescore rescore the quantized candidates with the original vectors
 * @param oversampling fetch {@code ceil(k * oversampling)} quantized candidates before rescoring
 */
public record SearchParams(
    int ef, boolean exact, boolean ignoreQuantization, boolean rescore, double oversampling) {

  /**
   * Qdrant's defaults: ef from the index, approximate, quantized with rescoring, no oversampling.
   */
  public static final SearchParams DEFAULT = new SearchParams(0, false, false, true, 1.0);

  public SearchParams {
    if (ef < 0) {
      throw new IllegalArgumentException("hnsw_ef must be >= 0; got " + ef);
    }
    if (!(oversampling >= 1.0 && oversampling <= 1000.0)) {
      throw new IllegalArgumentException(
          "quantization.oversampling must be in [1, 1000]; got " + oversampling);
    }
  }

  public static SearchParams ef(int ef) {
    return new SearchParams(ef, false, false, true, 1.0);
  }

  public SearchParams withEf(int newEf) {
    return new SearchParams(newEf, exact, ignoreQuantization, rescore, oversampling);
  }

  public SearchParams withExact(boolean newExact) {
    return new SearchParams(ef, newExact, ignoreQuantization, rescore, oversampling);
  }

  public SearchParams withQuantization(boolean ignore, boolean newRescore, double newOversampling) {
    return new SearchParams(ef, exact, ignore, newRescore, newOversampling);
  }

  /** Candidates to take from the quantized pass for {@code k} results. */
  int candidates(int k) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(k, (long) Math.ceil(k * oversampling)));
  }
}
