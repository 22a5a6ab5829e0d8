package io.quiver.engine.snapshot;

import io.quiver.engine.store.FileTrees;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A snapshot as one {@code .tar} stream, for downloads.
 *
 * <p>{@link #pack} writes a POSIX ustar archive ({@link TarWriter}) holding a directory entry for
 * each shard and segment folder, every file the manifest lists, and {@code manifest.json} last. All
 * entries carry the manifest's {@code created_at} as mtime, so the same snapshot always gives the
 * same bytes. Files are hashed while they are streamed; a file that no longer matches the manifest
 * stops the stream before the end-of-archive marker, so the receiver sees a truncated archive.
 *
 * <p>{@link #unpack} writes an archive into an empty folder and guarantees that it never writes
 * outside it: every entry name must be a valid snapshot path ({@link SnapshotPaths#check}), only
 * regular files and directories are accepted (links, devices, FIFOs and every other type are
 * refused), an entry may not appear twice, and files are created new, never through an existing
 * name. The result is then opened with checksum verification. On any failure everything unpacked is
 * deleted again and the folder is left as it was.
 */
public final class SnapshotArchive {

  private SnapshotArchive() {}

  /**
   * Writes the snapshot in {@code snapshotDir} to {@code out} as a tar stream; {@code out} is
   * flushed, not closed. Files on disk that the manifest does not list are left out.
   *
   * @throws InvalidSnapshotException if the snapshot does not match its manifest
   */
  public static void pack(Path snapshotDir, OutputStream out) throws IOException {
    SnapshotReader snapshot = SnapshotReader.open(snapshotDir, false);
    SnapshotManifest manifest = snapshot.manifest();
    long mtime = manifest.createdAt().getEpochSecond();
    TarWriter tar = new TarWriter(out);
    for (ShardEntry shard : manifest.shards()) {
      tar.directory("shard-" + shard.shard(), mtime);
      for (SegmentEntry segment : shard.segments()) {
        tar.directory(segment.dir(), mtime);
        for (FileEntry file : segment.files()) {
          archive(tar, snapshot.root(), file, mtime);
        }
      }
      if (shard.versions() != null) {
        archive(tar, snapshot.root(), shard.versions(), mtime);
      }
    }
    byte[] manifestBytes = snapshot.manifestBytes();
    tar.file(
        SnapshotManifest.MANIFEST_FILE,
        manifestBytes.length,
        mtime,
        new ByteArrayInputStream(manifestBytes));
    tar.finish();
  }

  /** Streams one listed file into the archive, checking its sha256 on the way. */
  private static void archive(TarWriter tar, Path root, FileEntry file, long mtime)
      throws IOException {
    Path path = SnapshotPaths.resolveNoLinks(root, file.path());
    MessageDigest sha = FileDigests.newSha256();
    try (InputStream in =
        new DigestInputStream(Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS), sha)) {
      tar.file(file.path(), file.size(), mtime, in);
    }
    String actual = FileDigests.hex(sha.digest());
    if (!actual.equals(file.sha256())) {
      throw new InvalidSnapshotException(
          "checksum mismatch while archiving: sha256 is "
              + actual
              + ", the manifest says "
              + file.sha256()
              + ": "
              + file.path()
              + " (snapshot "
              + root
              + ")");
    }
  }

  /**
   * Unpacks a tar stream into {@code targetDir} (created if absent, otherwise it must be an empty
   * directory) and opens the result, verifying every checksum.
   *
   * @throws InvalidSnapshotException naming the entry, if the archive is malformed, truncated,
   *     holds an unsafe or duplicate entry, or is not a valid snapshot
   */
  public static SnapshotReader unpack(InputStream in, Path targetDir) throws IOException {
    Path root = targetDir.toAbsolutePath().normalize();
    boolean createdRoot = false;
    if (Files.exists(root)) {
      if (!Files.isDirectory(root)) {
        throw new IllegalArgumentException("unpack target " + root + " is not a directory");
      }
      try (DirectoryStream<Path> entries = Files.newDirectoryStream(root)) {
        if (entries.iterator().hasNext()) {
          throw new IllegalArgumentException("unpack target " + root + " is not empty");
        }
      }
    } else {
      Files.createDirectories(root);
      createdRoot = true;
    }
    boolean success = false;
    try {
      unpackEntries(new TarReader(in), root);
      SnapshotReader snapshot = SnapshotReader.open(root, true);
      success = true;
      return snapshot;
    } finally {
      if (!success) {
        deleteContents(root);
        if (createdRoot) {
          Files.deleteIfExists(root);
        }
      }
    }
  }

  private static void unpackEntries(TarReader tar, Path root) throws IOException {
    Set<String> seen = new HashSet<>();
    List<Path> dirs = new ArrayList<>();
    dirs.add(root);
    byte[] buffer = new byte[1 << 16];
    for (TarReader.Entry entry = tar.next(); entry != null; entry = tar.next()) {
      boolean directory = entry.type() == TarHeader.DIRECTORY;
      if (!directory
          && entry.type() != TarHeader.REGULAR
          && entry.type() != TarHeader.REGULAR_OLD) {
        throw new InvalidSnapshotException(
            entry.describe()
                + " is "
                + typeName(entry)
                + "; a snapshot archive may hold only regular files and directories");
      }
      String name = entry.name();
      if (directory && name.endsWith("/")) {
        name = name.substring(0, name.length() - 1);
      }
      try {
        SnapshotPaths.check(name);
      } catch (IllegalArgumentException e) {
        throw new InvalidSnapshotException(entry.describe() + ": " + e.getMessage(), e);
      }
      if (!seen.add(name)) {
        throw new InvalidSnapshotException(entry.describe() + " appears twice in the archive");
      }
      Path target = root.resolve(name).normalize();
      // Cannot fail after the checks above; kept so that no future change can write outside root.
      if (!target.startsWith(root) || target.equals(root)) {
        throw new InvalidSnapshotException(entry.describe() + " resolves outside " + root);
      }
      makeParents(root, target, entry, dirs);
      if (directory) {
        if (!Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
          createDirectory(target, entry);
          dirs.add(target);
        }
      } else {
        writeFile(tar, target, entry, buffer);
      }
    }
    for (Path dir : dirs) {
      FileTrees.fsync(dir);
    }
  }

  /** Creates the missing folders above {@code target}; every existing one must be a real folder. */
  private static void makeParents(Path root, Path target, TarReader.Entry entry, List<Path> dirs)
      throws IOException {
    Path current = root;
    Path rel = root.relativize(target.getParent() == null ? root : target.getParent());
    if (rel.toString().isEmpty()) {
      return;
    }
    for (Path component : rel) {
      current = current.resolve(component.toString());
      BasicFileAttributes attrs;
      try {
        attrs = Files.readAttributes(current, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException e) {
        createDirectory(current, entry);
        dirs.add(current);
        continue;
      }
      if (!attrs.isDirectory() || attrs.isSymbolicLink()) {
        throw new InvalidSnapshotException(
            entry.describe() + ": " + root.relativize(current) + " is not a directory");
      }
    }
  }

  private static void createDirectory(Path dir, TarReader.Entry entry) throws IOException {
    try {
      Files.createDirectory(dir);
    } catch (FileAlreadyExistsException e) {
      throw new InvalidSnapshotException(
          entry.describe() + ": a file of that name was already unpacked", e);
    }
  }

  private static void writeFile(TarReader tar, Path target, TarReader.Entry entry, byte[] buffer)
      throws IOException {
    FileChannel ch;
    try {
      // CREATE_NEW never opens an existing name, so a link planted there cannot redirect it.
      ch =
          FileChannel.open(
              target,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE,
              LinkOption.NOFOLLOW_LINKS);
    } catch (FileAlreadyExistsException e) {
      throw new InvalidSnapshotException(
          entry.describe() + ": a directory of that name was already unpacked", e);
    }
    try (ch) {
      int n;
      while ((n = tar.read(buffer, 0, buffer.length)) >= 0) {
        ByteBuffer b = ByteBuffer.wrap(buffer, 0, n);
        while (b.hasRemaining()) {
          ch.write(b);
        }
      }
      ch.force(true);
    }
  }

  private static String typeName(TarReader.Entry entry) {
    switch (entry.type()) {
      case '1':
        return "a hard link (to '" + SnapshotPaths.printable(entry.linkName()) + "')";
      case '2':
        return "a symbolic link (to '" + SnapshotPaths.printable(entry.linkName()) + "')";
      case '3':
        return "a character device";
      case '4':
        return "a block device";
      case '6':
        return "a FIFO";
      case '7':
        return "a contiguous file";
      case 'g':
        return "a PAX global header";
      case 'L':
      case 'K':
        return "a GNU long-name header";
      default:
        return String.format("an entry of type '%s' (0x%02x)", entry.type(), (int) entry.type());
    }
  }

  /** Deletes everything under {@code root} without following links; keeps {@code root}. */
  private static void deleteContents(Path root) throws IOException {
    if (!Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.deleteIfExists(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
            if (!dir.equals(root)) {
              Files.deleteIfExists(dir);
            }
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
