package io.quiver.engine.snapshot.store;

import io.quiver.engine.point.PointId;
import io.quiver.engine.segment.DeletedPoints;
import io.quiver.engine.segment.IdTracker;
import io.quiver.engine.segment.ImmutableSegment;
import io.quiver.engine.segment.SegmentId;
import io.quiver.engine.snapshot.FileEntry;
import io.quiver.engine.snapshot.SegmentEntry;
import io.quiver.engine.snapshot.ShardEntry;
import io.quiver.engine.snapshot.SnapshotManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Carries the segments of the current version into the version an append writes. A snapshot's paths
 * stay inside its own folder, so the segments are copied (hard-linked on the local disk) rather
 * than referenced, each file checked against the old manifest on the way.
 *
 * <p>The engine keeps a point live in at most one segment and does not compare versions across
 * segments, so "the appended point wins" is made explicit: every carried point whose id one of the
 * new segments of the same shard holds is marked deleted in a {@code deleted-<version>.qv} file
 * (merged with the deletes the segment already had); a carried segment with no live point left is
 * dropped. Append keeps the shard count, so an id can only be in the same shard in both versions.
 */
final class AppendCarry {

  private final FileSystem fs;
  private final CollectionLayout layout;
  private final long version;
  private final java.nio.file.Path temp;
  private int downloads;

  AppendCarry(FileSystem fs, CollectionLayout layout, long version, java.nio.file.Path temp) {
    this.fs = fs;
    this.layout = layout;
    this.version = version;
    this.temp = temp;
  }

  /** The relative folders {@link #carry} will write, for the job's marker. */
  static List<String> dirs(SnapshotManifest previous) {
    List<String> out = new ArrayList<>();
    for (ShardEntry shard : previous.shards()) {
      shard.segments().forEach(s -> out.add(s.dir()));
    }
    return out;
  }

  /** The carried segments of each shard (some may have been dropped). */
  Map<Integer, List<SegmentEntry>> carry(
      SnapshotManifest previous, Map<Integer, List<StagedSegment>> added) throws IOException {
    Map<Integer, List<SegmentEntry>> out = new java.util.TreeMap<>();
    for (ShardEntry shard : previous.shards()) {
      List<IdTracker> newIds = new ArrayList<>();
      for (StagedSegment s : added.getOrDefault(shard.shard(), List.of())) {
        newIds.add(readIds(layout.versionDir(version), idsEntry(s.toEntry())));
      }
      List<SegmentEntry> kept = new ArrayList<>();
      for (SegmentEntry old : shard.segments()) {
        SegmentEntry carried = carrySegment(previous.version(), old, newIds);
        if (carried != null) {
          kept.add(carried);
        }
      }
      out.put(shard.shard(), kept);
    }
    return out;
  }

  private SegmentEntry carrySegment(long from, SegmentEntry old, List<IdTracker> newIds)
      throws IOException {
    Path fromDir = layout.versionDir(from);
    IdTracker ids = readIds(fromDir, idsEntry(old));
    FileEntry oldDeleted = null;
    for (FileEntry f : old.files()) {
      if (f.name().startsWith(DeletedPoints.FILE_PREFIX)) {
        oldDeleted = f;
      }
    }
    DeletedPoints deleted =
        oldDeleted == null
            ? new DeletedPoints(ids.size())
            : DeletedPoints.read(local(fromDir, oldDeleted), ids.size());
    for (int offset = 0; offset < ids.size(); offset++) {
      if (deleted.isDeleted(offset)) {
        continue;
      }
      PointId id = ids.id(offset);
      for (IdTracker added : newIds) {
        if (added.offsetOf(id) >= 0) {
          deleted.delete(offset, version);
          break;
        }
      }
    }
    long live = ids.size() - deleted.count();
    if (live == 0) {
      return null;
    }
    List<FileEntry> files = new ArrayList<>();
    for (FileEntry f : old.files()) {
      if (f != oldDeleted) {
        files.add(
            HadoopFiles.copyChecked(
                fs,
                new Path(fromDir, f.path()),
                new Path(layout.versionDir(version), f.path()),
                f.path(),
                f));
      }
    }
    if (deleted.count() > 0) {
      java.nio.file.Path local = temp.resolve("deleted-" + (downloads++) + ".qv");
      deleted.writeAsOf(local, SegmentId.parse(old.segmentId()).bytes(), version);
      String rel = old.dir() + "/" + DeletedPoints.fileName(version);
      files.add(HadoopFiles.upload(local, fs, new Path(layout.versionDir(version), rel), rel));
      Files.delete(local);
    }
    return new SegmentEntry(old.segmentId(), old.dir(), live, files);
  }

  private static FileEntry idsEntry(SegmentEntry segment) throws IOException {
    for (FileEntry f : segment.files()) {
      if (f.path().equals(segment.dir() + "/" + ImmutableSegment.IDS)) {
        return f;
      }
    }
    throw new IOException("segment " + segment.dir() + " lists no " + ImmutableSegment.IDS);
  }

  private IdTracker readIds(Path versionDir, FileEntry entry) throws IOException {
    java.nio.file.Path file = local(versionDir, entry);
    IdTracker ids = IdTracker.read(file);
    if (file.startsWith(temp)) {
      Files.delete(file);
    }
    return ids;
  }

  /** The file on the local disk: itself when the file system is local, else a checked copy. */
  private java.nio.file.Path local(Path versionDir, FileEntry entry) throws IOException {
    Path source = new Path(versionDir, entry.path());
    if (HadoopFiles.isLocal(fs)) {
      return HadoopFiles.localPath(fs, source);
    }
    java.nio.file.Path target = temp.resolve("download-" + (downloads++));
    HadoopFiles.download(fs, source, target, entry);
    return target;
  }
}
