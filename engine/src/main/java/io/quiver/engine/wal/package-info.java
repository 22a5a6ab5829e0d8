/**
 * The shard's write-ahead log: {@link io.quiver.engine.wal.Wal} appends records under consecutive
 * sequence numbers into a directory of checksummed files, makes them durable with group commit,
 * replays them after a restart and drops files the shard's flushed state covers. The byte layout is
 * in {@code WalFormat}; what opening a damaged log does is in {@code WalRecovery}.
 */
package io.quiver.engine.wal;
