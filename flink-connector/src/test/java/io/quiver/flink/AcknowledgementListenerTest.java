package io.quiver.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The listener hears of every write the node acknowledged, once, with its operation. */
@ExtendWith(SharedNode.class)
class AcknowledgementListenerTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  private static final ChangeStream STREAM = new ChangeStream(500, 3);
  private static final ConcurrentLinkedQueue<AcknowledgementListener.Acknowledgement> ACKS =
      new ConcurrentLinkedQueue<>();

  private static TestNode node;

  @BeforeAll
  static void useNode(TestNode shared) throws Exception {
    node = shared;
    node.createCollection("acks", ChangeStream.DIM);
  }

  /** Static: a bound method reference would be serialized with a copy of the queue. */
  private static void heard(AcknowledgementListener.Acknowledgement ack) {
    ACKS.add(ack);
  }

  @Test
  void everyAcknowledgedWriteIsReportedOnceWithItsOperation() throws Exception {
    QuiverSink<Long> sink =
        QuiverSink.<Long>builder()
            .setAddresses(node.address())
            .setCollection("acks")
            .setRecordConverter(STREAM::record)
            .setMaxBatchSize(50)
            .setAcknowledgementListener(AcknowledgementListenerTest::heard)
            .build();
    SinkJobs.write(STREAM, sink, 2);
    SinkJobs.assertFinalState(STREAM, node, "acks");

    Map<String, Integer> heard = new HashMap<>();
    for (AcknowledgementListener.Acknowledgement ack : ACKS) {
      assertEquals("acks", ack.collection());
      assertTrue(ack.latencyNanos() > 0 && ack.ids().size() <= 50, ack.toString());
      for (Object id : ack.ids()) {
        heard.merge(ack.operation() + " " + id, 1, Integer::sum);
      }
    }
    Map<String, Integer> written = new HashMap<>();
    for (long s = 0; s < STREAM.size(); s++) {
      written.merge((STREAM.isDelete(s) ? "DELETE " : "UPSERT ") + STREAM.id(s), 1, Integer::sum);
    }
    // A write is collapsed into a later one for its id when both wait in the same batch.
    for (Map.Entry<String, Integer> e : heard.entrySet()) {
      assertTrue(
          e.getValue() <= written.getOrDefault(e.getKey(), 0), "heard more than written: " + e);
    }
    // The last write of each id is never collapsed away.
    STREAM
        .finalWrites()
        .forEach(
            (id, s) -> {
              String key = (STREAM.isDelete(s) ? "DELETE " : "UPSERT ") + id;
              assertTrue(heard.containsKey(key), "never heard of the final write " + key);
            });
  }
}
