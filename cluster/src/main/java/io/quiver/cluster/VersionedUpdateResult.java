package io.quiver.cluster;

/**
 * The answer to a versioned write.
 *
 * @param operationId the write's sequence in its shard's log
 * @param completed true once the write is applied and durable ({@code wait = true}); false when it
 *     was only acknowledged (applied and logged, fsync pending)
 * @param applied points written or deleted
 * @param stale points left alone because their stored version was the same or newer
 */
public record VersionedUpdateResult(
    long operationId, boolean completed, long applied, long stale) {}
