package io.quiver.engine.snapshot.store;

import io.quiver.engine.snapshot.FileEntry;
import io.quiver.engine.snapshot.SegmentEntry;
import io.quiver.engine.snapshot.SnapshotManifest;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A segment a task has built and uploaded under its version folder, as the task reports it to the
 * driver: small enough to travel in a commit message.
 *
 * @param shard the shard it belongs to
 * @param segmentId its id (32 hex), also its folder's name
 * @param pointCount its points (after deduplication by id)
 * @param files its files, paths relative to the version folder
 * @param dimensions the size of each vector it was built with
 */
public record StagedSegment(
    int shard,
    String segmentId,
    long pointCount,
    List<StagedFile> files,
    Map<String, Integer> dimensions)
    implements Serializable {

  private static final long serialVersionUID = 1L;

  /** One uploaded file; the same fields as the manifest's file entry. */
  public record StagedFile(String path, long size, String sha256) implements Serializable {
    private static final long serialVersionUID = 1L;

    public FileEntry toEntry() {
      return new FileEntry(path, size, sha256);
    }
  }

  public StagedSegment {
    files = List.copyOf(files);
    dimensions = Map.copyOf(dimensions);
  }

  /** The segment's folder relative to the version folder: {@code shard-<k>/<segment-id>}. */
  public String dir() {
    return SnapshotManifest.segmentDir(shard, segmentId);
  }

  public SegmentEntry toEntry() {
    List<FileEntry> entries = new ArrayList<>(files.size());
    files.forEach(f -> entries.add(f.toEntry()));
    return new SegmentEntry(segmentId, dir(), pointCount, entries);
  }
}
