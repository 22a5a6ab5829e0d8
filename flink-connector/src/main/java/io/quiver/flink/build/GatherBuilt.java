package io.quiver.flink.build;

import java.util.ArrayList;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableSummary;
import org.apache.flink.streaming.api.connector.sink2.CommittableWithLineage;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

/**
 * The pre-commit step, with parallelism one: gathers what each writer built and, once every writer
 * has reported, emits one {@link AllBuilt} for the committer, tagged with the latest checkpoint any
 * writer tagged its result with (the checkpoint after that writer's input ended).
 *
 * <p>It emits as soon as the last writer reports, before its own input ends: Flink 2.3 drops what a
 * committer emits after a bounded job's final checkpoint (its downstream has already seen the end
 * of its input; seen in {@code BoundedBuildTest}), so the gathering cannot follow the committers,
 * as Flink's global committer does. Writers finish at different checkpoints; the results of those
 * that finished early are kept in this step's state until the last one reports.
 */
final class GatherBuilt
    extends ProcessFunction<CommittableMessage<BuiltShards>, CommittableMessage<AllBuilt>>
    implements CheckpointedFunction {

  private static final long serialVersionUID = 1L;

  private final Map<Integer, BuiltShards> built = new TreeMap<>();
  private long checkpoint = Long.MIN_VALUE;
  private boolean emitted;
  private transient ListState<byte[]> state;

  @Override
  public void processElement(
      CommittableMessage<BuiltShards> message,
      Context context,
      Collector<CommittableMessage<AllBuilt>> out) {
    if (!(message instanceof CommittableWithLineage<BuiltShards> result)) {
      return; // a writer's summary: how many results it sent, which the results themselves say
    }
    BuiltShards b = result.getCommittable();
    built.put(b.subtask(), b);
    checkpoint = Math.max(checkpoint, result.getCheckpointIdOrEOI());
    if (emitted || built.size() < b.parallelism()) {
      return;
    }
    emitted = true;
    out.collect(new CommittableSummary<>(0, 1, checkpoint, 1, 0));
    out.collect(
        new CommittableWithLineage<>(new AllBuilt(new ArrayList<>(built.values())), checkpoint, 0));
  }

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    state.clear();
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
      out.writeBoolean(emitted);
      out.writeLong(checkpoint);
      AllBuilt.Serializer.write(new ArrayList<>(built.values()), out);
    }
    state.add(bytes.toByteArray());
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
    state =
        context
            .getOperatorStateStore()
            .getListState(
                new ListStateDescriptor<>(
                    "quiver-build-gathered",
                    PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    for (byte[] bytes : state.get()) {
      try (java.io.DataInputStream in =
          new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
        emitted |= in.readBoolean();
        checkpoint = Math.max(checkpoint, in.readLong());
        AllBuilt.Serializer.read(in).forEach(b -> built.put(b.subtask(), b));
      }
    }
  }
}
