package io.quiver.spark.write;

import io.quiver.engine.segment.SegmentId;
import io.quiver.engine.snapshot.FileDigests;
import io.quiver.engine.snapshot.store.CollectionLayout;
import io.quiver.spark.HadoopConf;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Everything a task needs to know about the write it belongs to, decided once on the driver: which
 * version of which collection, the job's id, the shard count, the config and the row conversion.
 */
record WriteJob(
    WriteOptions options,
    CollectionLayout layout,
    HadoopConf hadoopConf,
    CollectionSpec spec,
    RowConverter converter,
    long version,
    String jobId,
    int shards,
    boolean append)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** The number of tasks the write asks Spark for. */
  int partitions() {
    return shards * options.slicesPerShard;
  }

  /**
   * The id of the segment a task attempt builds for a shard: derived from (job, partition, attempt,
   * shard), so it is reproducible from the logs, and no two attempts share one (a retried or
   * speculative attempt never writes into its predecessor's folder).
   */
  SegmentId segmentId(int partition, long taskAttemptId, int shard) {
    byte[] digest =
        FileDigests.newSha256()
            .digest(
                (jobId + "/" + partition + "/" + taskAttemptId + "/" + shard)
                    .getBytes(StandardCharsets.UTF_8));
    return SegmentId.parse(FileDigests.hex(Arrays.copyOf(digest, 16)));
  }
}
