package io.quiver.benchmarks.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The phase rules on stacks shaped like the ones JFR records (innermost frame first). */
class BuildPhaseTest {

  @Test
  void theGraphBuildWinsOverTheSegmentBuilderAroundIt() {
    assertEquals(
        BuildPhase.GRAPH,
        BuildPhase.of(
            List.of(
                "io.quiver.engine.vector.PanamaVectorOps.squareDistance",
                "io.quiver.engine.hnsw.HnswGraphBuilder.addNode",
                "io.quiver.engine.segment.SegmentBuilder.finish",
                "io.quiver.engine.snapshot.store.ShardedBuild.finish",
                "io.quiver.spark.write.SegmentDataWriter.commit")));
  }

  @Test
  void inputRowsInsideTheShuffleWriterAreInput() {
    assertEquals(
        BuildPhase.INPUT,
        BuildPhase.of(
            List.of(
                "io.quiver.benchmarks.spark.PointRows$1.next",
                "org.apache.spark.sql.execution.BufferedRowIterator.hasNext",
                "org.apache.spark.shuffle.sort.BypassMergeSortShuffleWriter.write",
                "org.apache.spark.scheduler.ShuffleMapTask.runTask")));
    assertEquals(
        BuildPhase.SHUFFLE_WRITE,
        BuildPhase.of(
            List.of(
                "net.jpountz.lz4.LZ4BlockOutputStream.write",
                "org.apache.spark.storage.DiskBlockObjectWriter.write",
                "org.apache.spark.shuffle.sort.BypassMergeSortShuffleWriter.write",
                "org.apache.spark.scheduler.ShuffleMapTask.runTask")));
  }

  @Test
  void connectorPhasesAndTheRest() {
    assertEquals(
        BuildPhase.UPLOAD,
        BuildPhase.of(
            List.of(
                "sun.security.provider.SHA2.implCompress0",
                "io.quiver.engine.snapshot.store.HadoopFiles.upload",
                "io.quiver.engine.snapshot.store.SegmentStager.stage")));
    assertEquals(
        BuildPhase.POINTS,
        BuildPhase.of(
            List.of(
                "io.quiver.spark.write.RowConverter.convert",
                "io.quiver.spark.write.SegmentDataWriter.write")));
    assertEquals(
        BuildPhase.ADD,
        BuildPhase.of(
            List.of(
                "java.util.HashMap.put",
                "io.quiver.engine.segment.SegmentBuilder.add",
                "io.quiver.spark.write.SegmentDataWriter.write")));
    assertEquals(
        BuildPhase.SHUFFLE_READ,
        BuildPhase.of(
            List.of(
                "net.jpountz.lz4.LZ4BlockInputStream.read",
                "org.apache.spark.sql.execution.UnsafeRowSerializerInstance$$anon$2$$anon$3.next",
                "org.apache.spark.sql.execution.datasources.v2.DataWritingSparkTask$.run")));
    assertEquals(
        BuildPhase.OTHER,
        BuildPhase.of(List.of("org.apache.spark.executor.Executor$TaskRunner.run")));
  }
}
