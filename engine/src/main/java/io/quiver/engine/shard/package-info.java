/**
 * One shard on one machine: its segments, the single writer that applies operations in sequence
 * order (from its own WAL or an external log), searches across segments, and the background
 * optimizer that indexes, vacuums and merges segments and checkpoints the shard.
 */
package io.quiver.engine.shard;
