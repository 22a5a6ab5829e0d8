package io.quiver.benchmarks.spark;

import java.util.List;

/**
 * What a build thread was doing when it was sampled, decided from its stack. The rules are tried in
 * the order of the constants; the first whose frame prefix occurs anywhere in the stack wins. The
 * order matters where phases nest: the HNSW build runs inside {@code SegmentBuilder.finish}, the
 * input rows are produced inside the shuffle writer's loop, and every phase of the connector runs
 * inside its {@code DataWriter}.
 */
enum BuildPhase {
  GRAPH("HNSW graph build", "io.quiver.engine.hnsw."),
  UPLOAD(
      "upload to the version folder + sha256, local clean-up (connector)",
      "io.quiver.engine.snapshot.store.SegmentStager",
      "io.quiver.engine.snapshot.store.HadoopFiles",
      "io.quiver.engine.snapshot.store.ShardedBuild.close"),
  FILES(
      "segment files: vectors, ids, payloads, graph file", // the graph's own build is GRAPH
      "io.quiver.engine.segment.SegmentBuilder.finish"),
  ADD("SegmentBuilder.add: validate, copy, id map", "io.quiver.engine.segment.SegmentBuilder.add"),
  POINTS(
      "rows or vectors to points, routing",
      "io.quiver.spark.write.RowConverter",
      "io.quiver.spark.write.SegmentDataWriter.write",
      "io.quiver.engine.point.",
      "io.quiver.benchmarks.spark.InProcessBuild"),
  SHUFFLE_READ(
      "shuffle read: fetch, decompress, deserialize",
      "org.apache.spark.sql.execution.UnsafeRowSerializer",
      "org.apache.spark.storage.ShuffleBlockFetcherIterator",
      "org.apache.spark.storage.BufferReleasingInputStream",
      "org.apache.spark.shuffle.BlockStoreShuffleReader"),
  INPUT(
      "input rows: generate, encode (the benchmark's source)",
      "io.quiver.benchmarks.spark.PointRows",
      "org.apache.spark.sql.execution.BufferedRowIterator",
      "org.apache.spark.sql.execution.MapPartitionsExec"),
  SHUFFLE_WRITE(
      "shuffle write: partition, copy, serialize, compress, files",
      "org.apache.spark.shuffle.",
      "org.apache.spark.sql.execution.exchange.ShuffleExchangeExec"),
  OTHER("other (task set-up, Spark's write loop, metrics)");

  private final String label;
  private final String[] prefixes;

  BuildPhase(String label, String... prefixes) {
    this.label = label;
    this.prefixes = prefixes;
  }

  String label() {
    return label;
  }

  /** The phase of a stack given as {@code class.method} names, innermost first. */
  static BuildPhase of(List<String> frames) {
    for (BuildPhase phase : values()) {
      for (String frame : frames) {
        for (String prefix : phase.prefixes) {
          if (frame.startsWith(prefix)) {
            return phase;
          }
        }
      }
    }
    return OTHER;
  }
}
