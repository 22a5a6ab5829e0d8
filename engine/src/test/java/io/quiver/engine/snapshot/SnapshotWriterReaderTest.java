package io.quiver.engine.snapshot;

import static io.quiver.engine.snapshot.SnapshotFixtures.CLOCK;
import static io.quiver.engine.snapshot.SnapshotFixtures.config;
import static io.quiver.engine.snapshot.SnapshotFixtures.segmentId;
import static io.quiver.engine.snapshot.SnapshotFixtures.segmentSource;
import static io.quiver.engine.snapshot.SnapshotFixtures.writeSnapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotWriterReaderTest {

  @TempDir Path tmp;

  @ParameterizedTest(name = "hardLinks={0}")
  @ValueSource(booleans = {true, false})
  void writeThenRead(boolean hardLinks) throws Exception {
    Path dir = tmp.resolve("snap");
    SnapshotManifest written = writeSnapshot(tmp, dir, hardLinks);

    SnapshotReader reader = SnapshotReader.open(dir, true);
    SnapshotManifest m = reader.manifest();
    assertEquals(written, m);
    assertEquals("products", m.collection());
    assertEquals(7, m.version());
    assertEquals(0, m.watermark());
    assertEquals("job-1", m.jobId());
    assertEquals(CLOCK.instant(), m.createdAt());
    assertEquals(config(), m.config());
    assertEquals(List.of(0, 1, 2), m.shards().stream().map(ShardEntry::shard).toList());
    assertEquals(List.of(0, 1, 2), List.copyOf(reader.segmentDirs().keySet()));
    assertEquals(
        List.of(
            dir.resolve("shard-2/" + segmentId(3)),
            dir.resolve("shard-2/" + segmentId(4)),
            dir.resolve("shard-2/" + segmentId(5))),
        reader.segmentDirs(2));
    assertEquals(List.of(), reader.segmentDirs(9));
    assertEquals(List.of(), reader.unlistedFiles());
    assertEquals(100L * (0 + 1 + 2 + 3 + 4 + 5), m.pointCount());

    // Every file is byte-identical to its source and listed with its size and digest.
    SegmentEntry s4 = m.shards().get(2).segments().get(1);
    assertEquals(segmentId(4), s4.segmentId());
    assertEquals(400, s4.pointCount());
    assertEquals(
        List.of("deleted.qvf", "ids.qvf", "vectors.qvf"),
        s4.files().stream().map(FileEntry::name).toList());
    Path source = tmp.resolve("source-4");
    for (FileEntry f : s4.files()) {
      Path copy = dir.resolve(f.path());
      assertArrayEquals(Files.readAllBytes(source.resolve(f.name())), Files.readAllBytes(copy));
      assertEquals(Files.size(copy), f.size());
      assertEquals(FileDigests.sha256(copy), f.sha256());
      // Same filesystem: hard links share the source's inode; copies do not.
      assertEquals(hardLinks ? 2 : 1, Files.getAttribute(copy, "unix:nlink"));
    }
    assertEquals(written, ManifestCodec.decode(Files.readAllBytes(dir.resolve("manifest.json"))));
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(
          List.of("manifest.json", "shard-0", "shard-1", "shard-2"),
          files.map(p -> p.getFileName().toString()).sorted().toList(),
          "no temporary manifest is left behind");
    }
  }

  @Test
  void segmentSubfoldersAreCarriedThroughWriterReaderAndArchive() throws Exception {
    Path source = SnapshotFixtures.segmentSource(tmp, 0);
    Files.createDirectories(source.resolve("index/deeper"));
    Files.write(source.resolve("index/manifest.qfm"), new byte[] {1, 2, 3});
    Files.write(source.resolve("index/deeper/field.qfi"), new byte[] {4, 5});
    Path dir = tmp.resolve("snap");
    try (SnapshotWriter writer = SnapshotWriter.begin(dir)) {
      writer.addSegment(0, segmentId(0), source, 5);
      writer.commit("c", config(), 1, 0, "job");
    }
    String seg = "shard-0/" + segmentId(0);
    SnapshotReader reader = SnapshotReader.open(dir, true);
    assertEquals(
        List.of(
            seg + "/deleted.qvf",
            seg + "/ids.qvf",
            seg + "/index/deeper/field.qfi",
            seg + "/index/manifest.qfm",
            seg + "/vectors.qvf"),
        reader.manifest().shards().get(0).segments().get(0).files().stream()
            .map(FileEntry::path)
            .toList());

    java.io.ByteArrayOutputStream tar = new java.io.ByteArrayOutputStream();
    SnapshotArchive.pack(dir, tar);
    Path unpacked = tmp.resolve("unpacked");
    SnapshotArchive.unpack(new java.io.ByteArrayInputStream(tar.toByteArray()), unpacked);
    assertArrayEquals(
        new byte[] {4, 5}, Files.readAllBytes(unpacked.resolve(seg + "/index/deeper/field.qfi")));

    Files.delete(dir.resolve(seg + "/index/deeper/field.qfi"));
    assertRefused(dir, "listed file is missing: " + seg + "/index/deeper/field.qfi");
  }

  @Test
  void aFlippedByteIsCaughtWhenVerifying() throws Exception {
    Path dir = tmp.resolve("snap");
    writeSnapshot(tmp, dir, true);
    String path = "shard-1/" + segmentId(2) + "/vectors.qvf";
    SnapshotFixtures.flipByte(dir.resolve(path), 12_345);

    InvalidSnapshotException e =
        assertThrows(InvalidSnapshotException.class, () -> SnapshotReader.open(dir, true));
    assertTrue(e.getMessage().startsWith("checksum mismatch: sha256 is "), e.getMessage());
    assertTrue(e.getMessage().contains(path + " (snapshot " + dir + ")"), e.getMessage());
    // Without verification only sizes are checked, and the size is right.
    SnapshotReader.open(dir, false);
  }

  @Test
  void aMissingFileIsRefused() throws Exception {
    Path dir = tmp.resolve("snap");
    writeSnapshot(tmp, dir, true);
    String path = "shard-0/" + segmentId(1) + "/ids.qvf";
    Files.delete(dir.resolve(path));
    assertRefused(dir, "listed file is missing: " + path);
  }

  @Test
  void aMissingSegmentFolderIsRefused() throws Exception {
    Path dir = tmp.resolve("snap");
    writeSnapshot(tmp, dir, false);
    String seg = "shard-1/" + segmentId(2);
    for (String name : List.of("deleted.qvf", "ids.qvf", "vectors.qvf")) {
      Files.delete(dir.resolve(seg + "/" + name));
    }
    Files.delete(dir.resolve(seg));
    assertRefused(dir, seg + " is listed in the manifest but missing");
  }

  @Test
  void aWrongSizeIsRefusedEvenWithoutVerifying() throws Exception {
    Path dir = tmp.resolve("snap");
    writeSnapshot(tmp, dir, false);
    String path = "shard-2/" + segmentId(5) + "/ids.qvf";
    Files.write(dir.resolve(path), new byte[] {1}, StandardOpenOption.APPEND);
    InvalidSnapshotException e =
        assertThrows(InvalidSnapshotException.class, () -> SnapshotReader.open(dir, false));
    assertTrue(e.getMessage().contains("bytes, the manifest says"), e.getMessage());
    assertTrue(e.getMessage().contains(path), e.getMessage());
  }

  @Test
  void aSymlinkedFileIsRefused() throws Exception {
    Path dir = tmp.resolve("snap");
    writeSnapshot(tmp, dir, false);
    String path = "shard-0/" + segmentId(0) + "/vectors.qvf";
    Path file = dir.resolve(path);
    Path elsewhere = Files.move(file, tmp.resolve("moved.qvf"));
    Files.createSymbolicLink(file, elsewhere);
    assertRefused(dir, "listed file is a symbolic link; a snapshot may not contain links: " + path);
  }

  @Test
  void aSymlinkedSegmentFolderIsRefused() throws Exception {
    Path dir = tmp.resolve("snap");
    writeSnapshot(tmp, dir, false);
    String seg = "shard-2/" + segmentId(3);
    Path elsewhere = Files.move(dir.resolve(seg), tmp.resolve("moved-segment"));
    Files.createSymbolicLink(dir.resolve(seg), elsewhere);
    assertRefused(dir, seg + " is a symbolic link");
  }

  @Test
  void aSymlinkedShardFolderIsRefused() throws Exception {
    Path dir = tmp.resolve("snap");
    writeSnapshot(tmp, dir, false);
    Path elsewhere = Files.move(dir.resolve("shard-1"), tmp.resolve("moved-shard"));
    Files.createSymbolicLink(dir.resolve("shard-1"), elsewhere);
    assertRefused(dir, "shard-1 is a symbolic link");
  }

  @Test
  void aSymlinkedManifestIsRefused() throws Exception {
    Path dir = tmp.resolve("snap");
    writeSnapshot(tmp, dir, false);
    Path elsewhere = Files.move(dir.resolve("manifest.json"), tmp.resolve("manifest.json"));
    Files.createSymbolicLink(dir.resolve("manifest.json"), elsewhere);
    assertRefused(
        dir, "manifest.json in " + dir + " is not a regular file (it is a symbolic link)");
  }

  @Test
  void aFolderWithoutManifestIsNotASnapshot() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("empty"));
    InvalidSnapshotException e =
        assertThrows(InvalidSnapshotException.class, () -> SnapshotReader.open(dir, false));
    assertEquals("not a snapshot: no manifest.json in " + dir, e.getMessage());
    assertThrows(
        InvalidSnapshotException.class, () -> SnapshotReader.open(tmp.resolve("absent"), false));
  }

  @Test
  void aCorruptManifestNamesTheFieldAndTheFolder() throws Exception {
    Path dir = tmp.resolve("snap");
    writeSnapshot(tmp, dir, false);
    Path manifest = dir.resolve("manifest.json");
    Files.writeString(
        manifest, Files.readString(manifest).replace("\"version\" : 7", "\"version\" : -7"));
    assertRefused(dir, "manifest.json in " + dir + ": version: expected an integer >= 1; got -7");
  }

  @Test
  void unlistedFilesAreIgnoredAndReported() throws Exception {
    Path dir = tmp.resolve("snap");
    writeSnapshot(tmp, dir, false);
    Files.writeString(dir.resolve("shard-0/" + segmentId(0) + "/extra.tmp"), "x");
    Files.createDirectories(dir.resolve("shard-5/" + segmentId(99)));
    Files.writeString(dir.resolve("shard-5/" + segmentId(99) + "/vectors.qvf"), "x");
    Files.createSymbolicLink(dir.resolve("stray-link"), tmp);
    SnapshotReader reader = SnapshotReader.open(dir, true);
    assertEquals(
        List.of(
            "shard-0/" + segmentId(0) + "/extra.tmp",
            "shard-5/" + segmentId(99) + "/vectors.qvf",
            "stray-link"),
        reader.unlistedFiles());
  }

  @Test
  void aShardsVersionTableIsListedVerifiedArchivedAndAbortedWithTheRest() throws Exception {
    Path table = tmp.resolve("table.qv");
    Files.write(table, new byte[] {9, 8, 7, 6});
    Path dir = tmp.resolve("snap");
    try (SnapshotWriter writer = SnapshotWriter.begin(dir)) {
      writer.addSegment(0, segmentId(0), segmentSource(tmp, 0), 5);
      writer.addVersionTable(0, table);
      writer.addVersionTable(2, table); // a shard with a table and no segment
      assertMessage(() -> writer.addVersionTable(2, table), "shard 2 already has a version table");
      SnapshotManifest m = writer.commit("c", config(), 1, 3, null);
      assertEquals(List.of(0, 2), m.shards().stream().map(ShardEntry::shard).toList());
      assertEquals(List.of(), m.shards().get(1).segments());
      assertEquals(
          new FileEntry("shard-2/versions.qv", 4, FileDigests.sha256(table)),
          m.shards().get(1).versions());
    }
    SnapshotReader reader = SnapshotReader.open(dir, true);
    assertEquals(List.of(0, 2), List.copyOf(reader.versionTables().keySet()));
    assertArrayEquals(new byte[] {9, 8, 7, 6}, Files.readAllBytes(reader.versionTables().get(2)));
    assertEquals(List.of(), reader.unlistedFiles());

    java.io.ByteArrayOutputStream tar = new java.io.ByteArrayOutputStream();
    SnapshotArchive.pack(dir, tar);
    SnapshotReader unpacked =
        SnapshotArchive.unpack(
            new java.io.ByteArrayInputStream(tar.toByteArray()), tmp.resolve("unpacked"));
    assertEquals(reader.manifest(), unpacked.manifest());
    assertEquals(2, unpacked.versionTables().size());

    Files.delete(dir.resolve("shard-0/versions.qv")); // a hard link to the source: replace it
    Files.write(dir.resolve("shard-0/versions.qv"), new byte[] {9, 8, 7, 5});
    assertRefused(dir, "checksum mismatch");
    assertTrue(
        assertThrows(InvalidSnapshotException.class, () -> SnapshotReader.open(dir, true))
            .getMessage()
            .contains("shard-0/versions.qv (snapshot " + dir + ")"));

    Path aborted = tmp.resolve("aborted");
    SnapshotWriter writer = SnapshotWriter.begin(aborted);
    writer.addVersionTable(1, table);
    assertTrue(Files.exists(aborted.resolve("shard-1/versions.qv")));
    writer.abort();
    assertFalse(Files.exists(aborted));
    assertArrayEquals(new byte[] {9, 8, 7, 6}, Files.readAllBytes(table));
  }

  @Test
  void abortLeavesNothing() throws Exception {
    Path dir = tmp.resolve("snap");
    SnapshotWriter writer = SnapshotWriter.begin(dir);
    writer.addSegment(0, segmentId(0), segmentSource(tmp, 0), 1);
    writer.addSegment(3, segmentId(1), segmentSource(tmp, 1), 1);
    assertTrue(Files.exists(dir.resolve("shard-3/" + segmentId(1) + "/vectors.qvf")));
    writer.abort();
    assertFalse(Files.exists(dir));
    writer.abort(); // idempotent
    assertThrows(IllegalStateException.class, () -> writer.commit("c", config(), 1, 0, null));
    // The sources are untouched (the snapshot's files may have been hard links to them).
    assertEquals(3, SnapshotFixtures.tree(tmp.resolve("source-0")).size());
  }

  @Test
  void abortKeepsWhatOthersPutInAnExistingFolder() throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("snap"));
    Files.createDirectories(dir.resolve("shard-0/" + segmentId(7)));
    try (SnapshotWriter writer = SnapshotWriter.begin(dir)) {
      writer.addSegment(0, segmentId(0), segmentSource(tmp, 0), 1);
      writer.addSegment(1, segmentId(1), segmentSource(tmp, 1), 1);
    } // close without commit aborts
    assertTrue(Files.isDirectory(dir.resolve("shard-0/" + segmentId(7))));
    assertFalse(Files.exists(dir.resolve("shard-0/" + segmentId(0))));
    assertFalse(Files.exists(dir.resolve("shard-1")));
  }

  @Test
  void commitIsIdempotent() throws Exception {
    Path dir = tmp.resolve("snap");
    SnapshotWriter writer = SnapshotWriter.begin(dir, CLOCK, true);
    writer.addSegment(0, segmentId(0), segmentSource(tmp, 0), 5);
    SnapshotManifest first = writer.commit("c", config(), 2, 10, "job");
    byte[] bytes = Files.readAllBytes(dir.resolve("manifest.json"));

    assertEquals(first, writer.commit("c", config(), 2, 10, "job"));
    assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("manifest.json")));

    FileAlreadyExistsException e =
        assertThrows(
            FileAlreadyExistsException.class, () -> writer.commit("c", config(), 3, 10, "job"));
    assertTrue(
        e.getMessage().contains("a different snapshot is already committed"), e.getMessage());
    assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("manifest.json")));
    assertThrows(IllegalStateException.class, writer::abort);
    assertThrows(
        IllegalStateException.class,
        () -> writer.addSegment(0, segmentId(1), segmentSource(tmp, 1), 1));
    writer.close(); // a committed writer closes without deleting anything
    SnapshotReader.open(dir, true);
    assertEquals(CLOCK.instant(), first.createdAt());
  }

  @Test
  void sameContentCommittedByAnotherWriterIsANoOp() throws Exception {
    // An empty snapshot has no segment folders to compete for, so two writers can both reach
    // commit; the second finds the first's manifest.
    Path dir = tmp.resolve("snap");
    SnapshotWriter a = SnapshotWriter.begin(dir, CLOCK, true);
    SnapshotWriter b =
        SnapshotWriter.begin(
            dir, Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC), true);
    SnapshotManifest committed = a.commit("c", config(), 1, 0, "job");
    assertEquals(committed, b.commit("c", config(), 1, 0, "job"));
    assertThrows(
        FileAlreadyExistsException.class, () -> b.commit("c", config(), 1, 0, "other-job"));
  }

  @Test
  void beginRefusesACommittedSnapshot() throws Exception {
    Path dir = tmp.resolve("snap");
    writeSnapshot(tmp, dir, true);
    FileAlreadyExistsException e =
        assertThrows(FileAlreadyExistsException.class, () -> SnapshotWriter.begin(dir));
    assertTrue(
        e.getMessage().contains("a snapshot is already committed in " + dir), e.getMessage());
  }

  @Test
  void addSegmentRefusesBadSources() throws Exception {
    Path dir = tmp.resolve("snap");
    try (SnapshotWriter writer = SnapshotWriter.begin(dir)) {
      Path withLink = segmentSource(tmp, 0);
      Files.createSymbolicLink(withLink.resolve("graph.qvf"), tmp.resolve("source-0/ids.qvf"));
      assertMessage(
          () -> writer.addSegment(0, segmentId(0), withLink, 1),
          "holds graph.qvf, which is a symbolic link");

      Path linkInSubfolder = segmentSource(tmp, 1);
      Files.createDirectories(linkInSubfolder.resolve("sub"));
      Files.createSymbolicLink(
          linkInSubfolder.resolve("sub/x.qvf"), tmp.resolve("source-1/ids.qvf"));
      assertMessage(
          () -> writer.addSegment(0, segmentId(1), linkInSubfolder, 1),
          "holds x.qvf, which is a symbolic link");

      Path empty = Files.createDirectories(tmp.resolve("empty-source"));
      assertMessage(() -> writer.addSegment(0, segmentId(2), empty, 1), "holds no files");
      assertMessage(
          () -> writer.addSegment(0, segmentId(3), tmp.resolve("absent"), 1), "is not a directory");
      assertMessage(
          () -> writer.addSegment(0, "ABC", segmentSource(tmp, 4), 1),
          "segment_id: expected 32 lowercase hex characters");
      assertMessage(
          () -> writer.addSegment(-1, segmentId(5), segmentSource(tmp, 5), 1),
          "shard must be >= 0; got -1");
      assertMessage(
          () -> writer.addSegment(0, segmentId(6), segmentSource(tmp, 6), -3),
          "point_count: expected a non-negative integer; got -3");
      // Nothing was staged by the refused calls.
      assertFalse(Files.exists(dir.resolve("shard-0")));

      writer.addSegment(0, segmentId(7), segmentSource(tmp, 7), 1);
      assertMessage(
          () -> writer.addSegment(1, segmentId(7), segmentSource(tmp, 8), 1),
          "segment " + segmentId(7) + " was already added (to shard 0)");
    }
  }

  @Test
  void aSegmentFolderStagedByAnotherWriterIsNotTouched() throws Exception {
    Path dir = tmp.resolve("snap");
    Path theirs = Files.createDirectories(dir.resolve("shard-0/" + segmentId(0)));
    Files.writeString(theirs.resolve("vectors.qvf"), "theirs");
    try (SnapshotWriter writer = SnapshotWriter.begin(dir)) {
      assertThrows(
          FileAlreadyExistsException.class,
          () -> writer.addSegment(0, segmentId(0), segmentSource(tmp, 0), 1));
    }
    assertEquals("theirs", Files.readString(theirs.resolve("vectors.qvf")));
  }

  @Test
  void commitArgumentsAreChecked() throws Exception {
    try (SnapshotWriter writer = SnapshotWriter.begin(tmp.resolve("snap"))) {
      assertMessage(
          () -> writer.commit("c", config(), 0, 0, null),
          "version: expected an integer >= 1; got 0");
      assertMessage(
          () -> writer.commit("", config(), 1, 0, null), "collection: expected a non-empty string");
      assertMessage(
          () -> writer.commit("c", config(), 1, -1, null),
          "watermark: expected a non-negative integer; got -1");
      assertFalse(Files.exists(tmp.resolve("snap/manifest.json")));
    }
  }

  private static void assertRefused(Path dir, String expected) {
    InvalidSnapshotException e =
        assertThrows(InvalidSnapshotException.class, () -> SnapshotReader.open(dir, true));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  private interface Call {
    void run() throws IOException;
  }

  private static void assertMessage(Call call, String expected) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }
}
