package io.quiver.engine.snapshot;

/**
 * One file of a snapshot.
 *
 * @param path the file's path relative to the snapshot root, {@code /}-separated ({@link
 *     SnapshotPaths#check})
 * @param size the file's length in bytes
 * @param sha256 the sha256 of the file's bytes, 64 lowercase hex characters
 */
public record FileEntry(String path, long size, String sha256) {

  public FileEntry {
    Fields.path(path, "path");
    Fields.nonNegative(size, "size");
    Fields.sha256(sha256, "sha256");
  }

  /** The last component of {@link #path}. */
  public String name() {
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
