package io.quiver.flink;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.quiver.engine.point.PointRecord;
import java.util.Map;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Small bounded jobs that write a {@link ChangeStream} through a sink, and what they left. */
final class SinkJobs {

  private SinkJobs() {}

  /**
   * Runs positions {@code [0, stream.size())} from one source subtask into {@code sink} with {@code
   * parallelism} writers; no restarts, so a failure fails the job.
   */
  static JobExecutionResult write(ChangeStream stream, QuiverSink<Long> sink, int parallelism)
      throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.fromSequence(0, stream.size() - 1)
        .setParallelism(1)
        .rebalance()
        .sinkTo(sink)
        .setParallelism(parallelism)
        .name("quiver");
    return env.execute("quiver sink test");
  }

  /** Asserts that the node holds exactly the stream's final state. */
  static void assertFinalState(ChangeStream stream, TestNode node, String collection) {
    Map<Long, PointRecord> points = node.points(collection, stream.ids);
    Map<Long, Long> newest = stream.finalWrites();
    for (long i = 0; i < stream.ids; i++) {
      long id = i;
      long s = newest.get(id);
      PointRecord p = points.get(id);
      if (stream.isDelete(s)) {
        assertNull(p, () -> "id " + id + " was deleted at " + s);
      } else {
        assertNotNull(p, "id " + id + " upserted at " + s);
        assertEquals(s, p.payload().get("s").asLong(), "id " + id);
        assertArrayEquals(ChangeStream.vector(s, id), p.vectors().get(""), "vector of " + id);
      }
    }
  }

  /** The message of {@code t} and its causes, one per line, for assertions on a failed job. */
  static String messages(Throwable t) {
    StringBuilder s = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      s.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append('\n');
    }
    return s.toString();
  }
}
