package io.quiver.spark.write;

import io.quiver.engine.snapshot.store.StagedSegment;
import java.util.List;
import org.apache.spark.sql.connector.write.WriterCommitMessage;

/**
 * What a committed task attempt reports to the driver: the segments it uploaded (normally one) and
 * its row counts.
 *
 * @param partition the task's partition
 * @param taskAttemptId Spark's id of the attempt that committed
 * @param segments the uploaded segments
 * @param rows rows taken
 * @param skipped rows skipped by {@code on_error=skip}
 */
record SegmentCommitMessage(
    int partition, long taskAttemptId, List<StagedSegment> segments, long rows, long skipped)
    implements WriterCommitMessage {

  private static final long serialVersionUID = 1L;

  SegmentCommitMessage {
    segments = List.copyOf(segments);
  }
}
