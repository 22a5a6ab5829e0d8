package io.quiver.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.point.PointRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.connector.source.util.ratelimit.RateLimiterStrategy;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.datagen.source.DataGeneratorSource;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A stream of versioned upserts and deletes, out-of-order versions among them, written by two sink
 * subtasks to a real node: the collection ends equal to the stream's model, also when the job fails
 * once mid-stream and restarts from its last checkpoint.
 */
@ExtendWith(SharedNode.class)
class SinkDeliveryTest {

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  /** The scale: 120,000 writes, of them over 100,000 upserts and 10,000 deletes. */
  private static final ChangeStream STREAM = new ChangeStream(10_000, 12);

  /** The failure comes after every early id's last regular write. */
  private static final long FAIL_AFTER = STREAM.earlyIdsDoneBy() + STREAM.ids / 2;

  private static TestNode node;

  @BeforeAll
  static void useNode(TestNode shared) throws Exception {
    node = shared;
  }

  @Test
  void theCollectionEndsAsTheStreamSaysWithOutOfOrderVersionsAndTwoWriters() throws Exception {
    assertTrue(STREAM.deletesFollowedByStaleUpserts() > 0, "the stream tests resurrection");
    long deletes = 0;
    for (long s = 0; s < STREAM.size(); s++) {
      deletes += STREAM.isDelete(s) ? 1 : 0;
    }
    assertTrue(deletes >= 10_000 && STREAM.size() - deletes >= 100_000, deletes + " deletes");
    node.createCollection("plain", ChangeStream.DIM);
    FailingMap.reset(Failure.NONE);
    run("plain", DeliveryGuarantee.AT_LEAST_ONCE, Failure.NONE);
    List<String> wrong = compare("plain", 0);
    assertEquals(List.of(), wrong);
  }

  enum Failure {
    NONE,
    /** A map before the sink throws at record {@link #FAIL_AFTER}, after checkpoints completed. */
    IN_MAP,
    /** The map throws from notifyCheckpointComplete, the first one after {@link #FAIL_AFTER}. */
    IN_CHECKPOINT_COMPLETE
  }

  /**
   * AT_LEAST_ONCE: the collection equals the model exactly: no acknowledged write lost (the early
   * ids' final writes all came before the failure), no stale version winning, no deleted point
   * back. NONE may lose writes that were pending or in flight at the checkpoint before the failure;
   * the test checks that the job recovers and finishes, that every id whose newest write comes
   * after the failure (sent by the restarted job and flushed at the end of the input) is exact, and
   * that every point on the node is one of its id's upserts from the stream.
   */
  @ParameterizedTest(name = "{0}, failure {1}")
  @CsvSource({
    "AT_LEAST_ONCE, IN_MAP",
    "AT_LEAST_ONCE, IN_CHECKPOINT_COMPLETE",
    "NONE, IN_MAP",
    "NONE, IN_CHECKPOINT_COMPLETE"
  })
  void aJobThatFailsOnceAndRestartsFromItsCheckpointEndsTheSame(
      DeliveryGuarantee guarantee, Failure failure) throws Exception {
    String collection = ("restart_" + guarantee + "_" + failure).toLowerCase();
    node.createCollection(collection, ChangeStream.DIM);
    FailingMap.reset(failure);
    run(collection, guarantee, failure);
    assertTrue(FailingMap.failed.get(), "the injected failure happened");
    long failedAt = FailingMap.seenBeforeFailure.get();
    assertTrue(failedAt >= FAIL_AFTER && failedAt < STREAM.size(), "failed at " + failedAt);
    if (guarantee == DeliveryGuarantee.AT_LEAST_ONCE) {
      assertEquals(List.of(), compare(collection, 0));
    } else {
      List<String> wrong = compare(collection, failedAt);
      assertEquals(List.of(), wrong, "ids whose newest write came after the failure");
    }
  }

  private void run(String collection, DeliveryGuarantee guarantee, Failure failure)
      throws Exception {
    Configuration conf = new Configuration();
    conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofMillis(50));
    if (failure == Failure.NONE) {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    } else {
      conf.set(RestartStrategyOptions.RESTART_STRATEGY, "fixed-delay");
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 1);
      conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ZERO);
    }
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    // One source subtask, so that positions come in order; a checkpoint lets the next 5,000 out.
    DataGeneratorSource<Long> source =
        new DataGeneratorSource<>(
            s -> s, STREAM.size(), RateLimiterStrategy.perCheckpoint(5_000), Types.LONG);
    QuiverSink<Long> sink =
        QuiverSink.<Long>builder()
            .setAddresses(node.address())
            .setCollection(collection)
            .setRecordConverter(STREAM::record)
            .setMaxBatchSize(200)
            .setDeliveryGuarantee(guarantee)
            .build();
    env.fromSource(source, WatermarkStrategy.noWatermarks(), "positions")
        .setParallelism(1)
        .map(new FailingMap())
        .setParallelism(1)
        .rebalance()
        .sinkTo(sink)
        .setParallelism(2)
        .name("quiver");
    env.execute("quiver sink " + collection);
  }

  /**
   * Differences between the node and the model, for the ids whose newest write is at or after
   * {@code from} (0: all ids); for the others, only that a point present is one of its id's
   * upserts.
   */
  private List<String> compare(String collection, long from) {
    Map<Long, PointRecord> points = node.points(collection, STREAM.ids);
    Map<Long, Long> newest = STREAM.finalWrites();
    List<String> wrong = new ArrayList<>();
    int notChecked = 0;
    int notExact = 0;
    for (long id = 0; id < STREAM.ids; id++) {
      long s = newest.get(id);
      PointRecord p = points.get(id);
      String difference = difference(id, s, p);
      if (s >= from) {
        if (difference != null) {
          wrong.add(difference);
        }
        continue;
      }
      notChecked++;
      notExact += difference == null ? 0 : 1;
      if (p != null) {
        long written = p.payload().get("s").asLong();
        if (STREAM.id(written) != id || STREAM.isDelete(written)) {
          wrong.add(id + ": holds " + p.payload() + ", not an upsert of this id");
        }
      }
    }
    if (from > 0) {
      System.out.println(
          collection
              + ": "
              + notChecked
              + " ids had their newest write before the failure; "
              + notExact
              + " of them differ from the model (writes NONE lost)");
    }
    return wrong;
  }

  /** How the node's point differs from id's newest write at {@code s}, or null. */
  private static String difference(long id, long s, PointRecord p) {
    if (STREAM.isDelete(s)) {
      return p == null ? null : id + ": deleted at " + s + " but holds " + p.payload();
    }
    if (p == null) {
      return id + ": missing; upserted at " + s;
    }
    if (p.payload().get("s").asLong() != s) {
      return id + ": holds " + p.payload() + "; upserted at " + s;
    }
    if (!Arrays.equals(ChangeStream.vector(s, id), p.vectors().get(""))) {
      return id + ": vector " + Arrays.toString(p.vectors().get("")) + "; upserted at " + s;
    }
    return null;
  }

  /** Passes positions on; fails the job once, as {@link Failure} says. */
  static final class FailingMap extends RichMapFunction<Long, Long> implements CheckpointListener {

    static volatile Failure failure = Failure.NONE;
    static final AtomicBoolean failed = new AtomicBoolean();
    static final AtomicLong seenBeforeFailure = new AtomicLong();
    private long seen;

    static void reset(Failure kind) {
      failure = kind;
      failed.set(false);
      seenBeforeFailure.set(0);
    }

    @Override
    public Long map(Long s) {
      seen++;
      if (failure == Failure.IN_MAP && seen > FAIL_AFTER && failed.compareAndSet(false, true)) {
        seenBeforeFailure.set(seen - 1);
        throw new IllegalStateException("injected failure at position " + s);
      }
      return s;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      if (failure == Failure.IN_CHECKPOINT_COMPLETE
          && seen > FAIL_AFTER
          && failed.compareAndSet(false, true)) {
        seenBeforeFailure.set(seen);
        throw new IllegalStateException("injected failure in checkpoint " + checkpointId);
      }
    }
  }
}
