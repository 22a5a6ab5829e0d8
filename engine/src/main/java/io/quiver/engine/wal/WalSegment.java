package io.quiver.engine.wal;

import java.nio.file.Path;

/**
 * One file of the log and the sequence of its first record; its last record is the next file's
 * first sequence minus one, or the log's last sequence for the newest file.
 */
record WalSegment(Path path, long firstSequence) {}
