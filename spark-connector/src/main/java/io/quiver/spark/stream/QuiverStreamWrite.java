package io.quiver.spark.stream;

import io.quiver.spark.write.RowConverter;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.connector.distributions.Distribution;
import org.apache.spark.sql.connector.distributions.Distributions;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.SortDirection;
import org.apache.spark.sql.connector.expressions.SortOrder;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.write.RequiresDistributionAndOrdering;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructType;

/**
 * A streaming write ({@code writeStream.format("quiver")}) of one micro-batch: upserts and deletes
 * sent to a node's Qdrant REST API. Planned on the driver each time Spark plans a micro-batch, so
 * the checks run before the query's first batch writes anything: the options, the columns, and that
 * the collection exists on the node with the vectors the options name (their sizes then check every
 * row before it is sent).
 *
 * <p>Rows are clustered by the id column, so every row of an id in a micro-batch lands in one task,
 * which applies them in its order; with a {@code version} column each task's rows are also sorted
 * by it, so the highest version of an id is the one applied (Spark 4.1 applies both to micro-batch
 * writes: {@code V2Writes} plans the write's distribution and ordering for {@code
 * WriteToMicroBatchDataSource} as for a batch write). Without a version column the last row of an
 * id in the task wins; Spark's shuffle keeps the order of rows that come from one input partition,
 * not across input partitions.
 */
public final class QuiverStreamWrite implements RequiresDistributionAndOrdering {

  private final StreamWriteOptions options;
  private final NodeWriterFactory factory;

  private QuiverStreamWrite(StreamWriteOptions options, NodeWriterFactory factory) {
    this.options = options;
    this.factory = factory;
  }

  /**
   * Checks the options against the micro-batch's schema and the node's collection.
   *
   * @param truncate Spark asked to replace the table's contents (output mode complete), which a
   *     stream of upserts and deletes does not do
   * @throws IllegalArgumentException naming the option, column or collection that is wrong
   */
  public static QuiverStreamWrite plan(
      StructType schema, Map<String, String> optionMap, boolean truncate) {
    if (truncate) {
      throw new IllegalArgumentException(
          "a quiver streaming write takes output mode append or update (upserts and deletes by"
              + " id); complete mode would replace the whole collection every micro-batch");
    }
    StreamWriteOptions options = StreamWriteOptions.parse(optionMap);
    int opOrdinal = -1;
    Map<String, String> otherColumns = Map.of();
    if (options.opColumn != null) {
      List<String> names = List.of(schema.fieldNames());
      opOrdinal = names.indexOf(options.opColumn);
      if (opOrdinal < 0) {
        throw new IllegalArgumentException(
            "column '"
                + options.opColumn
                + "' (option 'op') is not in the DataFrame; its columns are "
                + names);
      }
      if (!(schema.fields()[opOrdinal].dataType() instanceof StringType)) {
        throw new IllegalArgumentException(
            "op column '"
                + options.opColumn
                + "' has type "
                + schema.fields()[opOrdinal].dataType().simpleString()
                + "; it must be a string column holding 'upsert' or 'delete'");
      }
      otherColumns = Map.of(options.opColumn, "the op column");
    }
    RowConverter converter = new RowConverter(schema, options.columns, otherColumns);
    Map<String, Integer> sizes = NodeCollection.vectorSizes(options);
    return new QuiverStreamWrite(
        options, new NodeWriterFactory(options, converter, opOrdinal, sizes));
  }

  @Override
  public Distribution requiredDistribution() {
    return Distributions.clustered(new Expression[] {column(options.columns.id())});
  }

  @Override
  public boolean distributionStrictlyRequired() {
    return true;
  }

  /** Spark's default: {@code spark.sql.shuffle.partitions} (as recorded in the checkpoint). */
  @Override
  public int requiredNumPartitions() {
    return 0;
  }

  @Override
  public SortOrder[] requiredOrdering() {
    String version = options.columns.version();
    if (version == null) {
      return new SortOrder[0];
    }
    return new SortOrder[] {Expressions.sort(column(version), SortDirection.ASCENDING)};
  }

  private static Expression column(String name) {
    return Expressions.column("`" + name.replace("`", "``") + "`");
  }

  @Override
  public String description() {
    return "quiver stream to collection '" + options.collection + "' at " + options.node;
  }

  @Override
  public StreamingWrite toStreaming() {
    return new QuiverStreamingWrite(factory);
  }

  @Override
  public CustomMetric[] supportedCustomMetrics() {
    return StreamMetrics.supported();
  }
}
