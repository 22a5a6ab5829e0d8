package io.quiver.spark.write;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.DataWriterFactory;

/** Sent to the executors; makes one {@link SegmentDataWriter} per task attempt. */
final class SegmentWriterFactory implements DataWriterFactory {

  private static final long serialVersionUID = 1L;
  private final WriteJob job;

  SegmentWriterFactory(WriteJob job) {
    this.job = job;
  }

  @Override
  public DataWriter<InternalRow> createWriter(int partitionId, long taskId) {
    return new SegmentDataWriter(job, partitionId, taskId);
  }
}
