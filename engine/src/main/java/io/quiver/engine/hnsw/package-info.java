/**
 * The HNSW graph: {@link io.quiver.engine.hnsw.HnswIndex} is the entry point (build, search, write,
 * open). Inside, the builder inserts into an on-heap graph of primitive arrays from one or more
 * threads, the result is packed into a compact delta-encoded form that is searched in place on the
 * heap or memory-mapped, and one searcher class does every beam search. Graph code sees node ids
 * and scores only; vectors stay behind the scorer.
 */
package io.quiver.engine.hnsw;
