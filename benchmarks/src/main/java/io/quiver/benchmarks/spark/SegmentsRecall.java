package io.quiver.benchmarks.spark;

import io.quiver.benchmarks.data.Dataset;
import io.quiver.benchmarks.measure.Recall;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.shard.LocalShard;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.engine.snapshot.SnapshotManifest;
import io.quiver.engine.snapshot.SnapshotReader;
import io.quiver.engine.store.FileTrees;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Recall@k of built segments as the engine serves them: the segments go into one local shard (as
 * {@code QuiverCollection.restore} and a serving node put a published version; files hard-linked),
 * which is searched with the default {@code SearchParams} (ef = the index's {@code ef_construct} in
 * every segment, the segments' top k merged). The shard's optimizer is not started, so the measured
 * segments are the ones that were built, not a later merge of them.
 */
final class SegmentsRecall {

  /** A committed version, opened and checked against its manifest (every file's sha256). */
  record Version(SnapshotManifest manifest, CollectionConfig config, List<Path> segmentDirs) {

    int segmentCount() {
      return segmentDirs.size();
    }
  }

  private SegmentsRecall() {}

  /**
   * Opens {@code versionDir} (a snapshot folder with {@code manifest.json}), verifying checksums.
   */
  static Version open(Path versionDir) throws IOException {
    SnapshotReader reader = SnapshotReader.open(versionDir, true);
    SnapshotManifest manifest = reader.manifest();
    List<Path> dirs = new ArrayList<>();
    for (Map.Entry<Integer, List<Path>> e : reader.segmentDirs().entrySet()) {
      dirs.addAll(e.getValue());
    }
    return new Version(manifest, QuiverCollection.configOf(manifest), dirs);
  }

  /** Mean recall@k over the dataset's queries; point ids are the base vectors' ordinals. */
  static double measure(
      List<Path> segmentDirs, CollectionConfig config, Dataset data, int k, Path scratch)
      throws IOException {
    Path dir = scratch.resolve("shard");
    FileTrees.delete(dir);
    LocalShard.restore(dir, segmentDirs, List.of(), 0, List.of());
    int[][] results = new int[data.queries().length][];
    try (LocalShard shard = LocalShard.open(dir, config, false)) {
      for (int q = 0; q < results.length; q++) {
        List<ScoredPoint> hits = shard.search(SearchRequest.of(data.queries()[q], k));
        int[] ordinals = new int[hits.size()];
        for (int i = 0; i < ordinals.length; i++) {
          ordinals[i] = (int) hits.get(i).id().num();
        }
        results[q] = ordinals;
      }
    } finally {
      FileTrees.delete(dir);
    }
    return Recall.mean(data.metric(), data.base(), data.queries(), data.groundTruth(), results, k);
  }
}
