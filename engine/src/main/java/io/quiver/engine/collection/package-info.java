/**
 * Collections as a user holds them: the configuration (named vectors, HNSW, quantization,
 * optimizer, WAL) in Qdrant's JSON shape, and the embedded {@code QuiverCollection} API.
 */
package io.quiver.engine.collection;
