package io.quiver.engine.hnsw;

/**
 * Which nodes a search has already scored: a bitset (one bit per node, so a million-node graph's
 * set stays in L2 cache) that remembers which words it dirtied, so clearing costs as much as the
 * search visited, not the graph's size.
 */
final class VisitedSet {

  private final long[] bits;
  private final int capacity;
  private int[] touched = new int[256];
  private int touchedCount;

  VisitedSet(int size) {
    this.capacity = size;
    this.bits = new long[(size + 63) >>> 6];
  }

  void clear() {
    for (int i = 0; i < touchedCount; i++) {
      bits[touched[i]] = 0;
    }
    touchedCount = 0;
  }

  /** Marks {@code node} visited; returns true if it was not visited since the last clear. */
  boolean visit(int node) {
    int word = node >>> 6;
    long mask = 1L << node;
    long w = bits[word];
    if ((w & mask) != 0) {
      return false;
    }
    if (w == 0) {
      if (touchedCount == touched.length) {
        touched = java.util.Arrays.copyOf(touched, touchedCount * 2);
      }
      touched[touchedCount++] = word;
    }
    bits[word] = w | mask;
    return true;
  }

  int capacity() {
    return capacity;
  }
}
