package io.quiver.engine.vector;

/**
 * Scores one query against stored vectors addressed by ordinal; the only place graph code gets a
 * score from. Instances hold scratch space and are confined to one thread.
 */
public interface RandomVectorScorer {

  /** The score of the query against vector {@code ord}; higher is better. */
  float score(int ord);

  /** Scores {@code ords[0..count)} into {@code scores[0..count)}. */
  void bulkScore(int[] ords, float[] scores, int count);
}
