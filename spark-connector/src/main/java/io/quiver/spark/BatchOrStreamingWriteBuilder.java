package io.quiver.spark;

import io.quiver.spark.stream.QuiverStreamWrite;
import io.quiver.spark.write.QuiverWriteBuilder;
import io.quiver.spark.write.RowColumns;
import io.quiver.spark.write.WriteOptions;
import org.apache.spark.sql.connector.distributions.Distribution;
import org.apache.spark.sql.connector.distributions.Distributions;
import org.apache.spark.sql.connector.expressions.Expression;
import org.apache.spark.sql.connector.expressions.Expressions;
import org.apache.spark.sql.connector.expressions.SortOrder;
import org.apache.spark.sql.connector.metric.CustomMetric;
import org.apache.spark.sql.connector.metric.CustomTaskMetric;
import org.apache.spark.sql.connector.write.BatchWrite;
import org.apache.spark.sql.connector.write.LogicalWriteInfo;
import org.apache.spark.sql.connector.write.RequiresDistributionAndOrdering;
import org.apache.spark.sql.connector.write.SupportsTruncate;
import org.apache.spark.sql.connector.write.Write;
import org.apache.spark.sql.connector.write.WriteBuilder;
import org.apache.spark.sql.connector.write.streaming.StreamingWrite;
import org.apache.spark.sql.internal.connector.SupportsStreamingUpdateAsAppend;

/**
 * The write builder of a quiver table, for DataFrame writes and streaming queries alike. Spark asks
 * a table for its write builder without saying which of the two it is planning ({@link
 * LogicalWriteInfo} does not tell), and they are different writes: a batch write builds a snapshot
 * under {@code path} ({@link QuiverWriteBuilder}), a streaming write sends upserts and deletes to a
 * node ({@link QuiverStreamWrite}). Nor does Spark 4.1 call {@code buildForStreaming()} (only the
 * default {@code build()} does): for both it calls {@code build()}, then {@code toBatch()} or
 * {@code toStreaming()} on the write it returns. So {@link #build} returns a write that becomes the
 * one or the other at that call.
 *
 * <p>Both ask for rows clustered by the id column; Spark asks a batch write for its distribution
 * before {@code toBatch()}, and a micro-batch write after {@code toStreaming()} (Spark 4.1's {@code
 * V2Writes} builds the streaming write first, then plans its distribution). So a write not decided
 * yet is a batch write when its options name a {@code path}, the option every batch write needs;
 * without one it answers the id clustering, and the call that follows decides (a batch write
 * without {@code path} then fails saying so). Continuous processing asks for the distribution
 * before {@code toStreaming()} too and refuses any, which is right: it cannot keep the rows of an
 * id together.
 *
 * <p>{@link SupportsStreamingUpdateAsAppend} lets a streaming query use output mode update, whose
 * rows are the changed keys: upserts, for this sink. It is Spark's internal marker (Kafka's and the
 * console's sinks use it); batch writes never see it.
 */
final class BatchOrStreamingWriteBuilder
    implements SupportsTruncate, SupportsStreamingUpdateAsAppend {

  private final LogicalWriteInfo info;
  private boolean truncate;

  BatchOrStreamingWriteBuilder(LogicalWriteInfo info) {
    this.info = info;
  }

  @Override
  public WriteBuilder truncate() {
    truncate = true;
    return this;
  }

  @Override
  public Write build() {
    return new Undecided();
  }

  private final class Undecided implements RequiresDistributionAndOrdering {

    /** The batch or streaming write, once chosen. */
    private RequiresDistributionAndOrdering chosen;

    private boolean streaming;

    private RequiresDistributionAndOrdering batch() {
      if (chosen == null) {
        QuiverWriteBuilder builder =
            new QuiverWriteBuilder(
                info,
                WriteOptions.parse(info.options(), QuiverDataSource.testing()),
                QuiverDataSource.hadoopConf());
        if (truncate) {
          builder.truncate();
        }
        chosen = (RequiresDistributionAndOrdering) builder.build();
      } else if (streaming) {
        throw new IllegalStateException("Spark asked a quiver streaming write for a batch write");
      }
      return chosen;
    }

    /** The chosen write; the batch write when the options name a path; else null. */
    private RequiresDistributionAndOrdering known() {
      if (chosen == null && info.options().containsKey("path")) {
        return batch();
      }
      return chosen;
    }

    @Override
    public BatchWrite toBatch() {
      return batch().toBatch();
    }

    @Override
    public StreamingWrite toStreaming() {
      if (chosen == null) {
        chosen = QuiverStreamWrite.plan(info.schema(), info.options(), truncate);
        streaming = true;
      } else if (!streaming) {
        throw new IllegalStateException(
            "a quiver write with option 'path' is a batch write (a snapshot build); a streaming"
                + " write sends to the node named by option 'publish' and takes no 'path'");
      }
      return chosen.toStreaming();
    }

    @Override
    public Distribution requiredDistribution() {
      RequiresDistributionAndOrdering write = known();
      if (write != null) {
        return write.requiredDistribution();
      }
      String id = RowColumns.parse(info.options()).id();
      return Distributions.clustered(
          new Expression[] {Expressions.column("`" + id.replace("`", "``") + "`")});
    }

    @Override
    public boolean distributionStrictlyRequired() {
      RequiresDistributionAndOrdering write = known();
      return write == null || write.distributionStrictlyRequired();
    }

    @Override
    public int requiredNumPartitions() {
      RequiresDistributionAndOrdering write = known();
      return write == null ? 0 : write.requiredNumPartitions();
    }

    @Override
    public long advisoryPartitionSizeInBytes() {
      RequiresDistributionAndOrdering write = known();
      return write == null ? 0 : write.advisoryPartitionSizeInBytes();
    }

    @Override
    public SortOrder[] requiredOrdering() {
      RequiresDistributionAndOrdering write = known();
      return write == null ? new SortOrder[0] : write.requiredOrdering();
    }

    @Override
    public String description() {
      RequiresDistributionAndOrdering write = known();
      return write == null ? "quiver write" : write.description();
    }

    @Override
    public CustomMetric[] supportedCustomMetrics() {
      RequiresDistributionAndOrdering write = known();
      return write == null ? new CustomMetric[0] : write.supportedCustomMetrics();
    }

    @Override
    public CustomTaskMetric[] reportDriverMetrics() {
      RequiresDistributionAndOrdering write = known();
      return write == null ? new CustomTaskMetric[0] : write.reportDriverMetrics();
    }
  }
}
