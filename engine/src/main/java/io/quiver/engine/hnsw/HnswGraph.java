package io.quiver.engine.hnsw;

/**
 * The read view of a layered proximity graph: node ids are vector ordinals, levels count up from 0
 * (every node) to {@link #maxLevel()} (few nodes). Graph code sees ids, never vectors.
 */
interface HnswGraph {

  /** Number of nodes (= vector ordinals {@code 0..size-1}). */
  int size();

  /** The highest level, or -1 for an empty graph. */
  int maxLevel();

  /** The node searches start from, on {@link #maxLevel()}; -1 for an empty graph. */
  int entryNode();

  /** The largest number of neighbours any node has on any level (sizes scratch arrays). */
  int maxDegree();

  /**
   * Copies the neighbours of {@code node} on {@code level} into {@code dst} and returns how many
   * there are; 0 when the node is not on that level.
   */
  int neighbors(int level, int node, int[] dst);
}
