package io.quiver.spark.read;

import io.quiver.spark.HadoopConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.connector.read.InputPartition;
import org.apache.spark.sql.connector.read.PartitionReader;
import org.apache.spark.sql.connector.read.PartitionReaderFactory;
import org.apache.spark.sql.types.StructType;

/** Sent to the executors; opens one segment per input partition. */
final class SegmentReaderFactory implements PartitionReaderFactory {

  private static final long serialVersionUID = 1L;

  private final HadoopConf conf;
  private final StructType schema;
  private final List<String> vectorNames;
  private final boolean stringIds;
  private final IdPredicate ids;
  private final String filter;

  SegmentReaderFactory(
      HadoopConf conf,
      StructType schema,
      List<String> vectorNames,
      boolean stringIds,
      IdPredicate ids,
      String filter) {
    this.conf = conf;
    this.schema = schema;
    this.vectorNames = List.copyOf(vectorNames);
    this.stringIds = stringIds;
    this.ids = ids;
    this.filter = filter;
  }

  @Override
  public PartitionReader<InternalRow> createReader(InputPartition partition) {
    try {
      return new SegmentPartitionReader(
          (SegmentInputPartition) partition,
          conf.get(),
          schema,
          vectorNames,
          stringIds,
          ids,
          filter == null ? null : ReadOptions.parseFilter(filter));
    } catch (IOException e) {
      throw new UncheckedIOException(
          "opening segment " + ((SegmentInputPartition) partition).dir() + " failed", e);
    }
  }
}
