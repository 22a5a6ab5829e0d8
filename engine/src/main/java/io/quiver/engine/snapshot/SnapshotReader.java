package io.quiver.engine.snapshot;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Opens a snapshot on the local filesystem and checks it against its manifest.
 *
 * <p>{@link #open} guarantees, when it returns, that: the folder holds a {@code manifest.json} that
 * decodes ({@link ManifestCodec}); no shard folder, segment folder, listed file or the manifest is
 * a symbolic link; every listed file is a regular file of the listed size; and, when asked to
 * verify, every listed file (segment files and shards' version tables) has the listed sha256. Each
 * failure is an {@link InvalidSnapshotException} (or {@link NoSuchFileException} for a missing
 * file) naming the file. Files on disk that the manifest does not list (leftovers of an aborted
 * build) are ignored, and reported by {@link #unlistedFiles()}. The snapshot folder itself may be
 * reached through a link.
 */
public final class SnapshotReader {

  private final Path root;
  private final byte[] manifestBytes;
  private final SnapshotManifest manifest;
  private final Map<Integer, List<Path>> segmentDirs;
  private final Map<Integer, Path> versionTables;
  private final List<String> unlistedFiles;

  private SnapshotReader(
      Path root,
      byte[] manifestBytes,
      SnapshotManifest manifest,
      Map<Integer, List<Path>> segmentDirs,
      Map<Integer, Path> versionTables,
      List<String> unlistedFiles) {
    this.root = root;
    this.manifestBytes = manifestBytes;
    this.manifest = manifest;
    this.segmentDirs = segmentDirs;
    this.versionTables = versionTables;
    this.unlistedFiles = unlistedFiles;
  }

  /**
   * Opens and checks the snapshot in {@code snapshotDir}.
   *
   * @param verifyChecksums also read every listed file and compare its sha256 with the manifest
   * @throws InvalidSnapshotException if the folder is not a snapshot or does not match its manifest
   */
  public static SnapshotReader open(Path snapshotDir, boolean verifyChecksums) throws IOException {
    Path root = snapshotDir.toAbsolutePath().normalize();
    if (!Files.isDirectory(root)) {
      throw new InvalidSnapshotException("not a snapshot: " + root + " is not a directory");
    }
    Path manifestFile = root.resolve(SnapshotManifest.MANIFEST_FILE);
    BasicFileAttributes attrs;
    try {
      attrs =
          Files.readAttributes(manifestFile, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new InvalidSnapshotException(
          "not a snapshot: no " + SnapshotManifest.MANIFEST_FILE + " in " + root);
    }
    if (!attrs.isRegularFile()) {
      throw new InvalidSnapshotException(
          SnapshotManifest.MANIFEST_FILE
              + " in "
              + root
              + " is not a regular file"
              + (attrs.isSymbolicLink() ? " (it is a symbolic link)" : ""));
    }
    byte[] bytes = Files.readAllBytes(manifestFile);
    SnapshotManifest manifest;
    try {
      manifest = ManifestCodec.decode(bytes);
    } catch (InvalidSnapshotException e) {
      throw new InvalidSnapshotException(
          SnapshotManifest.MANIFEST_FILE + " in " + root + ": " + e.getMessage(), e);
    }
    Map<Integer, List<Path>> dirs = new TreeMap<>();
    Map<Integer, Path> versions = new TreeMap<>();
    Set<String> listed = new HashSet<>();
    listed.add(SnapshotManifest.MANIFEST_FILE);
    for (ShardEntry shard : manifest.shards()) {
      List<Path> shardDirs = new ArrayList<>(shard.segments().size());
      for (SegmentEntry segment : shard.segments()) {
        Path segmentDir = existing(root, segment.dir());
        if (!Files.isDirectory(segmentDir, LinkOption.NOFOLLOW_LINKS)) {
          throw new InvalidSnapshotException(
              segment.dir() + " is not a directory (snapshot " + root + ")");
        }
        for (FileEntry file : segment.files()) {
          String parent = file.path().substring(0, file.path().lastIndexOf('/'));
          Path folder = parent.equals(segment.dir()) ? segmentDir : existing(root, parent);
          checkFile(root, folder.resolve(file.name()), file, verifyChecksums);
          listed.add(file.path());
        }
        shardDirs.add(segmentDir);
      }
      dirs.put(shard.shard(), Collections.unmodifiableList(shardDirs));
      if (shard.versions() != null) {
        Path shardDir = existing(root, "shard-" + shard.shard());
        Path file = shardDir.resolve(ShardEntry.VERSIONS_FILE);
        checkFile(root, file, shard.versions(), verifyChecksums);
        listed.add(shard.versions().path());
        versions.put(shard.shard(), file);
      }
    }
    return new SnapshotReader(
        root,
        bytes,
        manifest,
        Collections.unmodifiableMap(dirs),
        Collections.unmodifiableMap(versions),
        unlisted(root, listed));
  }

  private static Path existing(Path root, String path) throws IOException {
    try {
      return SnapshotPaths.resolveNoLinks(root, path);
    } catch (NoSuchFileException e) {
      throw new InvalidSnapshotException(
          path + " is listed in the manifest but missing (snapshot " + root + ")", e);
    }
  }

  private static void checkFile(Path root, Path file, FileEntry entry, boolean verify)
      throws IOException {
    String where = entry.path() + " (snapshot " + root + ")";
    BasicFileAttributes attrs;
    try {
      attrs = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      throw new InvalidSnapshotException("listed file is missing: " + where, e);
    }
    if (attrs.isSymbolicLink()) {
      throw new InvalidSnapshotException(
          "listed file is a symbolic link; a snapshot may not contain links: " + where);
    }
    if (!attrs.isRegularFile()) {
      throw new InvalidSnapshotException("listed file is not a regular file: " + where);
    }
    if (attrs.size() != entry.size()) {
      throw new InvalidSnapshotException(
          "listed file has "
              + attrs.size()
              + " bytes, the manifest says "
              + entry.size()
              + ": "
              + where);
    }
    if (verify) {
      String actual;
      try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
        actual = FileDigests.sha256(in);
      }
      if (!actual.equals(entry.sha256())) {
        throw new InvalidSnapshotException(
            "checksum mismatch: sha256 is "
                + actual
                + ", the manifest says "
                + entry.sha256()
                + ": "
                + where);
      }
    }
  }

  private static List<String> unlisted(Path root, Set<String> listed) throws IOException {
    List<String> out = new ArrayList<>();
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            String rel = relative(root, file);
            if (!listed.contains(rel)) {
              out.add(rel);
            }
            return FileVisitResult.CONTINUE;
          }
        });
    Collections.sort(out);
    return Collections.unmodifiableList(out);
  }

  private static String relative(Path root, Path file) {
    StringBuilder sb = new StringBuilder();
    for (Path component : root.relativize(file)) {
      if (sb.length() > 0) {
        sb.append('/');
      }
      sb.append(component);
    }
    return sb.toString();
  }

  /** The snapshot folder (absolute). */
  public Path root() {
    return root;
  }

  public SnapshotManifest manifest() {
    return manifest;
  }

  /** The exact bytes of {@code manifest.json} that {@link #manifest()} was decoded from. */
  byte[] manifestBytes() {
    return manifestBytes.clone();
  }

  /** The segment folders of every shard in the manifest, by shard number, in manifest order. */
  public Map<Integer, List<Path>> segmentDirs() {
    return segmentDirs;
  }

  /** The version table file of every shard that has one, by shard number. */
  public Map<Integer, Path> versionTables() {
    return versionTables;
  }

  /** The segment folders of one shard; empty if the manifest does not list the shard. */
  public List<Path> segmentDirs(int shard) {
    return segmentDirs.getOrDefault(shard, List.of());
  }

  /**
   * Files (and links or other non-directories) under the snapshot folder that the manifest does not
   * list, as sorted {@code /}-separated paths; they are ignored.
   */
  public List<String> unlistedFiles() {
    return unlistedFiles;
  }
}
