package io.quiver.spark;

import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.snapshot.ManifestCodec;
import io.quiver.engine.snapshot.SnapshotManifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Looks at what a write left on the local disk. */
final class Collections {

  private Collections() {}

  static Path versionDir(Path root, String collection, long version) {
    return root.resolve(collection).resolve("v" + version);
  }

  static SnapshotManifest manifest(Path root, String collection, long version) throws IOException {
    return ManifestCodec.decode(
        Files.readAllBytes(versionDir(root, collection, version).resolve("manifest.json")));
  }

  /** Opens a committed version with the engine, in a folder of its own under {@code scratch}. */
  static QuiverCollection restore(Path root, String collection, long version, Path scratch)
      throws IOException {
    Path target = Files.createTempDirectory(scratch, "restored-");
    Files.delete(target);
    return QuiverCollection.restore(versionDir(root, collection, version), target);
  }

  /** Every file under {@code dir}, relative, sorted. */
  static List<String> files(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.exists(dir)) {
      return out;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(Files::isRegularFile)
          .forEach(p -> out.add(dir.relativize(p).toString().replace('\\', '/')));
    }
    out.sort(null);
    return out;
  }

  /** Every path (files and folders) under {@code dir}, relative, sorted. */
  static List<String> entries(Path dir) throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.exists(dir)) {
      return out;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.filter(p -> !p.equals(dir))
          .forEach(p -> out.add(dir.relativize(p).toString().replace('\\', '/')));
    }
    out.sort(null);
    return out;
  }
}
