package io.quiver.cluster;

/**
 * The answer to a write.
 *
 * @param operationId the write's sequence in its shard's log
 * @param completed true once the write is applied and durable ({@code wait = true}); false when it
 *     was only acknowledged (applied and logged, fsync pending)
 */
public record UpdateResult(long operationId, boolean completed) {}
