package io.quiver.engine.hnsw;

/**
 * Which nodes a search has already scored. Each slot holds the epoch in which it was last visited,
 * so starting a new search is one increment instead of clearing an array of the graph's size.
 */
final class VisitedSet {

  private final int[] epochs;
  private int epoch;

  VisitedSet(int size) {
    this.epochs = new int[size];
  }

  void clear() {
    if (++epoch == Integer.MAX_VALUE) {
      java.util.Arrays.fill(epochs, 0);
      epoch = 1;
    }
  }

  /** Marks {@code node} visited; returns true if it was not visited before in this epoch. */
  boolean visit(int node) {
    if (epochs[node] == epoch) {
      return false;
    }
    epochs[node] = epoch;
    return true;
  }

  int capacity() {
    return epochs.length;
  }
}
