/**
 * Segments: the immutable, indexed unit of a shard on disk (ids, vectors, codes, graphs, payloads,
 * payload indexes) with the {@code SegmentBuilder} that writes one in a single pass, and the one
 * mutable segment new points land in.
 */
package io.quiver.engine.segment;
