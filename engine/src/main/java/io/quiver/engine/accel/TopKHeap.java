package io.quiver.engine.accel;

/**
 * The best {@code k} of a stream of (id, score) pairs, in the order accelerators promise: higher
 * score first, then lower id. A binary heap whose root is the worst entry kept, over two parallel
 * primitive arrays, reused across rows.
 */
final class TopKHeap {

  private final int k;
  private final int[] ids;
  private final float[] scores;
  private int size;

  TopKHeap(int k) {
    this.k = k;
    this.ids = new int[k];
    this.scores = new float[k];
  }

  void clear() {
    size = 0;
  }

  /** Whether (a, sa) ranks after (b, sb). */
  static boolean worse(float sa, int a, float sb, int b) {
    return sa < sb || (sa == sb && a > b);
  }

  void offer(int id, float score) {
    if (size < k) {
      int i = size++;
      ids[i] = id;
      scores[i] = score;
      siftUp(i);
    } else if (k > 0 && worse(scores[0], ids[0], score, id)) {
      ids[0] = id;
      scores[0] = score;
      siftDown(0);
    }
  }

  /** Writes the entries best first into {@code row} of {@code out}, padding with -1; clears. */
  void drainInto(Neighbors out, int row) {
    int base = row * out.k();
    for (int i = size; i < out.k(); i++) {
      out.ids()[base + i] = -1;
      out.scores()[base + i] = Float.NEGATIVE_INFINITY;
    }
    for (int i = size - 1; i >= 0; i--) {
      out.ids()[base + i] = ids[0];
      out.scores()[base + i] = scores[0];
      size--;
      ids[0] = ids[size];
      scores[0] = scores[size];
      siftDown(0);
    }
    size = 0;
  }

  private void siftUp(int i) {
    int id = ids[i];
    float score = scores[i];
    while (i > 0) {
      int parent = (i - 1) >>> 1;
      if (!worse(score, id, scores[parent], ids[parent])) {
        break;
      }
      ids[i] = ids[parent];
      scores[i] = scores[parent];
      i = parent;
    }
    ids[i] = id;
    scores[i] = score;
  }

  private void siftDown(int i) {
    int id = ids[i];
    float score = scores[i];
    while (true) {
      int child = 2 * i + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && worse(scores[child + 1], ids[child + 1], scores[child], ids[child])) {
        child++;
      }
      if (!worse(scores[child], ids[child], score, id)) {
        break;
      }
      ids[i] = ids[child];
      scores[i] = scores[child];
      i = child;
    }
    ids[i] = id;
    scores[i] = score;
  }
}
