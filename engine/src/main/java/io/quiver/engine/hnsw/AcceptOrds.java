package io.quiver.engine.hnsw;

/**
 * Which internal ordinals a search may return: the filter and the deleted points, combined. Graph
 * traversal still walks through rejected nodes, so a restrictive filter does not cut the graph.
 */
@FunctionalInterface
public interface AcceptOrds {

  /** Accepts every ordinal. */
  AcceptOrds ALL = ord -> true;

  boolean accept(int ord);
}
