package io.quiver.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.snapshot.SnapshotReader;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Write, append, read and abort through a file system that is not {@code file:}: the manifest is
 * published by rename, carried segments are streamed and checked, reads download each segment.
 */
class RemoteFileSystemTest {

  private static final int DIM = 8;

  @TempDir static Path root;
  @TempDir static Path scratch;
  private static SparkSession spark;
  private static String uri;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
    uri = TestFileSystem.SCHEME + "://" + root.toAbsolutePath();
  }

  private static Dataset<Row> read() {
    return spark.read().format("quiver").option("path", uri).option("collection", "remote").load();
  }

  @Test
  void writeAppendAndReadBack() throws Exception {
    Writes.points(spark, 0, 300, 0, DIM)
        .write()
        .format("quiver")
        .option("path", uri)
        .option("collection", "remote")
        .option("distance", "Euclid")
        .option("shards", "2")
        .mode("append")
        .save();
    Writes.points(spark, 200, 400, 1, DIM)
        .write()
        .format("quiver")
        .option("path", uri)
        .option("collection", "remote")
        .option("test.fail_once_partition", "0")
        .mode("append")
        .save();
    Map<Long, float[]> read = new HashMap<>();
    for (Row r : read().collectAsList()) {
      List<Float> v = r.getList(1);
      float[] f = new float[v.size()];
      for (int i = 0; i < f.length; i++) {
        f[i] = v.get(i);
      }
      read.put(r.getLong(0), f);
    }
    assertEquals(400, read.size());
    for (long id = 0; id < 400; id++) {
      assertArrayEquals(Writes.vector(id, id < 200 ? 0 : 1, DIM), read.get(id), "vector of " + id);
    }
    Path v2 = Collections.versionDir(root, "remote", 2);
    assertEquals(List.of("_SUCCESS"), SnapshotReader.open(v2, true).unlistedFiles());
    try (QuiverCollection c = Collections.restore(root, "remote", 2, scratch)) {
      assertEquals(400, c.count());
      PointRecord r = c.retrieve(List.of(PointId.of(250)), true, true).get(0);
      assertEquals("p250-s1", r.payload().get("name").asText());
    }
  }
}
