package io.quiver.engine.snapshot;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Segment folders and snapshots made of seeded random bytes, for the snapshot tests. */
final class SnapshotFixtures {

  static final Clock CLOCK = Clock.fixed(Instant.parse("2025-06-01T12:00:00Z"), ZoneOffset.UTC);
  static final long SEED = 20250601L;

  private SnapshotFixtures() {}

  static String segmentId(int n) {
    return String.format("%032x", 0x5eed0000L + n);
  }

  static ObjectNode config() {
    ObjectNode config = new ObjectMapper().createObjectNode();
    config.putObject("vectors").put("size", 8).put("distance", "Dot");
    config.put("shard_number", 3);
    return config;
  }

  /** A segment folder with a few files of seeded random bytes (one empty, one over 64 KiB). */
  static Path segmentSource(Path parent, int n) throws IOException {
    Path dir = Files.createDirectories(parent.resolve("source-" + n));
    Random random = new Random(SEED + n);
    int[] sizes = {0, 1 + random.nextInt(1000), 70_000 + random.nextInt(10_000)};
    String[] names = {"deleted.qvf", "ids.qvf", "vectors.qvf"};
    for (int i = 0; i < names.length; i++) {
      byte[] data = new byte[sizes[i]];
      random.nextBytes(data);
      Files.write(dir.resolve(names[i]), data);
    }
    return dir;
  }

  /** Writes a committed snapshot of 3 shards: 2, 1 and 3 segments. */
  static SnapshotManifest writeSnapshot(Path tmp, Path snapshotDir, boolean hardLinks)
      throws IOException {
    try (SnapshotWriter writer = SnapshotWriter.begin(snapshotDir, CLOCK, hardLinks)) {
      int[] shardOf = {0, 0, 1, 2, 2, 2};
      for (int n = 0; n < shardOf.length; n++) {
        writer.addSegment(shardOf[n], segmentId(n), segmentSource(tmp, n), 100L * n);
      }
      return writer.commit("products", config(), 7, 0, "job-1");
    }
  }

  /** Every regular file under {@code root} with its bytes, by {@code /}-separated path. */
  static Map<String, byte[]> tree(Path root) throws IOException {
    Map<String, byte[]> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path f : (Iterable<Path>) files::iterator) {
        if (Files.isRegularFile(f)) {
          out.put(root.relativize(f).toString().replace('\\', '/'), Files.readAllBytes(f));
        }
      }
    }
    return out;
  }

  static void flipByte(Path file, long position) throws IOException {
    byte[] data = Files.readAllBytes(file);
    data[(int) position] ^= 0x01;
    // Write a new file: the snapshot's file may be a hard link to the source.
    Path temp = file.resolveSibling(file.getFileName() + ".flip");
    Files.write(temp, data);
    Files.move(temp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }
}
