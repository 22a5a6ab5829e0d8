/**
 * Dense vectors and the arithmetic on them: similarities ({@link
 * io.quiver.engine.vector.VectorSimilarity}), the SIMD and scalar kernels behind one interface
 * chosen once per JVM ({@link io.quiver.engine.vector.VectorOpsProvider}), and vector storage on
 * the heap or memory-mapped, each scored through a per-thread {@link
 * io.quiver.engine.vector.RandomVectorScorer}.
 */
package io.quiver.engine.vector;
