package io.quiver.spark.stream;

import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * What one task of a micro-batch sent, every request acknowledged: for the driver's log line.
 *
 * @param partition the task's partition
 * @param upserted points in acknowledged upserts
 * @param deleted ids in acknowledged deletes
 * @param requests HTTP requests, retries included
 * @param retries requests sent again
 */
record StreamCommitMessage(int partition, long upserted, long deleted, long requests, long retries)
    implements WriterCommitMessage {}
