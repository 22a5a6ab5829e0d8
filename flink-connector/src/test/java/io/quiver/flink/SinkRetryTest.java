package io.quiver.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Requests the node cannot take now are retried, with backoff, on the next address, and the result
 * is exact; the writer's metrics count the retries.
 */
@ExtendWith(SharedNode.class)
class SinkRetryTest {

  private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setConfiguration(METRICS.addToConfiguration(new Configuration()))
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  private static final ChangeStream STREAM = new ChangeStream(300, 4);

  private static TestNode node;

  @BeforeAll
  static void useNode(TestNode shared) throws Exception {
    node = shared;
  }

  private static QuiverSinkBuilder<Long> sink(String collection, String... addresses) {
    return QuiverSink.<Long>builder()
        .setAddresses(addresses)
        .setCollection(collection)
        .setRecordConverter(STREAM::record)
        .setMaxBatchSize(50)
        .setRetryBackoff(Duration.ofMillis(5), Duration.ofMillis(40))
        .setMaxRetries(20);
  }

  /**
   * The proxy refuses the first five calls and loses the answers of the next three (the node
   * applied those writes; their retries are stale there). Every failed attempt is retried once
   * more, so the writers count exactly eight retries.
   */
  @ParameterizedTest
  @EnumSource(
      value = Status.Code.class,
      names = {"UNAVAILABLE", "RESOURCE_EXHAUSTED"})
  void retryableFailuresAreRetriedAndTheResultIsExact(Status.Code code) throws Exception {
    String collection = "retry_" + code.name().toLowerCase();
    node.createCollection(collection, ChangeStream.DIM);
    try (FlakyProxy proxy = new FlakyProxy(node.address(), 5, code, 3)) {
      JobID job = SinkJobs.write(STREAM, sink(collection, proxy.address()).build(), 2).getJobID();
      assertEquals(5, proxy.refused.get());
      assertEquals(3, proxy.answersLost.get());
      SinkJobs.assertFinalState(STREAM, node, collection);
      assertEquals(8, sum(job, "retries"));
      assertEquals(8, sum(job, "failedRequests"));
      assertTrue(sum(job, "staleWrites") > 0, "the retries of lost answers were stale");
      // Every record was sent and acknowledged once, or dropped for a newer write of its id.
      assertEquals(STREAM.size(), sum(job, "numRecordsSend") + sum(job, "collapsedWrites"));
    }
  }

  @Test
  void aDeadFirstAddressFailsOverToTheNext() throws Exception {
    node.createCollection("failover", ChangeStream.DIM);
    JobID job =
        SinkJobs.write(
                STREAM, sink("failover", "127.0.0.1:" + freePort(), node.address()).build(), 2)
            .getJobID();
    SinkJobs.assertFinalState(STREAM, node, "failover");
    long retries = sum(job, "retries");
    assertTrue(retries >= 2 && retries <= 8, "one or a few per writer: " + retries);
  }

  /** A port nothing listens on (bound, then released). */
  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The sum of the sink writers' counter {@code name}. */
  private static long sum(JobID job, String name) {
    long total = 0;
    for (Map.Entry<MetricGroup, Map<String, Metric>> group :
        METRICS.getMetricsByGroup().entrySet()) {
      Map<String, String> variables = group.getKey().getAllVariables();
      Metric metric = group.getValue().get(name);
      if (job.toString().equals(variables.get("<job_id>"))
          && String.valueOf(variables.get("<operator_name>")).equals("quiver: Writer")
          && metric instanceof Counter) {
        total += ((Counter) metric).getCount();
      }
    }
    return total;
  }
}
