package io.quiver.engine.snapshot;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.store.FileTrees;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a snapshot on the local filesystem: {@link #begin}, {@link #addSegment} for each segment
 * (and {@link #addVersionTable} for a shard that has one), then {@link #commit} or {@link #abort}.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>The snapshot becomes visible only when {@code manifest.json} appears, and that is the last
 *       thing written: every segment file and folder is fsynced first, the manifest is written to a
 *       temporary file, fsynced, published under its name without replacing anything (a hard link,
 *       or an atomic rename where links are not supported), and the folder is fsynced.
 *   <li>Each segment folder is created by this writer alone ({@code addSegment} refuses a folder
 *       that already exists), so a writer never changes files another writer staged or published.
 *   <li>Commit is idempotent: if {@code manifest.json} already exists with the same content
 *       (ignoring {@code created_at}), commit does nothing and returns the existing manifest; a
 *       different manifest there is a {@link FileAlreadyExistsException}.
 *   <li>{@link #abort} (and {@link #close} before a commit) deletes every folder and file this
 *       writer created, and nothing else.
 * </ul>
 *
 * <p>Segment files are hard-linked into the snapshot where the filesystem allows it (segments are
 * immutable, so snapshot and source may share the bytes) and copied otherwise. A writer is not
 * thread-safe.
 */
public final class SnapshotWriter implements Closeable {

  private static final Logger LOG = LoggerFactory.getLogger(SnapshotWriter.class);
  private static final int BUFFER_SIZE = 1 << 16;

  private final Path root;
  private final Clock clock;
  private final boolean hardLinks;
  private final boolean createdRoot;

  /** Staged segments by shard, in the order added. */
  private final Map<Integer, List<SegmentEntry>> shards = new TreeMap<>();

  /** Version tables by shard. */
  private final Map<Integer, FileEntry> versionTables = new TreeMap<>();

  /** Shard folders this writer created; deleted on abort only if empty. */
  private final List<Path> createdShardDirs = new ArrayList<>();

  /** Files this writer created directly in a shard folder (version tables). */
  private final List<Path> createdShardFiles = new ArrayList<>();

  /** Segment folders this writer created; everything in them is this writer's. */
  private final List<Path> createdSegmentDirs = new ArrayList<>();

  private final Map<String, Integer> segmentShards = new LinkedHashMap<>();
  private SnapshotManifest committed;
  private boolean aborted;

  private SnapshotWriter(Path root, Clock clock, boolean hardLinks, boolean createdRoot) {
    this.root = root;
    this.clock = clock;
    this.hardLinks = hardLinks;
    this.createdRoot = createdRoot;
  }

  /**
   * Starts a snapshot in {@code snapshotDir}, creating the folder if needed.
   *
   * @throws FileAlreadyExistsException if the folder already holds a {@code manifest.json}
   */
  public static SnapshotWriter begin(Path snapshotDir) throws IOException {
    return begin(snapshotDir, Clock.systemUTC(), true);
  }

  /**
   * Like {@link #begin(Path)}, with the clock that stamps {@code created_at} and whether segment
   * files may be hard-linked ({@code false} always copies).
   */
  public static SnapshotWriter begin(Path snapshotDir, Clock clock, boolean hardLinks)
      throws IOException {
    Path root = snapshotDir.toAbsolutePath().normalize();
    Path manifest = root.resolve(SnapshotManifest.MANIFEST_FILE);
    if (Files.exists(manifest, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(
          manifest.toString(), null, "a snapshot is already committed in " + root);
    }
    boolean created = false;
    if (!Files.isDirectory(root)) {
      Files.createDirectories(root);
      created = true;
    }
    return new SnapshotWriter(root, clock, hardLinks, created);
  }

  /** The snapshot folder. */
  public Path root() {
    return root;
  }

  /**
   * Puts the regular files of {@code sourceSegmentDir} into {@code shard-<shard>/<segmentId>/},
   * recording their sizes and sha256.
   *
   * @throws IllegalArgumentException if the shard or segment id is invalid, the segment id was
   *     already added, or the source holds a link or anything else that is not a regular file, or
   *     nothing at all
   * @throws FileAlreadyExistsException if the segment folder already exists in the snapshot
   */
  public SegmentEntry addSegment(
      int shard, String segmentId, Path sourceSegmentDir, long pointCount) throws IOException {
    checkOpen();
    if (shard < 0) {
      throw new IllegalArgumentException("shard must be >= 0; got " + shard);
    }
    Fields.segmentId(segmentId, "segment_id");
    Fields.nonNegative(pointCount, "point_count");
    Integer earlier = segmentShards.get(segmentId);
    if (earlier != null) {
      throw new IllegalArgumentException(
          "segment " + segmentId + " was already added (to shard " + earlier + ")");
    }
    List<String> sources = listSegmentFiles(sourceSegmentDir);
    String dir = SnapshotManifest.segmentDir(shard, segmentId);
    shardDir(shard);
    Path segmentDir = root.resolve(dir);
    Files.createDirectory(segmentDir); // refuses an existing folder: it is someone else's
    createdSegmentDirs.add(segmentDir);
    boolean success = false;
    try {
      List<FileEntry> files = new ArrayList<>(sources.size());
      byte[] buffer = new byte[BUFFER_SIZE];
      for (String source : sources) {
        Path target = segmentDir.resolve(source);
        Files.createDirectories(target.getParent());
        files.add(place(sourceSegmentDir.resolve(source), target, dir + "/" + source, buffer));
      }
      SegmentEntry entry = new SegmentEntry(segmentId, dir, pointCount, files);
      shards.computeIfAbsent(shard, k -> new ArrayList<>()).add(entry);
      segmentShards.put(segmentId, shard);
      success = true;
      return entry;
    } finally {
      if (!success) {
        deleteSegmentDir(segmentDir);
        createdSegmentDirs.remove(segmentDir);
      }
    }
  }

  /**
   * Puts the version table file {@code source} (the engine's {@code VersionTable} format) into
   * {@code shard-<shard>/versions.qv}, recording its size and sha256.
   *
   * @throws IllegalArgumentException if the shard is invalid, already has a version table, or the
   *     source is not a regular file
   * @throws FileAlreadyExistsException if the file already exists in the snapshot
   */
  public FileEntry addVersionTable(int shard, Path source) throws IOException {
    checkOpen();
    if (shard < 0) {
      throw new IllegalArgumentException("shard must be >= 0; got " + shard);
    }
    if (versionTables.containsKey(shard)) {
      throw new IllegalArgumentException("shard " + shard + " already has a version table");
    }
    if (!Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
      throw new IllegalArgumentException("version table " + source + " is not a regular file");
    }
    String path = ShardEntry.versionsPath(shard);
    Path target = root.resolve(path);
    shardDir(shard);
    if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      throw new FileAlreadyExistsException(target.toString()); // someone else's
    }
    createdShardFiles.add(target);
    FileEntry entry = place(source, target, path, new byte[BUFFER_SIZE]);
    versionTables.put(shard, entry);
    return entry;
  }

  /** The folder of a shard, created (and remembered for abort) when missing. */
  private Path shardDir(int shard) throws IOException {
    Path shardDir = root.resolve("shard-" + shard);
    if (!Files.isDirectory(shardDir, LinkOption.NOFOLLOW_LINKS)) {
      Files.createDirectory(shardDir);
      createdShardDirs.add(shardDir);
    }
    return shardDir;
  }

  /**
   * The regular files under a segment folder (subfolders included), as {@code /}-separated paths
   * relative to it, sorted; links and anything else that is not a file or folder are refused.
   */
  private static List<String> listSegmentFiles(Path sourceDir) throws IOException {
    if (!Files.isDirectory(sourceDir)) {
      throw new IllegalArgumentException("segment source " + sourceDir + " is not a directory");
    }
    List<String> files = new ArrayList<>();
    collectFiles(sourceDir, "", files);
    if (files.isEmpty()) {
      throw new IllegalArgumentException("segment source " + sourceDir + " holds no files");
    }
    files.sort(null);
    return files;
  }

  private static void collectFiles(Path dir, String prefix, List<String> files) throws IOException {
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (!SnapshotPaths.isValid(name)
            || (prefix.isEmpty() && name.equals(SnapshotManifest.MANIFEST_FILE))) {
          throw new IllegalArgumentException(
              "segment source "
                  + dir
                  + " holds a file named '"
                  + SnapshotPaths.printable(name)
                  + "', which cannot be a snapshot path component");
        }
        BasicFileAttributes attrs =
            Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attrs.isDirectory()) {
          collectFiles(entry, prefix + name + "/", files);
        } else if (attrs.isSymbolicLink() || !attrs.isRegularFile()) {
          throw new IllegalArgumentException(
              "segment source "
                  + dir
                  + " holds "
                  + name
                  + ", which is "
                  + (attrs.isSymbolicLink() ? "a symbolic link" : "not a regular file")
                  + "; a segment folder may hold only regular files and folders");
        } else {
          files.add(prefix + name);
        }
      }
    }
  }

  /** Hard-links or copies {@code source} to {@code target}; returns its entry. */
  private FileEntry place(Path source, Path target, String path, byte[] buffer) throws IOException {
    if (hardLinks && tryLink(source, target)) {
      try (InputStream in = Files.newInputStream(target, LinkOption.NOFOLLOW_LINKS)) {
        FileDigests.Digest d = FileDigests.digest(in, FileDigests.newSha256(), buffer);
        return new FileEntry(path, d.size(), d.sha256());
      }
    }
    MessageDigest sha = FileDigests.newSha256();
    long size = 0;
    try (InputStream in = Files.newInputStream(source, LinkOption.NOFOLLOW_LINKS);
        OutputStream out =
            Files.newOutputStream(
                target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        sha.update(buffer, 0, n);
        out.write(buffer, 0, n);
        size += n;
      }
    }
    return new FileEntry(path, size, FileDigests.hex(sha.digest()));
  }

  /** Hard-links {@code source} as {@code target}; false if this filesystem cannot. */
  private static boolean tryLink(Path source, Path target) throws IOException {
    try {
      Files.createLink(target, source);
      return true;
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | FileSystemException e) {
      // Another filesystem (EXDEV), or one without hard links: the caller copies instead.
      LOG.debug("cannot hard-link {} into the snapshot ({}); copying", source, e.toString());
      return false;
    }
  }

  /**
   * Publishes the snapshot: fsyncs every staged file and folder, then writes {@code manifest.json}
   * atomically, last. Calling it again with the same arguments, or finding the same manifest
   * already committed, returns that manifest and changes nothing.
   *
   * @return the committed manifest
   * @throws IllegalArgumentException if an argument is invalid (nothing is written)
   * @throws FileAlreadyExistsException if a different manifest is already committed here
   */
  public SnapshotManifest commit(
      String collection, ObjectNode config, long version, long watermark, String jobId)
      throws IOException {
    if (aborted) {
      throw new IllegalStateException("snapshot writer for " + root + " was aborted");
    }
    java.util.SortedSet<Integer> shardNumbers = new java.util.TreeSet<>(shards.keySet());
    shardNumbers.addAll(versionTables.keySet());
    List<ShardEntry> shardEntries = new ArrayList<>(shardNumbers.size());
    for (int shard : shardNumbers) {
      shardEntries.add(
          new ShardEntry(shard, shards.getOrDefault(shard, List.of()), versionTables.get(shard)));
    }
    SnapshotManifest manifest =
        new SnapshotManifest(
            SnapshotManifest.FORMAT_VERSION,
            collection,
            config,
            version,
            watermark,
            jobId,
            clock.instant(),
            shardEntries);
    Path manifestFile = root.resolve(SnapshotManifest.MANIFEST_FILE);
    if (Files.exists(manifestFile, LinkOption.NOFOLLOW_LINKS)) {
      return existing(manifestFile, manifest);
    }
    for (ShardEntry shard : shardEntries) {
      for (SegmentEntry segment : shard.segments()) {
        for (FileEntry file : segment.files()) {
          Path path = root.resolve(file.path());
          FileTrees.fsync(path);
          if (!path.getParent().equals(root.resolve(segment.dir()))) {
            FileTrees.fsync(path.getParent());
          }
        }
        FileTrees.fsync(root.resolve(segment.dir()));
      }
      if (shard.versions() != null) {
        FileTrees.fsync(root.resolve(shard.versions().path()));
      }
      FileTrees.fsync(root.resolve("shard-" + shard.shard()));
    }
    byte[] json = ManifestCodec.encode(manifest);
    Path temp = Files.createTempFile(root, "." + SnapshotManifest.MANIFEST_FILE + ".", ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(json);
        while (buf.hasRemaining()) {
          ch.write(buf);
        }
        ch.force(true);
      }
      if (!publish(temp, manifestFile)) {
        return existing(manifestFile, manifest);
      }
    } finally {
      Files.deleteIfExists(temp);
    }
    FileTrees.fsync(root);
    committed = manifest;
    LOG.info(
        "committed snapshot {} version {} of collection {}: {} shards, {} segments, {} points",
        root,
        version,
        collection,
        shardEntries.size(),
        segmentShards.size(),
        manifest.pointCount());
    return manifest;
  }

  /**
   * Makes {@code temp} visible as {@code target} without replacing an existing file; returns false
   * if {@code target} already exists.
   */
  private static boolean publish(Path temp, Path target) throws IOException {
    try {
      Files.createLink(target, temp);
      return true;
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (UnsupportedOperationException | FileSystemException e) {
      // No hard links here: fall back to a rename, which may replace a manifest that appeared
      // after the check in commit(); only a concurrent writer could race us there.
      if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
        return false;
      }
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException unsupported) {
        Files.move(temp, target);
      }
      return true;
    }
  }

  private SnapshotManifest existing(Path manifestFile, SnapshotManifest mine) throws IOException {
    SnapshotManifest theirs;
    try {
      theirs = ManifestCodec.decode(Files.readAllBytes(manifestFile));
    } catch (InvalidSnapshotException e) {
      throw new FileAlreadyExistsException(
          manifestFile.toString(),
          null,
          "an unreadable manifest is already there: " + e.getMessage());
    }
    if (!theirs.sameContentAs(mine)) {
      throw new FileAlreadyExistsException(
          manifestFile.toString(),
          null,
          "a different snapshot is already committed here (version "
              + theirs.version()
              + ", job "
              + theirs.jobId()
              + ", created "
              + theirs.createdAt()
              + "); this commit was version "
              + mine.version()
              + ", job "
              + mine.jobId());
    }
    committed = theirs;
    return theirs;
  }

  /**
   * Deletes every folder and file this writer created, and the snapshot folder if this writer
   * created it and it is empty. Does nothing if already aborted.
   *
   * @throws IllegalStateException if the snapshot was committed
   */
  public void abort() throws IOException {
    if (committed != null) {
      throw new IllegalStateException(
          "snapshot " + root + " is committed; aborting would delete published files");
    }
    if (aborted) {
      return;
    }
    aborted = true;
    for (Path dir : createdSegmentDirs) {
      deleteSegmentDir(dir);
    }
    for (Path file : createdShardFiles) {
      Files.deleteIfExists(file);
    }
    for (Path dir : createdShardDirs) {
      deleteIfEmpty(dir);
    }
    createdSegmentDirs.clear();
    createdShardFiles.clear();
    createdShardDirs.clear();
    shards.clear();
    versionTables.clear();
    segmentShards.clear();
    if (createdRoot) {
      deleteIfEmpty(root);
    }
  }

  /** Aborts if the snapshot was not committed. */
  @Override
  public void close() throws IOException {
    if (committed == null) {
      abort();
    }
  }

  private void checkOpen() {
    if (committed != null) {
      throw new IllegalStateException("snapshot " + root + " is already committed");
    }
    if (aborted) {
      throw new IllegalStateException("snapshot writer for " + root + " was aborted");
    }
  }

  /** Deletes a segment folder this writer created: its files, then the folder. */
  private static void deleteSegmentDir(Path dir) throws IOException {
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path entry : entries) {
        if (Files.isDirectory(entry, LinkOption.NOFOLLOW_LINKS)) {
          deleteSegmentDir(entry);
        } else {
          Files.deleteIfExists(entry);
        }
      }
    }
    deleteIfEmpty(dir);
  }

  private static void deleteIfEmpty(Path dir) throws IOException {
    try {
      Files.deleteIfExists(dir);
    } catch (DirectoryNotEmptyException e) {
      LOG.debug("not deleting {}: it holds files this writer did not create", dir);
    }
  }
}
