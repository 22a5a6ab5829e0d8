package io.quiver.engine.hnsw;

import java.util.Arrays;

/**
 * A binary heap of (node, score) pairs packed into longs: the score's order-preserving int bits in
 * the high half, the node in the low half. As a min-heap its top is the worst kept result; as a
 * max-heap (entries stored bit-inverted, which reverses the order exactly) its top is the best
 * candidate. No boxing, no per-entry objects.
 */
final class NeighborQueue {

  private final boolean maxHeap;
  private long[] heap;
  private int size;

  NeighborQueue(int initialCapacity, boolean maxHeap) {
    this.heap = new long[Math.max(1, initialCapacity) + 1];
    this.maxHeap = maxHeap;
  }

  static int sortableInt(float score) {
    int bits = Float.floatToIntBits(score);
    return bits ^ ((bits >> 31) & 0x7fffffff);
  }

  static float fromSortableInt(int sortable) {
    return Float.intBitsToFloat(sortable ^ ((sortable >> 31) & 0x7fffffff));
  }

  private long encode(int node, float score) {
    long v = ((long) sortableInt(score) << 32) | (node & 0xffffffffL);
    return maxHeap ? ~v : v;
  }

  private long decode(long stored) {
    return maxHeap ? ~stored : stored;
  }

  int size() {
    return size;
  }

  boolean isEmpty() {
    return size == 0;
  }

  void clear() {
    size = 0;
  }

  void add(int node, float score) {
    if (size + 1 == heap.length) {
      heap = Arrays.copyOf(heap, heap.length * 2);
    }
    heap[++size] = encode(node, score);
    upHeap(size);
  }

  /**
   * Adds the pair if there is room or it beats the top; for a min-heap bounded to {@code maxSize}
   * this keeps the best {@code maxSize} scores. Returns whether it was added.
   */
  boolean insertWithOverflow(int node, float score, int maxSize) {
    assert !maxHeap : "insertWithOverflow keeps the best scores of a min-heap";
    if (size < maxSize) {
      add(node, score);
      return true;
    }
    long v = encode(node, score);
    if (v > heap[1]) {
      heap[1] = v;
      downHeap(1);
      return true;
    }
    return false;
  }

  int topNode() {
    return (int) decode(heap[1]);
  }

  float topScore() {
    return fromSortableInt((int) (decode(heap[1]) >>> 32));
  }

  /** Removes the top and returns its node. */
  int pop() {
    long top = heap[1];
    heap[1] = heap[size--];
    if (size > 0) {
      downHeap(1);
    }
    return (int) decode(top);
  }

  private void upHeap(int i) {
    long v = heap[i];
    int parent = i >>> 1;
    while (parent > 0 && v < heap[parent]) {
      heap[i] = heap[parent];
      i = parent;
      parent = i >>> 1;
    }
    heap[i] = v;
  }

  private void downHeap(int i) {
    long v = heap[i];
    int child = i << 1;
    while (child <= size) {
      if (child < size && heap[child + 1] < heap[child]) {
        child++;
      }
      if (heap[child] >= v) {
        break;
      }
      heap[i] = heap[child];
      i = child;
      child = i << 1;
    }
    heap[i] = v;
  }
}
