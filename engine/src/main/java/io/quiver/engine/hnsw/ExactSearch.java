package io.quiver.engine.hnsw;

import io.quiver.engine.vector.RandomVectorScorer;
import java.util.PrimitiveIterator;

/**
 * Brute-force top-k: scores every accepted ordinal in blocks through the scorer's bulk path. Used
 * for small segments, the mutable segment, explicit {@code exact} requests, and filters so
 * restrictive that scanning their candidates beats walking the graph.
 */
public final class ExactSearch {

  private static final int BLOCK = 256;

  private ExactSearch() {}

  /** The best {@code k} of the ordinals in {@code [0, size)} that {@code accept} allows. */
  public static SearchResults search(
      RandomVectorScorer scorer, int k, int size, AcceptOrds accept) {
    NeighborQueue top = new NeighborQueue(k, false);
    int[] ords = new int[BLOCK];
    float[] scores = new float[BLOCK];
    long visited = 0;
    for (int start = 0; start < size; start += BLOCK) {
      int n = 0;
      for (int ord = start, end = Math.min(size, start + BLOCK); ord < end; ord++) {
        if (accept.accept(ord)) {
          ords[n++] = ord;
        }
      }
      visited += scoreBlock(scorer, ords, scores, n, top, k);
    }
    return SearchResults.fromMinHeap(top, k, visited);
  }

  /** The best {@code k} of the ordinals {@code candidates} yields that {@code accept} allows. */
  public static SearchResults search(
      RandomVectorScorer scorer, int k, PrimitiveIterator.OfInt candidates, AcceptOrds accept) {
    NeighborQueue top = new NeighborQueue(k, false);
    int[] ords = new int[BLOCK];
    float[] scores = new float[BLOCK];
    long visited = 0;
    int n = 0;
    while (candidates.hasNext()) {
      int ord = candidates.nextInt();
      if (accept.accept(ord)) {
        ords[n++] = ord;
        if (n == BLOCK) {
          visited += scoreBlock(scorer, ords, scores, n, top, k);
          n = 0;
        }
      }
    }
    visited += scoreBlock(scorer, ords, scores, n, top, k);
    return SearchResults.fromMinHeap(top, k, visited);
  }

  private static int scoreBlock(
      RandomVectorScorer scorer, int[] ords, float[] scores, int n, NeighborQueue top, int k) {
    scorer.bulkScore(ords, scores, n);
    for (int i = 0; i < n; i++) {
      top.insertWithOverflow(ords[i], scores[i], k);
    }
    return n;
  }
}
