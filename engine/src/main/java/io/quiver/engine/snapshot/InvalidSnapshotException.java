package io.quiver.engine.snapshot;

import java.io.IOException;

/**
 * A snapshot, its manifest or an archive of it is malformed, incomplete or does not match its
 * manifest. The message names the manifest field, the file or the archive entry, and the value.
 */
public final class InvalidSnapshotException extends IOException {
  private static final long serialVersionUID = 1L;

  public InvalidSnapshotException(String message) {
    super(message);
  }

  public InvalidSnapshotException(String message, Throwable cause) {
    super(message, cause);
  }
}
