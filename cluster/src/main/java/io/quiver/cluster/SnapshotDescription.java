package io.quiver.cluster;

import java.time.Instant;

/**
 * A snapshot file a node holds for a collection, as Qdrant lists it.
 *
 * @param name the file name, e.g. {@code docs-42-2026-11-21-12-00-00.snapshot}
 * @param creationTime when it was written
 * @param size its length in bytes
 * @param checksum sha256 of the file, lowercase hex
 */
public record SnapshotDescription(String name, Instant creationTime, long size, String checksum) {}
