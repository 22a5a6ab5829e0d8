package io.quiver.engine.store;

import java.io.IOException;
import java.nio.file.Path;

/** A file failed its header, footer or checksum check. The message names the file. */
public final class CorruptFileException extends IOException {
  private static final long serialVersionUID = 1L;

  public CorruptFileException(Path file, String problem) {
    super(problem + " (file: " + file + ")");
  }
}
