package io.quiver.engine.snapshot;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The segments of one shard in a snapshot, and its version table. Every segment lives in {@code
 * shard-<shard>/}.
 *
 * @param shard the shard number, {@code >= 0}
 * @param segments the shard's segments, no segment id twice; may be empty
 * @param versions the shard's version table, {@code shard-<shard>/versions.qv}: the last external
 *     version of each point id written with a version, tombstones included (the engine's {@code
 *     VersionTable} format); null when the shard has none (a batch build, or a shard that never
 *     took a versioned write)
 */
public record ShardEntry(int shard, List<SegmentEntry> segments, FileEntry versions) {

  /** The name of a shard's version table file inside its folder. */
  public static final String VERSIONS_FILE = "versions.qv";

  public ShardEntry {
    Fields.nonNegative(shard, "shard");
    segments = List.copyOf(Fields.required(segments, "segments"));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < segments.size(); i++) {
      SegmentEntry segment = segments.get(i);
      if (!seen.add(segment.segmentId())) {
        throw Fields.invalid(
            "segments[" + i + "].segment_id", "duplicate segment id", segment.segmentId());
      }
      if (segment.shardInDir() != shard) {
        throw Fields.invalid(
            "segments[" + i + "].dir",
            "expected \"" + SnapshotManifest.segmentDir(shard, segment.segmentId()) + "\"",
            segment.dir());
      }
    }
    if (versions != null && !versions.path().equals(versionsPath(shard))) {
      throw Fields.invalid(
          "versions.path", "expected \"" + versionsPath(shard) + "\"", versions.path());
    }
  }

  /** A shard without a version table. */
  public ShardEntry(int shard, List<SegmentEntry> segments) {
    this(shard, segments, null);
  }

  /** Where a shard's version table lives, relative to the snapshot root. */
  public static String versionsPath(int shard) {
    return "shard-" + shard + "/" + VERSIONS_FILE;
  }
}
