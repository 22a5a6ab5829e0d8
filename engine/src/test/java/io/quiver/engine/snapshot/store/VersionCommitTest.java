package io.quiver.engine.snapshot.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.segment.SegmentId;
import io.quiver.engine.snapshot.ManifestCodec;
import io.quiver.engine.snapshot.SnapshotManifest;
import io.quiver.engine.snapshot.SnapshotReader;
import io.quiver.engine.vector.VectorSimilarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The commit protocol without Spark, where attempts can be staged at will: two attempts of one task
 * (a retry, or a speculative copy) both upload; the driver lists the committed one only.
 */
class VersionCommitTest {

  private static final CollectionConfig CONFIG =
      CollectionConfig.of(VectorParams.of(4, VectorSimilarity.EUCLID));

  @TempDir Path root;
  @TempDir Path work;
  private FileSystem fs;
  private CollectionLayout layout;

  @BeforeEach
  void setUp() throws IOException {
    fs = HadoopFiles.fileSystem(root.toUri().toString(), new Configuration());
    layout = new CollectionLayout(root.toUri().toString(), "c");
  }

  /** Builds and uploads the segment of one attempt of task 0, shard 0. */
  private StagedSegment stage(String jobId, String attempt, int points) throws IOException {
    SegmentId id = SegmentId.random();
    try (ShardedBuild build =
        new ShardedBuild(work.resolve(attempt), CONFIG, List.of(), 1, shard -> id)) {
      SplittableRandom r = new SplittableRandom(7);
      for (int i = 0; i < points; i++) {
        float[] v = {(float) r.nextDouble(), (float) r.nextDouble(), 1f, 2f};
        build.add(0, Point.of(PointId.of(i), v, null), 1);
      }
      return new SegmentStager(fs, layout, 1, jobId, attempt)
          .stage(build.finish(), Map.of("", 4), n -> {})
          .get(0);
    }
  }

  private SnapshotManifest commit(String jobId, List<StagedSegment> segments) throws IOException {
    ObjectNode config = CONFIG.toJson();
    return new VersionCommit(fs, layout, 1, jobId).commit("c", config, 1, segments, null);
  }

  @Test
  void onlyTheCommittedAttemptIsListedAndTheOtherIsDeleted() throws IOException {
    StagedSegment first = stage("job-a", "0-1", 30);
    StagedSegment speculative = stage("job-a", "0-2", 30);
    SnapshotManifest manifest = commit("job-a", List.of(first));
    assertEquals(1, manifest.shards().get(0).segments().size());
    assertEquals(first.segmentId(), manifest.shards().get(0).segments().get(0).segmentId());
    Path v1 = root.resolve("c/v1");
    assertFalse(Files.exists(v1.resolve(speculative.dir())), "the other attempt's segment");
    assertFalse(Files.exists(v1.resolve("_staging")), "the job's staging folder");
    SnapshotReader reader = SnapshotReader.open(v1, true);
    assertEquals(List.of("_SUCCESS"), reader.unlistedFiles());
  }

  @Test
  void commitIsIdempotentForTheSameJobAndRefusesAnotherJob() throws IOException {
    StagedSegment a = stage("job-a", "0-1", 10);
    SnapshotManifest first = commit("job-a", List.of(a));
    List<String> files = files(root);
    assertEquals(
        new String(ManifestCodec.encode(first)),
        new String(ManifestCodec.encode(commit("job-a", List.of(a)))));
    assertEquals(files, files(root));

    StagedSegment b = stage("job-b", "0-7", 12);
    IllegalStateException e =
        assertThrows(IllegalStateException.class, () -> commit("job-b", List.of(b)));
    assertTrue(
        e.getMessage().contains("was committed meanwhile by another job (job-a)"), e.getMessage());
    new VersionCommit(fs, layout, 1, "job-b").abort();
    assertEquals(files, files(root), "job-b's abort removed its own files and nothing else");
  }

  @Test
  void aSegmentThatDoesNotMatchItsMessageIsRefused() throws IOException {
    StagedSegment a = stage("job-a", "0-1", 10);
    Files.writeString(root.resolve("c/v1").resolve(a.dir()).resolve("extra"), "x");
    IOException e = assertThrows(IOException.class, () -> commit("job-a", List.of(a)));
    assertTrue(e.getMessage().contains("holds files its task did not report: ["), e.getMessage());
    assertFalse(Files.exists(root.resolve("c/v1/manifest.json")));
    new VersionCommit(fs, layout, 1, "job-a").abort();
    assertEquals(List.of(), files(root));
  }

  private static List<String> files(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(p -> !p.equals(dir))
          .map(p -> dir.relativize(p).toString())
          .sorted()
          .toList();
    }
  }
}
