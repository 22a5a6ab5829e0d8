package io.quiver.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.snapshot.SegmentEntry;
import io.quiver.engine.snapshot.ShardEntry;
import io.quiver.engine.snapshot.SnapshotManifest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retried and failed tasks against the commit protocol, on {@code local[2,3]}. The injected
 * failures happen after a task uploaded its first file and skip the task's own clean-up, as if the
 * executor had been lost: only the driver's commit or abort can remove what they left.
 */
class CommitProtocolTest {

  @TempDir static Path root;
  @TempDir static Path scratch;
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
  }

  @Test
  void aTaskThatFailsOnceStillGivesOneSegmentPerSlice() throws Exception {
    Writes.writer(Writes.points(spark, 0, 2000, 0, 16), root, "retry")
        .option("shards", "2")
        .option("slices_per_shard", "2")
        .option("test.fail_once_partition", "1")
        .mode("append")
        .save();
    SnapshotManifest manifest = Collections.manifest(root, "retry", 1);
    assertEquals(2000, manifest.pointCount());
    List<String> listed = new ArrayList<>(List.of("_SUCCESS", "manifest.json"));
    for (ShardEntry shard : manifest.shards()) {
      assertEquals(2, shard.segments().size(), "segments of shard " + shard.shard());
      for (SegmentEntry s : shard.segments()) {
        s.files().forEach(f -> listed.add(f.path()));
      }
    }
    listed.sort(null);
    // The failed attempt's half-uploaded segment and its marker are gone.
    assertEquals(listed, Collections.files(Collections.versionDir(root, "retry", 1)));
    try (QuiverCollection c = Collections.restore(root, "retry", 1, scratch)) {
      assertEquals(2000, c.count());
    }
  }

  @Test
  void anAbortedJobLeavesNothing() throws Exception {
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                Writes.writer(Writes.points(spark, 0, 500, 0, 8), root, "aborted")
                    .option("shards", "2")
                    .option("test.fail_always_partition", "0")
                    .mode("append")
                    .save());
    assertTrue(Writes.messages(e).contains("injected failure in partition 0"), Writes.messages(e));
    // Partition 1 committed its segment before the job failed; abort removed it too.
    assertEquals(List.of(), Collections.entries(root.resolve("aborted")));
  }

  @Test
  void anAbortedAppendLeavesTheCurrentVersionAsItWas() throws Exception {
    Writes.writer(Writes.points(spark, 0, 300, 0, 8), root, "kept").mode("append").save();
    List<String> before = Collections.entries(root.resolve("kept"));
    byte[] manifest =
        Files.readAllBytes(Collections.versionDir(root, "kept", 1).resolve("manifest.json"));
    Exception e =
        assertThrows(
            Exception.class,
            () ->
                Writes.writer(Writes.points(spark, 200, 400, 1, 8), root, "kept")
                    .option("test.fail_always_partition", "0")
                    .mode("append")
                    .save());
    assertTrue(Writes.messages(e).contains("injected failure in partition 0"), Writes.messages(e));
    assertEquals(before, Collections.entries(root.resolve("kept")));
    assertEquals(
        new String(manifest),
        new String(
            Files.readAllBytes(Collections.versionDir(root, "kept", 1).resolve("manifest.json"))));
    assertFalse(Files.exists(Collections.versionDir(root, "kept", 2)));
    assertEquals(300, Writes.read(spark, root, "kept").count());
  }
}
