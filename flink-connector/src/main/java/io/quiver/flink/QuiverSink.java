package io.quiver.flink;

import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.util.function.SerializableFunction;

/**
 * A Flink sink that keeps a served Quiver collection up to date: each element becomes an upsert or
 * a delete carrying the writer's version of its id, sent in batches over Quiver's gRPC API ({@code
 * quiver.QuiverPoints/Upsert} and {@code /Delete}) to a node.
 *
 * <pre>{@code
 * QuiverSink<Event> sink =
 *     QuiverSink.<Event>builder()
 *         .setAddresses("quiver-1:6334", "quiver-2:6334")
 *         .setCollection("docs")
 *         .setApiKey(apiKey)
 *         .setIdExtractor(Event::docId)
 *         .setVectorExtractor(Event::embedding)
 *         .setPayloadExtractor(Event::attributes)
 *         .setVersionExtractor(Event::offset)
 *         .setOperationExtractor(e -> e.deleted() ? Operation.DELETE : Operation.UPSERT)
 *         .build();
 * events.sinkTo(sink);
 * }</pre>
 *
 * <h2>Delivery guarantee</h2>
 *
 * <p>{@code AT_LEAST_ONCE} (the default): on every checkpoint ({@link SinkWriter#flush} before the
 * barrier goes on) each subtask sends everything it has pending and waits until the node has
 * acknowledged every request it sent, with {@code wait=true}: the node answers once the write is
 * durable in its log. A checkpoint therefore completes only when every write from the elements
 * before its barrier is durable on the node. After a failure the job restarts from the last
 * completed checkpoint and the source replays what came after it: nothing acknowledged is lost, and
 * the replayed writes reach the node a second time.
 *
 * <p>Versions make the second time harmless, so that the effect is exactly once. The node keeps the
 * last version it applied for each id (a delete keeps its version as the id's tombstone) and counts
 * a write whose version is the same or older as stale, leaving the point as it is. A replayed write
 * carries the version it carried the first time, so it either is stale or, if the first send never
 * arrived, applies now: after the replay the collection is what one pass over the input would have
 * made it, with no lost write, no older version over a newer one and no deleted point coming back.
 * This needs a version that grows with every change of an id (a source offset, a CDC log position)
 * and is the same on replay. The same rule makes order irrelevant: requests in flight together, a
 * retry overtaken by a later request, or two subtasks writing one id all end with the newest
 * version. Two different writes of one id with the same version are the caller's mistake: the node
 * keeps whichever arrives first.
 *
 * <p>{@code NONE}: a checkpoint neither sends nor waits. Writes still go out in batches (size,
 * bytes, linger) with {@code wait=false}, acknowledged once applied and logged but not yet synced,
 * which spares the fsync on every request; the end of a bounded input still sends everything and
 * waits. After a failure, writes that were pending or in flight when the checkpoint was taken may
 * be lost; a write that arrives is applied by the same version rule, so what is there is never
 * older than what the node held. {@code EXACTLY_ONCE} is refused: it would need transactions the
 * node does not have, and {@code AT_LEAST_ONCE} with versions gives the same effect.
 *
 * <p>Failures: a request the node cannot take now ({@code UNAVAILABLE}, {@code DEADLINE_EXCEEDED},
 * {@code RESOURCE_EXHAUSTED}, {@code ABORTED}) is retried after an exponential backoff with jitter,
 * on the next node address; any other answer ({@code INVALID_ARGUMENT} for a wrong dimension,
 * {@code NOT_FOUND} for a missing collection, {@code UNAUTHENTICATED} or {@code PERMISSION_DENIED}
 * for a wrong key) fails the job at once with the node's message, as does a request still not taken
 * after {@code maxRetries} retries. NaN and infinite vector values and a missing id fail the job
 * before anything is sent, naming the point and the field.
 *
 * <p>The sink keeps no state of its own in checkpoints: it can be restored with another
 * parallelism.
 *
 * @param <IN> the stream's element type
 */
public final class QuiverSink<IN> implements Sink<IN> {

  private static final long serialVersionUID = 1L;

  private final SinkOptions options;
  private final SerializableFunction<IN, QuiverRecord> converter;

  private final AcknowledgementListener listener;

  QuiverSink(
      SinkOptions options,
      SerializableFunction<IN, QuiverRecord> converter,
      AcknowledgementListener listener) {
    this.listener = listener;
    this.options = options;
    this.converter = converter;
  }

  /** A builder for a stream of any type, with extractors or a converter to {@link QuiverRecord}. */
  public static <IN> QuiverSinkBuilder<IN> builder() {
    return new QuiverSinkBuilder<>();
  }

  /** A builder for a stream of {@link QuiverRecord}s. */
  public static QuiverSinkBuilder<QuiverRecord> forRecords() {
    return new QuiverSinkBuilder<QuiverRecord>().setRecordConverter(r -> r);
  }

  @Override
  public SinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
    return new QuiverSinkWriter<>(options, converter, listener, context);
  }

  SinkOptions options() {
    return options;
  }

  @Override
  public String toString() {
    return options.toString();
  }
}
