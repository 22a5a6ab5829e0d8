package io.quiver.engine.snapshot;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The segments of one shard in a snapshot. Every segment lives in {@code shard-<shard>/}.
 *
 * @param shard the shard number, {@code >= 0}
 * @param segments the shard's segments, no segment id twice; may be empty
 */
public record ShardEntry(int shard, List<SegmentEntry> segments) {

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
  }
}
