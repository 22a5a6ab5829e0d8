package io.quiver.flink.build;

import io.quiver.flink.QuiverRecord;
import java.io.IOException;
import java.util.Collection;
import java.util.List;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessage;
import org.apache.flink.streaming.api.connector.sink2.CommittableMessageTypeInfo;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreCommitTopology;
import org.apache.flink.streaming.api.connector.sink2.SupportsPreWriteTopology;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.util.function.SerializableFunction;

/**
 * A bounded build: turns a bounded stream of {@link QuiverRecord}s into a new version of a
 * collection on a Hadoop FileSystem ({@code <path>/<collection>/v<k>/}), in the snapshot format the
 * Spark connector writes, and optionally has a node serve it. Upserts and deletes may come in any
 * order: each id ends as its highest-versioned write (the first of equal versions, as a node
 * applies them), and a deleted id is not in the version.
 *
 * <pre>{@code
 * QuiverBuildSink<Doc> sink =
 *     QuiverBuildSink.<Doc>builder()
 *         .setPath("hdfs:///quiver")
 *         .setCollection("docs")
 *         .setConfig("{\"vectors\": {\"size\": 768, \"distance\": \"Cosine\"}}")
 *         .setShards(4)
 *         .setRecordConverter(d -> QuiverRecord.upsert(d.id, d.embedding, d.updatedAt))
 *         .setPublish("http://quiver-0:6333")
 *         .build();
 * docs.sinkTo(sink);
 * }</pre>
 *
 * <p>How it runs: records are routed by shard to writer {@code shard % parallelism}; each writer
 * spills its records to local files and uploads them into the version's staging folder at every
 * checkpoint (they are its state); at the end of its input it builds one segment per shard with the
 * engine and uploads it. One step gathers what the writers built, and one committer writes {@code
 * manifest.json} when the checkpoint after the last writer's end completes, then publishes.
 *
 * <p>Guarantees: the version appears (its manifest is written) only when every record of the input
 * is in it, exactly once per id; a failure before that leaves no version, and a restore from a
 * checkpoint, in streaming or batch execution, ends with the same version. The commit is idempotent
 * per build: committing again after a restore changes nothing. Files of failed attempts are deleted
 * when the version is committed. A build must be restored with the parallelism it started with, and
 * builds of one collection must not run at the same time (the second to commit fails, publishing
 * nothing).
 *
 * <p>Hadoop is not bundled: put it on the classpath as Flink's documentation describes ({@code
 * HADOOP_CLASSPATH}), as for Flink's own Hadoop file systems.
 */
public final class QuiverBuildSink<IN>
    implements Sink<IN>,
        SupportsWriterState<IN, WriterState>,
        SupportsCommitter<AllBuilt>,
        SupportsPreWriteTopology<IN>,
        SupportsPreCommitTopology<BuiltShards, AllBuilt> {

  private static final long serialVersionUID = 1L;

  private final BuildSpec spec;
  private final SerializableFunction<IN, QuiverRecord> converter;

  QuiverBuildSink(BuildSpec spec, SerializableFunction<IN, QuiverRecord> converter) {
    this.spec = spec;
    this.converter = converter;
  }

  /** A builder for a stream of any type, with a converter to {@link QuiverRecord}. */
  public static <IN> QuiverBuildSinkBuilder<IN> builder() {
    return new QuiverBuildSinkBuilder<>();
  }

  /** A builder for a stream of {@link QuiverRecord}s. */
  public static QuiverBuildSinkBuilder<QuiverRecord> forRecords() {
    return new QuiverBuildSinkBuilder<QuiverRecord>().setRecordConverter(r -> r);
  }

  /** The version this build writes, chosen when it was built. */
  public long version() {
    return spec.version();
  }

  /** The id the build's manifest records as its job id. */
  public String buildId() {
    return spec.buildId();
  }

  @Override
  public StatefulSinkWriter<IN, WriterState> createWriter(WriterInitContext context)
      throws IOException {
    return new BuildWriter<>(spec, converter, context, List.of());
  }

  @Override
  public StatefulSinkWriter<IN, WriterState> restoreWriter(
      WriterInitContext context, Collection<WriterState> recoveredState) throws IOException {
    return new BuildWriter<>(spec, converter, context, recoveredState);
  }

  @Override
  public SimpleVersionedSerializer<WriterState> getWriterStateSerializer() {
    return new WriterState.Serializer();
  }

  @Override
  public Committer<AllBuilt> createCommitter(CommitterInitContext context) {
    return new VersionCommitter(spec);
  }

  @Override
  public SimpleVersionedSerializer<AllBuilt> getCommittableSerializer() {
    return new AllBuilt.Serializer();
  }

  @Override
  public SimpleVersionedSerializer<BuiltShards> getWriteResultSerializer() {
    return new BuiltShards.Serializer();
  }

  /** One gathering step; its one committable goes to committer subtask 0 ({@code global()}). */
  @Override
  public DataStream<CommittableMessage<AllBuilt>> addPreCommitTopology(
      DataStream<CommittableMessage<BuiltShards>> results) {
    return results
        .global()
        .process(new GatherBuilt())
        .returns(CommittableMessageTypeInfo.of(AllBuilt.Serializer::new))
        .name("Gather")
        .setParallelism(1)
        .setMaxParallelism(1)
        .global();
  }

  @Override
  public DataStream<IN> addPreWriteTopology(DataStream<IN> input) {
    return input.partitionCustom(
        new ShardPartitioner(), new ShardPartitioner.ShardOf<>(converter, spec.shards()));
  }

  @Override
  public String toString() {
    return "QuiverBuildSink{"
        + spec.layout()
        + " v"
        + spec.version()
        + ", "
        + spec.shards()
        + " shards, build "
        + spec.buildId()
        + "}";
  }
}
