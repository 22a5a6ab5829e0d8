package io.quiver.spark.stream;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.spark.TestSpark;
import java.nio.file.Path;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.execution.streaming.runtime.MemoryStream;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.jdk.javaapi.CollectionConverters;

/**
 * One table, two writes: a DataFrame write is a snapshot build (it needs {@code path}), a streaming
 * write goes to a node (it takes none); each says so when given the other's options.
 */
class RoutingTest {

  @TempDir Path tmp;

  @Test
  void aDataFrameWriteWithoutPathIsStillABatchWrite() {
    SparkSession spark = TestSpark.session();
    Exception e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                spark
                    .range(3)
                    .selectExpr("id", "array(1f, 2f) AS vector")
                    .write()
                    .format("quiver")
                    .option("collection", "docs")
                    .option("publish", "http://127.0.0.1:1")
                    .mode("append")
                    .save());
    assertTrue(e.getMessage().contains("option 'path' is required"), e.getMessage());
  }

  @Test
  void aStreamingWriteWithAPathSaysItTakesNone() throws Exception {
    SparkSession spark = TestSpark.session();
    MemoryStream<Long> input = MemoryStream.apply(spark, 1, Encoders.LONG());
    StreamingQuery q =
        input
            .toDF()
            .selectExpr("value AS id", "array(1f, 2f) AS vector")
            .writeStream()
            .format("quiver")
            .option("checkpointLocation", tmp.resolve("checkpoint").toString())
            .option("publish", "http://127.0.0.1:1")
            .option("collection", "docs")
            .start(tmp.resolve("lake").toString());
    try {
      input.addData(CollectionConverters.asScala(java.util.List.of(1L)).toSeq());
      Exception e = assertThrows(Exception.class, q::processAllAvailable);
      String m = String.valueOf(e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
      assertTrue(m.contains("a quiver streaming write takes no 'path'"), m);
    } finally {
      q.stop();
    }
  }
}
