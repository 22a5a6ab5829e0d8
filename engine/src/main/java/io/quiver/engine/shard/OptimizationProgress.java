package io.quiver.engine.shard;

/**
 * A running or finished optimization, as a server shows it.
 *
 * @param kind "indexing" (mutable segment to an indexed one), "vacuum" or "merge"
 * @param points points the new segment receives
 * @param done points added so far ({@code points} once the graph build starts)
 * @param stage "collecting", "building", "swapping" or "done"
 * @param startedAtMillis when it started
 * @param finishedAtMillis when it finished, or 0 while it runs
 */
public record OptimizationProgress(
    String kind,
    long points,
    long done,
    String stage,
    long startedAtMillis,
    long finishedAtMillis) {}
