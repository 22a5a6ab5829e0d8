package io.quiver.benchmarks.flink;

import io.quiver.flink.QuiverRecord;
import io.quiver.flink.QuiverSink;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The sink's side of the throughput run: a bounded job on a local MiniCluster in this JVM, points
 * {@code [0, n)} from a number sequence into {@link QuiverSink} (AT_LEAST_ONCE, version 1 for every
 * point, the sink's default batch size, linger and requests in flight), source and sink chained at
 * {@code parallelism}, checkpoints every {@code checkpointMs}.
 */
final class SinkJob {

  private SinkJob() {}

  /** Runs the job to its end; returns the wall time of {@code execute()} in nanoseconds. */
  static long run(String address, String collection, int n, int parallelism, long checkpointMs)
      throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(parallelism);
    env.enableCheckpointing(checkpointMs);
    QuiverSink<Long> sink =
        QuiverSink.<Long>builder()
            .setAddresses(address)
            .setCollection(collection)
            .setDeliveryGuarantee(DeliveryGuarantee.AT_LEAST_ONCE)
            .setRecordConverter(i -> QuiverRecord.upsert(i, BenchVectors.get(i), 1L))
            .build();
    env.fromSequence(0, n - 1L).sinkTo(sink).name("quiver");
    long start = System.nanoTime();
    env.execute("quiver sink benchmark");
    return System.nanoTime() - start;
  }
}
