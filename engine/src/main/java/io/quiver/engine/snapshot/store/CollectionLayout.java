package io.quiver.engine.snapshot.store;

import io.quiver.engine.snapshot.SnapshotManifest;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a collection's versions live on a Hadoop FileSystem:
 *
 * <pre>
 * &lt;root&gt;/&lt;collection&gt;/v&lt;version&gt;/
 *     shard-&lt;k&gt;/&lt;segment-id&gt;/...      segment files (engine format)
 *     manifest.json                      written last; a version without one does not exist
 *     _SUCCESS                           written after the manifest, for tools that look for it
 *     _staging/&lt;job-id&gt;/                 what a running job has written, by task attempt
 * </pre>
 *
 * The current version is the highest {@code v<k>} holding a {@code manifest.json}; a new write
 * takes a number above every {@code v<k>} folder, committed or not, so it never shares a folder
 * with leftovers of a job that died.
 */
public final class CollectionLayout implements Serializable {

  private static final long serialVersionUID = 1L;
  private static final Pattern VERSION_DIR = Pattern.compile("v([1-9][0-9]{0,17})");
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,254}");
  public static final String STAGING = "_staging";
  public static final String SUCCESS = "_SUCCESS";

  private final String collectionDir;

  public CollectionLayout(String root, String collection) {
    checkCollectionName(collection);
    this.collectionDir = new Path(new Path(root), collection).toString();
  }

  /** A collection name is one path component: letters, digits, '_', '.', '-', not leading. */
  public static String checkCollectionName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "collection name must be 1-255 letters, digits, '_', '.' or '-', starting with a"
              + " letter or digit; got '"
              + name
              + "'");
    }
    return name;
  }

  public Path collectionDir() {
    return new Path(collectionDir);
  }

  public Path versionDir(long version) {
    return new Path(collectionDir(), "v" + version);
  }

  public Path manifest(long version) {
    return new Path(versionDir(version), SnapshotManifest.MANIFEST_FILE);
  }

  public Path success(long version) {
    return new Path(versionDir(version), SUCCESS);
  }

  public Path stagingRoot(long version) {
    return new Path(versionDir(version), STAGING);
  }

  /** What job {@code jobId} has staged for {@code version}; removed when it commits or aborts. */
  public Path stagingDir(long version, String jobId) {
    return new Path(stagingRoot(version), jobId);
  }

  public Path segmentDir(long version, String relativeDir) {
    return new Path(versionDir(version), relativeDir);
  }

  /** The highest version with a manifest, if any. */
  public OptionalLong latestCommitted(FileSystem fs) throws IOException {
    long best = 0;
    for (long v : versions(fs)) {
      if (v > best && fs.exists(manifest(v))) {
        best = v;
      }
    }
    return best == 0 ? OptionalLong.empty() : OptionalLong.of(best);
  }

  /** The highest {@code v<k>} folder, committed or not; 0 if none. */
  public long highestVersionDir(FileSystem fs) throws IOException {
    long best = 0;
    for (long v : versions(fs)) {
      best = Math.max(best, v);
    }
    return best;
  }

  private long[] versions(FileSystem fs) throws IOException {
    FileStatus[] children;
    try {
      children = fs.listStatus(collectionDir());
    } catch (FileNotFoundException e) {
      return new long[0];
    }
    long[] out = new long[children.length];
    int n = 0;
    for (FileStatus child : children) {
      Matcher m = VERSION_DIR.matcher(child.getPath().getName());
      if (child.isDirectory() && m.matches()) {
        out[n++] = Long.parseLong(m.group(1));
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  @Override
  public String toString() {
    return collectionDir;
  }
}
