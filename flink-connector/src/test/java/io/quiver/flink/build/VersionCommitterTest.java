package io.quiver.flink.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.segment.SegmentId;
import io.quiver.engine.snapshot.store.SegmentStager;
import io.quiver.engine.snapshot.store.ShardedBuild;
import io.quiver.engine.snapshot.store.StagedSegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.flink.api.connector.sink2.Committer.CommitRequest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A committable committed again (Flink does so after a restore) changes nothing; one committed by
 * another build of the same version is a conflict that names both.
 */
class VersionCommitterTest {

  @TempDir Path root;
  @TempDir Path work;

  private BuildSpec spec(String buildId) {
    return new BuildSpec(
        root.toUri().toString(),
        "c",
        1,
        buildId,
        1,
        "{\"vectors\": {\"size\": 2, \"distance\": \"Dot\"}}",
        Map.of(),
        1,
        null,
        Map.of(),
        null,
        null,
        Duration.ofSeconds(1));
  }

  private AllBuilt stageOneSegment(BuildSpec spec) throws Exception {
    try (ShardedBuild build =
        new ShardedBuild(work, spec.config(), List.of(), 1, shard -> SegmentId.random())) {
      for (int i = 0; i < 10; i++) {
        build.add(0, Point.of(PointId.of(i), new float[] {i, 1}, null), 1);
      }
      List<StagedSegment> staged =
          new SegmentStager(spec.fileSystem(), spec.layout(), spec.version(), spec.buildId(), "0-0")
              .stage(build.finish(), Map.of("", 2), uploaded -> {});
      return new AllBuilt(List.of(new BuiltShards(0, 1, staged)));
    }
  }

  @Test
  void committingAgainChangesNothingAndAnotherBuildsVersionIsAConflict() throws Exception {
    BuildSpec spec = spec("build-a");
    AllBuilt all = stageOneSegment(spec);
    VersionCommitter committer = new VersionCommitter(spec);
    committer.commit(List.of(request(all)));
    Path manifest = root.resolve("c").resolve("v1").resolve("manifest.json");
    byte[] first = Files.readAllBytes(manifest);

    committer.commit(List.of(request(all)));
    assertEquals(new String(first), new String(Files.readAllBytes(manifest)));
    assertTrue(!Files.exists(root.resolve("c").resolve("v1").resolve("_staging")));

    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> new VersionCommitter(spec("build-b")).commit(List.of(request(all))));
    assertTrue(
        e.getMessage()
            .contains(
                "was committed meanwhile by another job (build-a); this build"
                    + " (build-b) published nothing"),
        e.getMessage());
  }

  private static CommitRequest<AllBuilt> request(AllBuilt all) {
    return new CommitRequest<>() {
      @Override
      public AllBuilt getCommittable() {
        return all;
      }

      @Override
      public int getNumberOfRetries() {
        return 0;
      }

      @Override
      public void signalFailedWithKnownReason(Throwable t) {}

      @Override
      public void signalFailedWithUnknownReason(Throwable t) {}

      @Override
      public void retryLater() {}

      @Override
      public void updateAndRetryLater(AllBuilt committable) {}

      @Override
      public void signalAlreadyCommitted() {}
    };
  }
}
