package io.quiver.engine.hnsw;

/** The nearest vectors found by a search: ordinals and scores, best first. */
public final class SearchResults {

  private static final SearchResults EMPTY = new SearchResults(new int[0], new float[0], 0);

  private final int[] ords;
  private final float[] scores;
  private final long visited;

  SearchResults(int[] ords, float[] scores, long visited) {
    this.ords = ords;
    this.scores = scores;
    this.visited = visited;
  }

  static SearchResults empty() {
    return EMPTY;
  }

  /** Takes the best {@code k} of a min-heap (worst on top), emptying it. */
  static SearchResults fromMinHeap(NeighborQueue heap, int k, long visited) {
    while (heap.size() > k) {
      heap.pop();
    }
    int n = heap.size();
    int[] ords = new int[n];
    float[] scores = new float[n];
    for (int i = n - 1; i >= 0; i--) {
      scores[i] = heap.topScore();
      ords[i] = heap.pop();
    }
    return new SearchResults(ords, scores, visited);
  }

  public int size() {
    return ords.length;
  }

  public int ord(int i) {
    return ords[i];
  }

  /** The score of result {@code i}; higher is better (see {@code VectorSimilarity}). */
  public float score(int i) {
    return scores[i];
  }

  /** How many vectors the search scored. */
  public long visited() {
    return visited;
  }

  public int[] ords() {
    return ords.clone();
  }
}
