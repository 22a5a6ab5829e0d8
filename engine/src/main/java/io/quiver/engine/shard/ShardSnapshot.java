package io.quiver.engine.shard;

import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.point.Point;
import io.quiver.engine.segment.DeletedPoints;
import io.quiver.engine.segment.ImmutableSegment;
import io.quiver.engine.segment.MutableSegment;
import io.quiver.engine.segment.Segment;
import io.quiver.engine.segment.SegmentBuilder;
import io.quiver.engine.segment.SegmentId;
import io.quiver.engine.segment.SegmentMeta;
import io.quiver.engine.snapshot.ShardEntry;
import io.quiver.engine.snapshot.SnapshotWriter;
import io.quiver.engine.store.FileTrees;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Taking a shard into a snapshot, and making a shard out of one.
 *
 * <p>A snapshot holds the shard as of one sequence, its watermark: every operation up to it and
 * none after. Under the shard's write mutex (writes wait, searches do not) each immutable segment's
 * files are hard-linked into a staging folder beside the shard, with its deletes up to the
 * watermark written as {@code deleted-<watermark>.qv}, and the points of the mutable segments live
 * at the watermark are collected. Hard links keep the files' contents even if the optimizer drops
 * the segment a moment later. Outside the lock those points are built into one more immutable
 * segment, and everything staged goes to the {@link SnapshotWriter}, which hashes it. The version
 * table is copied under the mutex too (as of the watermark) and written beside the segments as the
 * shard's {@code versions.qv}, so that a collection restored from the snapshot still refuses the
 * stale versioned writes the original refused.
 *
 * <p>A shard made from a snapshot ({@link #restore}) has the snapshot's segments (hard-linked when
 * the filesystem allows, copied otherwise; segments are immutable, so sharing files is safe), its
 * version tables merged into one (the newest version of each id) and its checkpoint at the
 * watermark, so a log replays from the operation after it.
 */
final class ShardSnapshot {

  private ShardSnapshot() {}

  /** What was captured under the write mutex. */
  private record Captured(
      long watermark,
      List<Staged> immutables,
      List<Point> points,
      List<Long> versions,
      List<SegmentMeta.IndexedField> indexes,
      VersionTable externalVersions) {}

  private record Staged(String segmentId, Path dir, long liveCount) {}

  static long write(LocalShard shard, SnapshotWriter writer, int shardNumber, Path staging)
      throws IOException {
    Files.createDirectories(staging);
    try {
      Captured captured = capture(shard, staging);
      List<Staged> segments = new ArrayList<>(captured.immutables());
      if (!captured.points().isEmpty()) {
        segments.add(build(shard.config(), captured, staging));
      }
      for (Staged s : segments) {
        writer.addSegment(shardNumber, s.segmentId(), s.dir(), s.liveCount());
      }
      if (captured.externalVersions() != null) {
        Path file = staging.resolve(ShardEntry.VERSIONS_FILE);
        captured.externalVersions().writeAsOf(file, captured.watermark());
        writer.addVersionTable(shardNumber, file);
      }
      return captured.watermark();
    } finally {
      FileTrees.delete(staging);
    }
  }

  private static Captured capture(LocalShard shard, Path staging) throws IOException {
    synchronized (shard.writeMutex()) {
      long watermark = shard.lastApplied();
      List<Staged> immutables = new ArrayList<>();
      List<Point> points = new ArrayList<>();
      List<Long> versions = new ArrayList<>();
      List<Segment> all = new ArrayList<>(shard.segments());
      all.add(shard.mutable());
      for (Segment s : all) {
        if (s instanceof ImmutableSegment imm) {
          immutables.add(stage(imm, staging, watermark));
        } else {
          MutableSegment m = (MutableSegment) s;
          DeletedPoints deleted = m.deleted();
          for (int off = 0; off < m.size(); off++) {
            if (deleted.liveAsOf(off, watermark)) {
              points.add(m.point(off));
              versions.add(m.version(off));
            }
          }
        }
      }
      VersionTable externalVersions = shard.versionTable();
      return new Captured(
          watermark,
          immutables,
          points,
          versions,
          shard.indexes(),
          externalVersions.size() == 0 ? null : externalVersions.copy());
    }
  }

  /** Links an immutable segment's files, all but its deleted-points files, and writes those. */
  private static Staged stage(ImmutableSegment imm, Path staging, long watermark)
      throws IOException {
    String id = imm.id().toString();
    Path target = staging.resolve(id);
    linkTree(imm.dir(), target, name -> !name.startsWith(DELETED_PREFIX));
    int deleted = 0;
    if (imm.deleted().count() > 0) {
      deleted =
          imm.deleted()
              .writeAsOf(target.resolve(deletedFile(watermark)), imm.id().bytes(), watermark);
      if (deleted == 0) {
        Files.delete(target.resolve(deletedFile(watermark)));
      }
    }
    return new Staged(id, target, imm.size() - deleted);
  }

  private static Staged build(CollectionConfig config, Captured captured, Path staging)
      throws IOException {
    SegmentId id = SegmentId.random();
    Path dir = staging.resolve(id.toString());
    SegmentBuilder builder = new SegmentBuilder(dir, config, captured.indexes(), 0, id);
    for (int i = 0; i < captured.points().size(); i++) {
      builder.add(captured.points().get(i), captured.versions().get(i));
    }
    builder.finish();
    return new Staged(id.toString(), dir, builder.size());
  }

  static final String DELETED_PREFIX = DeletedPoints.FILE_PREFIX;

  static String deletedFile(long sequence) {
    return DeletedPoints.fileName(sequence);
  }

  /**
   * Writes a shard into {@code shardDir} (which must hold none) from snapshot segment folders and
   * version table files: the segments, the version tables merged, then a checkpoint at {@code
   * watermark} listing them with their deleted-points files and the payload indexes {@code
   * indexes}.
   */
  static void restore(
      Path shardDir,
      List<Path> segmentDirs,
      List<Path> versionTables,
      long watermark,
      List<SegmentMeta.IndexedField> indexes)
      throws IOException {
    if (Files.exists(shardDir.resolve(ShardState.FILE))) {
      throw new IllegalStateException("a shard already exists in " + shardDir);
    }
    Path segmentsDir = shardDir.resolve(LocalShard.SEGMENTS_DIR);
    Files.createDirectories(segmentsDir);
    List<ShardState.SegmentRef> refs = new ArrayList<>();
    for (Path source : segmentDirs) {
      SegmentMeta meta = SegmentMeta.read(source);
      String id = meta.id().toString();
      Path target = segmentsDir.resolve(id);
      if (Files.exists(target)) {
        throw new IllegalArgumentException(
            "segment " + id + " appears twice in the snapshot (" + source + ")");
      }
      String deleted = null;
      try (DirectoryStream<Path> files = Files.newDirectoryStream(source, DELETED_PREFIX + "*")) {
        for (Path f : files) {
          if (deleted != null) {
            throw new IllegalArgumentException(
                "segment folder " + source + " holds two deleted-points files");
          }
          deleted = f.getFileName().toString();
        }
      }
      linkTree(source, target, name -> true);
      refs.add(new ShardState.SegmentRef(LocalShard.SEGMENTS_DIR + "/" + id, deleted));
    }
    String versions = null;
    if (!versionTables.isEmpty()) {
      VersionTable merged = new VersionTable();
      for (Path file : versionTables) {
        merged.mergeNewest(VersionTable.read(file));
      }
      versions = VersionTable.fileName(watermark);
      merged.writeAsOf(shardDir.resolve(versions), watermark);
    }
    new ShardState(watermark, refs, indexes, versions).write(shardDir);
  }

  /**
   * Recreates the tree under {@code source} at {@code target} (which must not exist) with hard
   * links, or copies where links are not possible; top-level files are kept if {@code keep} says
   * so.
   */
  private static void linkTree(Path source, Path target, java.util.function.Predicate<String> keep)
      throws IOException {
    Files.createDirectory(target);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(source)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          linkTree(entry, target.resolve(name), n -> true);
        } else if (keep.test(name) && !name.endsWith(".tmp")) {
          try {
            Files.createLink(target.resolve(name), entry);
          } catch (UnsupportedOperationException | FileSystemException e) {
            Files.copy(entry, target.resolve(name));
          }
        }
      }
    }
  }
}
