package io.quiver.cluster;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;

/**
 * Brings a snapshot from a location the node cannot read as a local path (HTTP, a Hadoop
 * FileSystem, ...) onto local disk. The collection service asks each configured fetcher in turn.
 */
public interface SnapshotFetcher {

  /** Whether this fetcher serves {@code location}'s scheme. */
  boolean handles(URI location);

  /**
   * Copies the snapshot at {@code location} into {@code targetDir} (an empty local folder) and
   * returns the local path: a snapshot file or a snapshot folder inside {@code targetDir}.
   */
  Path fetch(URI location, Path targetDir) throws IOException;
}
