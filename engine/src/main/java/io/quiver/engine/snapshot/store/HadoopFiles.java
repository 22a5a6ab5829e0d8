package io.quiver.engine.snapshot.store;

import io.quiver.engine.snapshot.FileDigests;
import io.quiver.engine.snapshot.FileEntry;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * File operations on a Hadoop FileSystem with the guarantees the snapshot contract needs: copies
 * that compute (or check) size and sha256 in the same pass, and a publish that never replaces an
 * existing file.
 */
public final class HadoopFiles {

  private static final Logger LOG = LoggerFactory.getLogger(HadoopFiles.class);
  private static final int BUFFER = 1 << 16;

  private HadoopFiles() {}

  /**
   * The file system of {@code uri}. On the local disk this is the raw file system: Hadoop's
   * checksummed one would put a {@code .crc} file beside every segment file, and the engine's files
   * carry their own CRC footers and the manifest their sha256.
   */
  public static FileSystem fileSystem(String uri, Configuration conf) throws IOException {
    FileSystem fs = new Path(uri).getFileSystem(conf);
    if (fs instanceof LocalFileSystem local) {
      return local.getRawFileSystem();
    }
    return fs;
  }

  public static boolean isLocal(FileSystem fs) {
    return "file".equals(fs.getUri().getScheme());
  }

  /** The local path of {@code path} on a local file system. */
  public static java.nio.file.Path localPath(FileSystem fs, Path path) {
    URI uri = fs.makeQualified(path).toUri();
    return java.nio.file.Path.of(uri);
  }

  /**
   * Copies the local file {@code source} to a new file {@code target} (refusing to replace one),
   * synced before it is closed; returns the manifest entry named {@code manifestPath}.
   */
  public static FileEntry upload(
      java.nio.file.Path source, FileSystem fs, Path target, String manifestPath)
      throws IOException {
    MessageDigest sha = FileDigests.newSha256();
    long size = 0;
    byte[] buffer = new byte[BUFFER];
    try (InputStream in = Files.newInputStream(source);
        FSDataOutputStream out = fs.create(target, false)) {
      int n;
      while ((n = in.read(buffer)) >= 0) {
        sha.update(buffer, 0, n);
        out.write(buffer, 0, n);
        size += n;
      }
      out.hsync();
    }
    return new FileEntry(manifestPath, size, FileDigests.hex(sha.digest()));
  }

  /**
   * Copies {@code source} to a new file {@code target} on the same file system, checking that the
   * bytes read match {@code expected}'s size and sha256; returns the entry named {@code
   * manifestPath}. On the local disk the file is hard-linked instead (segment files are immutable)
   * and still read once to check it.
   */
  public static FileEntry copyChecked(
      FileSystem fs, Path source, Path target, String manifestPath, FileEntry expected)
      throws IOException {
    if (isLocal(fs) && tryLink(localPath(fs, source), localPath(fs, target))) {
      try (InputStream in = fs.open(target)) {
        check(in, null, expected, source);
      }
      return new FileEntry(manifestPath, expected.size(), expected.sha256());
    }
    try (FSDataInputStream in = fs.open(source);
        FSDataOutputStream out = fs.create(target, false)) {
      check(in, out, expected, source);
      out.hsync();
    }
    return new FileEntry(manifestPath, expected.size(), expected.sha256());
  }

  /** Copies {@code source} to the local file {@code target}, checking size and sha256. */
  public static void download(
      FileSystem fs, Path source, java.nio.file.Path target, FileEntry expected)
      throws IOException {
    Files.createDirectories(target.getParent());
    try (FSDataInputStream in = fs.open(source);
        OutputStream out =
            Files.newOutputStream(
                target, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      check(in, out, expected, source);
    }
  }

  private static void check(InputStream in, OutputStream out, FileEntry expected, Path source)
      throws IOException {
    MessageDigest sha = FileDigests.newSha256();
    long size = 0;
    byte[] buffer = new byte[BUFFER];
    int n;
    while ((n = in.read(buffer)) >= 0) {
      sha.update(buffer, 0, n);
      if (out != null) {
        out.write(buffer, 0, n);
      }
      size += n;
    }
    String actual = FileDigests.hex(sha.digest());
    if (size != expected.size() || !actual.equals(expected.sha256())) {
      throw new IOException(
          source
              + " does not match the manifest: "
              + size
              + " bytes with sha256 "
              + actual
              + ", the manifest says "
              + expected.size()
              + " bytes with sha256 "
              + expected.sha256());
    }
  }

  private static boolean tryLink(java.nio.file.Path source, java.nio.file.Path target)
      throws IOException {
    try {
      Files.createDirectories(target.getParent());
      Files.createLink(target, source);
      return true;
    } catch (FileAlreadyExistsException e) {
      throw e;
    } catch (UnsupportedOperationException | FileSystemException e) {
      LOG.debug("cannot hard-link {} ({}); copying", source, e.toString());
      return false;
    }
  }

  /** Writes {@code bytes} as a new file (replacing one only if {@code overwrite}), synced. */
  public static void write(FileSystem fs, Path target, byte[] bytes, boolean overwrite)
      throws IOException {
    try (FSDataOutputStream out = fs.create(target, overwrite)) {
      out.write(bytes);
      out.hsync();
    }
  }

  public static byte[] readAll(FileSystem fs, Path file) throws IOException {
    try (FSDataInputStream in = fs.open(file)) {
      return in.readAllBytes();
    }
  }

  /**
   * Makes the complete file {@code temp} visible as {@code target} without replacing an existing
   * one; false if {@code target} already exists. On the local disk a hard link publishes it (a
   * rename there would replace); on HDFS a rename fails when the target exists. On object stores
   * (S3A) rename is a copy and the existence check races with a concurrent writer: one writer per
   * collection is assumed there.
   */
  public static boolean publishNoReplace(FileSystem fs, Path temp, Path target) throws IOException {
    if (isLocal(fs)) {
      try {
        Files.createLink(localPath(fs, target), localPath(fs, temp));
        Files.delete(localPath(fs, temp));
        return true;
      } catch (FileAlreadyExistsException e) {
        return false;
      } catch (UnsupportedOperationException | FileSystemException e) {
        LOG.debug("no hard links for {} ({}); renaming", target, e.toString());
      }
    }
    if (fs.exists(target)) {
      return false;
    }
    if (fs.rename(temp, target)) {
      return true;
    }
    if (fs.exists(target)) {
      return false;
    }
    throw new IOException("could not rename " + temp + " to " + target);
  }

  /**
   * Puts the size of every file under {@code dir} into {@code out}, keyed by {@code prefix/}
   * followed by its path below {@code dir}. Lists folder by folder (listStatus is what every file
   * system implements the same way).
   */
  public static void sizes(FileSystem fs, Path dir, String prefix, java.util.Map<String, Long> out)
      throws IOException {
    for (org.apache.hadoop.fs.FileStatus child : fs.listStatus(dir)) {
      String name = prefix + "/" + child.getPath().getName();
      if (child.isDirectory()) {
        sizes(fs, child.getPath(), name, out);
      } else {
        out.put(name, child.getLen());
      }
    }
  }

  /** Deletes {@code path} (recursively), logging instead of failing. */
  public static void deleteQuietly(FileSystem fs, Path path) {
    try {
      fs.delete(path, true);
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", path, e.toString());
    }
  }

  /** Deletes the folder {@code dir} if it is empty; true if it is gone. */
  public static boolean deleteIfEmpty(FileSystem fs, Path dir) {
    try {
      if (!fs.exists(dir)) {
        return true;
      }
      if (fs.listStatus(dir).length > 0) {
        return false;
      }
      return fs.delete(dir, false);
    } catch (FileNotFoundException e) {
      return true;
    } catch (IOException e) {
      LOG.debug("not deleting {}: {}", dir, e.toString());
      return false;
    }
  }
}
