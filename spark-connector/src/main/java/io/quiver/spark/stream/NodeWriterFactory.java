package io.quiver.spark.stream;

import io.quiver.spark.write.RowConverter;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.write.DataWriter;
import org.apache.spark.sql.connector.write.streaming.StreamingDataWriterFactory;

/**
 * Ships what a task needs from the driver: the options, the row conversion, where the op column is
 * and the collection's vector sizes.
 *
 * @param opOrdinal the op column's ordinal, or -1 when every row is an upsert
 * @param sizes the collection's vector sizes by name, as the node reported them
 */
record NodeWriterFactory(
    StreamWriteOptions options, RowConverter converter, int opOrdinal, Map<String, Integer> sizes)
    implements StreamingDataWriterFactory {

  @Override
  public DataWriter<InternalRow> createWriter(int partitionId, long taskId, long epochId) {
    return new NodeDataWriter(this, partitionId, epochId);
  }
}
