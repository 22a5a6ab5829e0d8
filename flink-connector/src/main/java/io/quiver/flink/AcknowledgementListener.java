package io.quiver.flink;

import java.io.Serializable;
import java.util.List;
import org.apache.flink.annotation.PublicEvolving;

/**
 * Told of every request of a {@link QuiverSink} writer that the node acknowledged: what it wrote
 * and when. Called on the writer's task thread, in the order the acknowledgements are handled, so
 * it must return quickly (hand work to a thread of its own). Useful to measure end-to-end latency
 * or freshness, or to tell another system that writes are durable on the node.
 */
@PublicEvolving
@FunctionalInterface
public interface AcknowledgementListener extends Serializable {

  void acknowledged(Acknowledgement ack);

  /**
   * One acknowledged request.
   *
   * @param collection the collection written
   * @param operation upserts or deletes (a request carries one kind)
   * @param ids the ids written, as {@link QuiverRecord#id()} gives them ({@code Long} or {@code
   *     UUID}), in request order
   * @param ackNanos {@link System#nanoTime()} when the acknowledgement arrived from the node
   * @param latencyNanos from the request's last attempt being sent to its acknowledgement
   */
  record Acknowledgement(
      String collection,
      QuiverRecord.Operation operation,
      List<Object> ids,
      long ackNanos,
      long latencyNanos) {}
}
