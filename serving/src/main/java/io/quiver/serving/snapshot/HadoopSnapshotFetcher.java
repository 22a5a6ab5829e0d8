package io.quiver.serving.snapshot;

import io.quiver.cluster.SnapshotFetcher;
import io.quiver.engine.snapshot.FileEntry;
import io.quiver.engine.snapshot.ManifestCodec;
import io.quiver.engine.snapshot.SegmentEntry;
import io.quiver.engine.snapshot.ShardEntry;
import io.quiver.engine.snapshot.SnapshotManifest;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.UnsupportedFileSystemException;

/**
 * Fetches snapshots from any Hadoop FileSystem (HDFS, S3A, ABFS, GCS ... whichever connectors are
 * on the classpath): a snapshot file is copied as it is; from a snapshot folder only {@code
 * manifest.json} and the files it lists are copied (the paths are checked when the manifest is
 * decoded), and the collection service verifies every checksum afterwards. This is how a snapshot
 * that a Spark job built on a cluster filesystem gets into a node.
 */
public final class HadoopSnapshotFetcher implements SnapshotFetcher {

  private final Configuration conf;

  public HadoopSnapshotFetcher(Configuration conf) {
    this.conf = conf;
  }

  /** With Hadoop's default configuration (core-site.xml from the classpath, if any). */
  public HadoopSnapshotFetcher() {
    this(new Configuration());
  }

  @Override
  public boolean handles(URI location) {
    String scheme = location.getScheme();
    if (scheme == null) {
      return false;
    }
    try {
      FileSystem.getFileSystemClass(scheme, conf);
      return true;
    } catch (UnsupportedFileSystemException e) {
      return false;
    } catch (IOException e) {
      return false;
    }
  }

  @Override
  public Path fetch(URI location, Path targetDir) throws IOException {
    org.apache.hadoop.fs.Path source = new org.apache.hadoop.fs.Path(location);
    try (FileSystem fs = FileSystem.newInstance(location, conf)) {
      FileStatus status;
      try {
        status = fs.getFileStatus(source);
      } catch (java.io.FileNotFoundException e) {
        throw new IllegalArgumentException("location: " + location + " does not exist", e);
      }
      if (status.isFile()) {
        Path target = targetDir.resolve(safeName(source.getName()));
        copy(fs, source, target);
        return target;
      }
      org.apache.hadoop.fs.Path manifestPath =
          new org.apache.hadoop.fs.Path(source, SnapshotManifest.MANIFEST_FILE);
      if (!fs.exists(manifestPath)) {
        throw new IllegalArgumentException(
            "location: " + location + " is a folder without a " + SnapshotManifest.MANIFEST_FILE);
      }
      byte[] manifestBytes;
      try (InputStream in = fs.open(manifestPath)) {
        manifestBytes = in.readAllBytes();
      }
      SnapshotManifest manifest = ManifestCodec.decode(manifestBytes);
      Path root = Files.createDirectories(targetDir.resolve("snapshot"));
      for (ShardEntry shard : manifest.shards()) {
        for (SegmentEntry segment : shard.segments()) {
          for (FileEntry file : segment.files()) {
            Path target = root.resolve(file.path());
            Files.createDirectories(target.getParent());
            copy(fs, new org.apache.hadoop.fs.Path(source, file.path()), target);
          }
        }
      }
      Files.write(root.resolve(SnapshotManifest.MANIFEST_FILE), manifestBytes);
      return root;
    }
  }

  private static void copy(FileSystem fs, org.apache.hadoop.fs.Path source, Path target)
      throws IOException {
    try (InputStream in = fs.open(source)) {
      Files.copy(in, target);
    }
  }

  private static String safeName(String name) {
    if (name.isEmpty() || name.equals("..") || name.equals(".") || name.contains("/")) {
      return "snapshot.snapshot";
    }
    return name;
  }
}
