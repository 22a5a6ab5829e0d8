package io.quiver.engine.snapshot.store;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.snapshot.InvalidSnapshotException;
import io.quiver.engine.snapshot.ManifestCodec;
import io.quiver.engine.snapshot.SegmentEntry;
import io.quiver.engine.snapshot.ShardEntry;
import io.quiver.engine.snapshot.SnapshotManifest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The driver's side of a write of one version by one job: checks what the tasks uploaded, carries
 * the current version's segments on append, publishes {@code manifest.json}, and cleans up.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>The version becomes visible only when its {@code manifest.json} appears; the manifest is
 *       written in full to a temporary file first and published without replacing anything ({@link
 *       HadoopFiles#publishNoReplace}). Every segment it lists was checked first: each file there,
 *       with the size its task reported, and nothing else in the folder.
 *   <li>Commit is idempotent per (job id, version): if the manifest is already there from this job,
 *       commit returns it and changes nothing; a manifest from another job is a conflict, and this
 *       job's files are left for {@link #abort} to delete.
 *   <li>Exactly one segment per task (per shard it saw) is listed: the one in the message of the
 *       attempt Spark committed. Segment folders of other attempts, found through their markers,
 *       are deleted after the manifest is published, as is the job's staging folder.
 *   <li>{@link #abort} deletes every folder and file the job wrote (uploaded segments, carried
 *       segments, markers, the temporary manifest) and the version folder if nothing else is in it.
 *       It never touches a committed version.
 * </ul>
 */
public final class VersionCommit {

  private static final Logger LOG = LoggerFactory.getLogger(VersionCommit.class);
  static final String DRIVER_ATTEMPT = "driver";

  private final FileSystem fs;
  private final CollectionLayout layout;
  private final long version;
  private final String jobId;

  public VersionCommit(FileSystem fs, CollectionLayout layout, long version, String jobId) {
    this.fs = fs;
    this.layout = layout;
    this.version = version;
    this.jobId = jobId;
  }

  /**
   * Publishes the version.
   *
   * @param shardCount the collection's shard count; every shard is listed, empty or not
   * @param segments the segments of the committed task attempts
   * @param previous the current version's manifest when appending, else null
   * @return the published manifest
   */
  public SnapshotManifest commit(
      String collection,
      ObjectNode config,
      int shardCount,
      List<StagedSegment> segments,
      SnapshotManifest previous)
      throws IOException {
    SnapshotManifest existing = readManifest();
    if (existing != null) {
      return alreadyCommitted(existing);
    }
    Map<Integer, List<StagedSegment>> added = new TreeMap<>();
    for (StagedSegment s : segments) {
      if (s.shard() < 0 || s.shard() >= shardCount) {
        throw new IllegalStateException(
            "segment " + s.segmentId() + " is for shard " + s.shard() + " of " + shardCount);
      }
      verifyUploaded(s);
      added.computeIfAbsent(s.shard(), k -> new ArrayList<>()).add(s);
    }
    Map<Integer, List<SegmentEntry>> shards = new TreeMap<>();
    for (int k = 0; k < shardCount; k++) {
      shards.put(k, new ArrayList<>());
    }
    if (previous != null) {
      if (previous.shards().size() != shardCount) {
        throw new IllegalStateException(
            "version " + previous.version() + " has " + previous.shards().size() + " shards");
      }
      writeMarker(DRIVER_ATTEMPT, AppendCarry.dirs(previous));
      java.nio.file.Path temp = Files.createTempDirectory("quiver-append-");
      try {
        new AppendCarry(fs, layout, version, temp)
            .carry(previous, added)
            .forEach((shard, carried) -> shards.get(shard).addAll(carried));
      } finally {
        deleteLocal(temp);
      }
    }
    added.forEach((shard, list) -> list.forEach(s -> shards.get(shard).add(s.toEntry())));
    List<ShardEntry> entries = new ArrayList<>();
    shards.forEach((k, list) -> entries.add(new ShardEntry(k, list)));
    SnapshotManifest manifest =
        new SnapshotManifest(
            SnapshotManifest.FORMAT_VERSION,
            collection,
            config,
            version,
            0,
            jobId,
            Instant.now(),
            entries);
    Path temp = new Path(layout.stagingDir(version, jobId), SnapshotManifest.MANIFEST_FILE);
    HadoopFiles.write(fs, temp, ManifestCodec.encode(manifest), true);
    if (!HadoopFiles.publishNoReplace(fs, temp, layout.manifest(version))) {
      return alreadyCommitted(readManifest());
    }
    LOG.info(
        "Committed {} version {} (job {}): {} shards, {} segments, {} points",
        layout,
        version,
        jobId,
        shardCount,
        entries.stream().mapToInt(e -> e.segments().size()).sum(),
        manifest.pointCount());
    // Published: what follows is housekeeping, and a failure there must not fail the job.
    try {
      HadoopFiles.write(fs, layout.success(version), new byte[0], true);
      Set<String> listed = new HashSet<>();
      entries.forEach(e -> e.segments().forEach(s -> listed.add(s.dir())));
      removeStaged(listed);
    } catch (IOException | RuntimeException e) {
      LOG.warn("version {} of {} is committed, but cleaning up failed", version, layout, e);
    }
    return manifest;
  }

  /** Deletes everything this job wrote; leaves a committed version alone. */
  public void abort() {
    try {
      SnapshotManifest existing = readManifest();
      if (existing != null && jobId.equals(existing.jobId())) {
        LOG.warn("not aborting {} version {}: job {} already committed it", layout, version, jobId);
        return;
      }
      removeStaged(Set.of());
      Path versionDir = layout.versionDir(version);
      if (fs.exists(versionDir) && !fs.exists(layout.manifest(version))) {
        for (FileStatus child : fs.listStatus(versionDir)) {
          if (child.isDirectory()) {
            HadoopFiles.deleteIfEmpty(fs, child.getPath());
          }
        }
        HadoopFiles.deleteIfEmpty(fs, versionDir);
        HadoopFiles.deleteIfEmpty(fs, layout.collectionDir());
      }
      LOG.info("Aborted {} version {} (job {})", layout, version, jobId);
    } catch (IOException | RuntimeException e) {
      LOG.warn("aborting {} version {} (job {}) left files behind", layout, version, jobId, e);
    }
  }

  /** Records the folders about to be written by {@code attempt} before writing any. */
  private void writeMarker(String attempt, List<String> dirs) throws IOException {
    StringBuilder text = new StringBuilder();
    dirs.forEach(d -> text.append(d).append('\n'));
    HadoopFiles.write(
        fs,
        new Path(layout.stagingDir(version, jobId), attempt + SegmentStager.MARKER_SUFFIX),
        text.toString().getBytes(StandardCharsets.UTF_8),
        true);
  }

  /**
   * Deletes the segment folders the job's markers name, but those in {@code keep}, then the job's
   * staging folder.
   */
  private void removeStaged(Set<String> keep) throws IOException {
    Path staging = layout.stagingDir(version, jobId);
    if (fs.exists(staging)) {
      for (FileStatus marker : fs.listStatus(staging)) {
        if (!marker.getPath().getName().endsWith(SegmentStager.MARKER_SUFFIX)) {
          continue;
        }
        String text = new String(HadoopFiles.readAll(fs, marker.getPath()), StandardCharsets.UTF_8);
        for (String dir : text.split("\n")) {
          if (!dir.isBlank() && !keep.contains(dir.trim())) {
            HadoopFiles.deleteQuietly(fs, layout.segmentDir(version, dir.trim()));
          }
        }
      }
      HadoopFiles.deleteQuietly(fs, staging);
    }
    HadoopFiles.deleteIfEmpty(fs, layout.stagingRoot(version));
  }

  /** Checks that the segment's folder holds exactly the files its task reported, at their sizes. */
  private void verifyUploaded(StagedSegment s) throws IOException {
    Path dir = layout.segmentDir(version, s.dir());
    if (!fs.exists(dir)) {
      throw new IOException("segment " + s.dir() + " reported by its task is missing");
    }
    Map<String, Long> onDisk = new HashMap<>();
    HadoopFiles.sizes(fs, dir, s.dir(), onDisk);
    for (StagedSegment.StagedFile f : s.files()) {
      Long size = onDisk.remove(f.path());
      if (size == null || size != f.size()) {
        throw new IOException(
            "segment "
                + s.dir()
                + ": "
                + f.path()
                + (size == null ? " is missing" : " has " + size + " bytes")
                + "; its task uploaded "
                + f.size()
                + " bytes");
      }
    }
    if (!onDisk.isEmpty()) {
      throw new IOException(
          "segment " + s.dir() + " holds files its task did not report: " + onDisk.keySet());
    }
  }

  private SnapshotManifest readManifest() throws IOException {
    Path file = layout.manifest(version);
    if (!fs.exists(file)) {
      return null;
    }
    try {
      return ManifestCodec.decode(HadoopFiles.readAll(fs, file));
    } catch (InvalidSnapshotException e) {
      throw new IOException(file + " is not a valid manifest: " + e.getMessage(), e);
    }
  }

  private SnapshotManifest alreadyCommitted(SnapshotManifest existing) {
    if (existing != null && jobId.equals(existing.jobId()) && existing.version() == version) {
      LOG.info("{} version {} was already committed by this job ({})", layout, version, jobId);
      return existing;
    }
    throw new IllegalStateException(
        "version "
            + version
            + " of "
            + layout
            + " was committed meanwhile by another job ("
            + (existing == null ? "unknown" : existing.jobId())
            + "); this job ("
            + jobId
            + ") published nothing. Writes to one collection must not run concurrently; run the"
            + " write again to create the next version.");
  }

  private static void deleteLocal(java.nio.file.Path dir) throws IOException {
    try (var walk = Files.walk(dir)) {
      for (java.nio.file.Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
