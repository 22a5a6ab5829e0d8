package io.quiver.engine.hnsw;

import java.util.Arrays;

/**
 * The graph while it is being built: on every level, each member node owns a fixed-size slot of
 * parallel {@code int} (neighbour) and {@code float} (score to the owner) arrays, kept sorted best
 * first, with one spare entry so an insertion can overflow before it is pruned. No per-node
 * objects. Node levels are drawn before the build, so every array is allocated once.
 *
 * <p>Concurrency: a node's lists are modified only while holding its lock stripe ({@link
 * #lock(int)}). Searches read lists without locking; a reader racing a writer may see a list in the
 * middle of a shift, but every entry it can see is a valid node id, which is all an approximate
 * search during construction needs. The finished graph is published to readers by the thread pool's
 * termination.
 */
final class OnHeapHnswGraph implements HnswGraph {

  private static final int LOCK_STRIPES = 1024;

  private final int size;
  private final int[] nodeLevel;
  private final int[] capacity;

  /**
   * Per level >= 1: node -> slot, or -1 when the node is not on that level. Level 0 is identity.
   */
  private final int[][] slotOf;

  /** Per level: the node owning each slot. */
  private final int[][] slotNode;

  private final int[][] neighbors;
  private final float[][] scores;
  private final int[][] counts;
  private final int maxDegree;
  private final Object[] locks = new Object[LOCK_STRIPES];
  private final Object entryLock = new Object();

  /** Packed (level << 32 | node) of the entry point; -1 while empty. */
  private volatile long entry = -1;

  OnHeapHnswGraph(int[] nodeLevel, HnswConfig config) {
    this.size = nodeLevel.length;
    this.nodeLevel = nodeLevel;
    int levels = 1;
    for (int l : nodeLevel) {
      levels = Math.max(levels, l + 1);
    }
    int[] members = new int[levels];
    for (int l : nodeLevel) {
      for (int level = 0; level <= l; level++) {
        members[level]++;
      }
    }
    capacity = new int[levels];
    slotOf = new int[levels][];
    slotNode = new int[levels][];
    neighbors = new int[levels][];
    scores = new float[levels][];
    counts = new int[levels][];
    int degree = 0;
    for (int level = 0; level < levels; level++) {
      capacity[level] = config.maxConn(level) + 1;
      degree = Math.max(degree, capacity[level]);
      neighbors[level] = new int[Math.multiplyExact(members[level], capacity[level])];
      scores[level] = new float[members[level] * capacity[level]];
      counts[level] = new int[members[level]];
      slotNode[level] = new int[members[level]];
      if (level > 0) {
        slotOf[level] = new int[size];
        Arrays.fill(slotOf[level], -1);
      }
    }
    this.maxDegree = degree;
    int[] next = new int[levels];
    for (int node = 0; node < size; node++) {
      for (int level = 0; level <= nodeLevel[node]; level++) {
        int slot = next[level]++;
        slotNode[level][slot] = node;
        if (level > 0) {
          slotOf[level][node] = slot;
        }
      }
    }
    for (int i = 0; i < LOCK_STRIPES; i++) {
      locks[i] = new Object();
    }
  }

  @Override
  public int size() {
    return size;
  }

  int levels() {
    return capacity.length;
  }

  int nodeLevel(int node) {
    return nodeLevel[node];
  }

  @Override
  public int maxLevel() {
    long e = entry;
    return e < 0 ? -1 : (int) (e >>> 32);
  }

  @Override
  public int entryNode() {
    long e = entry;
    return e < 0 ? -1 : (int) e;
  }

  @Override
  public int maxDegree() {
    return maxDegree;
  }

  /** Makes {@code node} the entry point if its level is above the current one. */
  void offerEntry(int node) {
    int level = nodeLevel[node];
    synchronized (entryLock) {
      long e = entry;
      if (e < 0 || level > (int) (e >>> 32)) {
        entry = ((long) level << 32) | node;
      }
    }
  }

  Object lock(int node) {
    return locks[node & (LOCK_STRIPES - 1)];
  }

  /** The slot of {@code node} on {@code level}, or -1 when it is not there. */
  int slot(int level, int node) {
    return level == 0 ? node : slotOf[level][node];
  }

  int membersOnLevel(int level) {
    return counts[level].length;
  }

  int slotNode(int level, int slot) {
    return slotNode[level][slot];
  }

  @Override
  public int neighbors(int level, int node, int[] dst) {
    if (level >= capacity.length) {
      return 0;
    }
    int slot = slot(level, node);
    if (slot < 0) {
      return 0;
    }
    int count = Math.min(counts[level][slot], capacity[level]);
    System.arraycopy(neighbors[level], slot * capacity[level], dst, 0, count);
    return count;
  }

  /** Count of the list in {@code slot} on {@code level}; callers hold the node's lock. */
  int count(int level, int slot) {
    return counts[level][slot];
  }

  void setCount(int level, int slot, int count) {
    counts[level][slot] = count;
  }

  int base(int level, int slot) {
    return slot * capacity[level];
  }

  int[] neighborArray(int level) {
    return neighbors[level];
  }

  float[] scoreArray(int level) {
    return scores[level];
  }
}
