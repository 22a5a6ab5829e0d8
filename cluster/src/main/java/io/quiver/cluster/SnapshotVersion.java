package io.quiver.cluster;

import java.time.Instant;

/**
 * One version of a collection's data: the empty collection it was created as (version 1, no
 * source), or a snapshot published or recovered into it.
 *
 * @param version increases by one with every publish or recovery
 * @param source where the snapshot came from (a path or URI), or null
 * @param watermark the snapshot's watermark (writes continue after it), 0 for none
 * @param publishedAt when it started serving
 * @param current whether it is serving now
 */
public record SnapshotVersion(
    long version, String source, long watermark, Instant publishedAt, boolean current) {}
