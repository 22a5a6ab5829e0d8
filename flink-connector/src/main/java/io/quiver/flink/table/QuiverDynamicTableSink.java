package io.quiver.flink.table;

import io.quiver.flink.QuiverSink;
import org.apache.flink.table.connector.ChangelogMode;
import org.apache.flink.table.connector.sink.DynamicTableSink;
import org.apache.flink.table.connector.sink.SinkV2Provider;
import org.apache.flink.table.data.RowData;
import org.apache.flink.types.RowKind;

/**
 * A quiver table as a sink: an upsert changelog (INSERT, UPDATE_AFTER, DELETE by primary key)
 * written by a {@link QuiverSink} of rows. Declaring upsert mode makes the planner drop
 * UPDATE_BEFORE rows before the sink, and, where the sink's parallelism differs from its input's,
 * shuffle the rows by primary key, so that each id's changes reach one writer in order.
 *
 * <p>What it guarantees is {@link QuiverSink}'s, with the versions {@link RowDataConverter} gives:
 * with a version column, AT_LEAST_ONCE has the effect of exactly once (a replayed write is stale on
 * the node); without one, versions come from each writer's clock, so a replay after a restore is
 * applied again, in order, and the collection ends as the changelog's final state once the replay
 * has caught up (at least once, as Flink's other upsert sinks).
 */
final class QuiverDynamicTableSink implements DynamicTableSink {

  private final QuiverSink<RowData> sink;
  private final Integer parallelism;

  QuiverDynamicTableSink(QuiverSink<RowData> sink, Integer parallelism) {
    this.sink = sink;
    this.parallelism = parallelism;
  }

  @Override
  public ChangelogMode getChangelogMode(ChangelogMode requestedMode) {
    // What the query produces, less UPDATE_BEFORE: an insert-only query stays insert-only (and
    // needs no upsert materializer), an updating one becomes an upsert changelog.
    ChangelogMode.Builder mode = ChangelogMode.newBuilder();
    for (RowKind kind : requestedMode.getContainedKinds()) {
      if (kind != RowKind.UPDATE_BEFORE) {
        mode.addContainedKind(kind);
      }
    }
    return mode.build();
  }

  @Override
  public SinkRuntimeProvider getSinkRuntimeProvider(Context context) {
    return SinkV2Provider.of(sink, parallelism);
  }

  @Override
  public DynamicTableSink copy() {
    return new QuiverDynamicTableSink(sink, parallelism);
  }

  @Override
  public String asSummaryString() {
    return "Quiver";
  }
}
