package io.quiver.engine.store;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;

/** Whole directory trees, and making a file or folder durable. */
public final class FileTrees {

  private FileTrees() {}

  /** Deletes {@code path} and everything below it; nothing happens if it does not exist. */
  public static void delete(Path path) throws IOException {
    if (!Files.exists(path)) {
      return;
    }
    try (var walk = Files.walk(path)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /** fsyncs a file or folder; folders that cannot be fsynced (some filesystems) are skipped. */
  public static void fsync(Path path) throws IOException {
    boolean dir = Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS);
    try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
      ch.force(true);
    } catch (NoSuchFileException e) {
      throw e;
    } catch (IOException e) {
      if (!dir) {
        throw e;
      }
    }
  }
}
