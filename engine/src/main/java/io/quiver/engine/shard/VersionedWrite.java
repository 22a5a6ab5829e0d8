package io.quiver.engine.shard;

/**
 * What a versioned write did.
 *
 * @param sequence the write's sequence in the shard's log
 * @param applied points written or deleted
 * @param stale points left alone because their stored version was the same or newer
 */
public record VersionedWrite(long sequence, int applied, int stale) {}
