package io.quiver.engine.snapshot;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One segment of a snapshot: its folder and the files in it.
 *
 * @param segmentId the segment's 16-byte id as 32 lowercase hex characters
 * @param dir the segment's folder relative to the snapshot root, {@code shard-<k>/<segment-id>}
 * @param pointCount how many live points the segment holds
 * @param files the segment's files, each directly inside {@code dir}, no path twice
 */
public record SegmentEntry(String segmentId, String dir, long pointCount, List<FileEntry> files) {

  public SegmentEntry {
    Fields.segmentId(segmentId, "segment_id");
    Fields.path(dir, "dir");
    int slash = dir.indexOf('/');
    if (slash < 0
        || !dir.substring(0, slash).matches("shard-(0|[1-9][0-9]{0,9})")
        || !dir.substring(slash + 1).equals(segmentId)) {
      throw Fields.invalid("dir", "expected \"shard-<k>/" + segmentId + "\"", dir);
    }
    Fields.nonNegative(pointCount, "point_count");
    files = List.copyOf(Fields.required(files, "files"));
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < files.size(); i++) {
      String path = files.get(i).path();
      String field = "files[" + i + "].path";
      if (!path.startsWith(dir + "/")) {
        throw Fields.invalid(field, "expected a file inside \"" + dir + "\"", path);
      }
      if (!seen.add(path)) {
        throw Fields.invalid(field, "duplicate file path", path);
      }
    }
  }

  /** The shard number in {@link #dir}. */
  long shardInDir() {
    return Long.parseLong(dir.substring("shard-".length(), dir.indexOf('/')));
  }

  /** The total size of the segment's files in bytes. */
  public long totalBytes() {
    long total = 0;
    for (FileEntry f : files) {
      total += f.size();
    }
    return total;
  }
}
