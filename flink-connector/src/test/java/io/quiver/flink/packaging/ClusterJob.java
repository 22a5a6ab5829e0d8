package io.quiver.flink.packaging;

import io.quiver.flink.QuiverRecord;
import io.quiver.flink.QuiverSink;
import io.quiver.flink.build.QuiverBuildSink;
import java.nio.file.Path;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.factories.DynamicTableSinkFactory;
import org.apache.flink.table.factories.FactoryUtil;

/**
 * The packaging test's Flink job, submitted to a plain cluster in a jar with the shaded connector
 * ({@code bin/flink run -c io.quiver.flink.packaging.ClusterJob <jar> <grpc address>
 * <collection>}): {@value #UPSERTS} upserts of ids {@code [0, UPSERTS)} at version 1, then deletes
 * of every {@value #DELETE_EVERY}th id at version 2, through {@link QuiverSink} with two writers.
 * It prints {@code quiver-packaging: key=value} lines for the test: where the connector was loaded
 * from and by what, which table factory Flink found for {@code 'connector' = 'quiver'}, and the
 * job's end.
 */
public final class ClusterJob {

  static final String REPORT = "quiver-packaging: ";
  static final int UPSERTS = 1_000;
  static final int DELETE_EVERY = 10;
  static final int DIM = 4;

  private ClusterJob() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      throw new IllegalArgumentException(
          "usage: ClusterJob <node grpc host:port> <collection>; got " + args.length + " args");
    }
    ClassLoader loader = Thread.currentThread().getContextClassLoader();
    report("connector-loader", QuiverSink.class.getClassLoader().getClass().getName());
    report(
        "connector-on-system-classpath",
        String.valueOf(QuiverSink.class.getClassLoader() == ClassLoader.getSystemClassLoader()));
    report(
        "connector-jar",
        Path.of(QuiverSink.class.getProtectionDomain().getCodeSource().getLocation().toURI())
            .toString());
    report(
        "table-factory",
        FactoryUtil.discoverFactory(loader, DynamicTableSinkFactory.class, "quiver")
            .getClass()
            .getName());

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    int deletes = UPSERTS / DELETE_EVERY;
    env.fromSequence(0, UPSERTS + deletes - 1)
        .setParallelism(1)
        .map(new ToRecord())
        .setParallelism(1)
        .rebalance()
        .sinkTo(QuiverSink.forRecords().setAddresses(args[0]).setCollection(args[1]).build())
        .setParallelism(2)
        .name("quiver");
    JobExecutionResult result = env.execute("quiver packaging test");
    report("job", "finished " + result.getJobID());
  }

  /**
   * The bounded build on the cluster ({@code -c io.quiver.flink.packaging.ClusterJob$Build <jar>
   * <snapshot root> <node REST address> <collection>}): the same writes through {@link
   * QuiverBuildSink} with two writers and checkpoints, into 2 shards, published to the node.
   */
  public static final class Build {

    private Build() {}

    public static void main(String[] args) throws Exception {
      if (args.length != 3) {
        throw new IllegalArgumentException(
            "usage: ClusterJob$Build <snapshot root> <node REST address> <collection>");
      }
      StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
      env.enableCheckpointing(200);
      QuiverBuildSink<QuiverRecord> sink =
          QuiverBuildSink.forRecords()
              .setPath(args[0])
              .setCollection(args[2])
              .setConfig("{\"vectors\": {\"size\": " + DIM + ", \"distance\": \"Euclid\"}}")
              .setShards(2)
              .setPublish(args[1])
              .build();
      env.fromSequence(0, UPSERTS + UPSERTS / DELETE_EVERY - 1)
          .setParallelism(1)
          .map(new ToRecord())
          .setParallelism(1)
          .sinkTo(sink)
          .setParallelism(2)
          .name("quiver build");
      env.execute("quiver packaging test, bounded build");
      report("build", "version " + sink.version());
    }
  }

  /** Point {@code id}'s vector: distinct per id, so that a mix-up shows. */
  static float[] vector(long id) {
    return new float[] {id, 1f, -id, 0.5f};
  }

  private static void report(String key, String value) {
    System.out.println(REPORT + key + "=" + value);
  }

  /** Position {@code p} of the sequence as a write. */
  private static final class ToRecord implements MapFunction<Long, QuiverRecord> {

    private static final long serialVersionUID = 1L;

    @Override
    public QuiverRecord map(Long p) {
      return p < UPSERTS
          ? QuiverRecord.upsert(p, vector(p), 1)
          : QuiverRecord.delete((p - UPSERTS) * DELETE_EVERY, 2);
    }
  }
}
