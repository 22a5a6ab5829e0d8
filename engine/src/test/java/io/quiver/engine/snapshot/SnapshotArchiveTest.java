package io.quiver.engine.snapshot;

import static io.quiver.engine.snapshot.SnapshotFixtures.segmentId;
import static io.quiver.engine.snapshot.SnapshotFixtures.tree;
import static io.quiver.engine.snapshot.SnapshotFixtures.writeSnapshot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SnapshotArchiveTest {

  @TempDir Path tmp;
  private Path snapshot;
  private SnapshotManifest manifest;

  @BeforeEach
  void writeOne() throws IOException {
    snapshot = tmp.resolve("snap");
    manifest = writeSnapshot(tmp, snapshot, true);
  }

  @Test
  void packThenUnpackGivesTheSameTreeAndManifest() throws Exception {
    byte[] tar = pack(snapshot);
    assertEquals(0, tar.length % 512);
    Path target = tmp.resolve("unpacked");
    SnapshotReader reader = SnapshotArchive.unpack(new ByteArrayInputStream(tar), target);
    assertEquals(manifest, reader.manifest());
    assertEquals(List.of(), reader.unlistedFiles());
    Map<String, byte[]> expected = tree(snapshot);
    Map<String, byte[]> actual = tree(target);
    assertEquals(expected.keySet(), actual.keySet());
    for (String path : expected.keySet()) {
      assertArrayEquals(expected.get(path), actual.get(path), path);
    }
    assertArrayEquals(tar, pack(snapshot), "packing is deterministic");
  }

  @Test
  void unpackIntoAnExistingEmptyFolder() throws Exception {
    Path target = Files.createDirectories(tmp.resolve("empty"));
    SnapshotArchive.unpack(new ByteArrayInputStream(pack(snapshot)), target);
    assertEquals(manifest, SnapshotReader.open(target, true).manifest());
  }

  @Test
  void unpackRefusesANonEmptyFolder() throws Exception {
    Path target = Files.createDirectories(tmp.resolve("full"));
    Files.writeString(target.resolve("x"), "x");
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SnapshotArchive.unpack(new ByteArrayInputStream(pack(snapshot)), target));
    assertEquals("unpack target " + target + " is not empty", e.getMessage());
    assertEquals(Map.of("x", "x"), Map.of("x", Files.readString(target.resolve("x"))));
  }

  @Test
  void packLeavesOutUnlistedFilesAndPutsTheManifestLast() throws Exception {
    Files.writeString(snapshot.resolve("shard-0/" + segmentId(0) + "/leftover.tmp"), "x");
    List<String> names = entryNames(pack(snapshot));
    assertFalse(names.stream().anyMatch(n -> n.endsWith("leftover.tmp")), names.toString());
    assertEquals("manifest.json", names.get(names.size() - 1));
    assertEquals("shard-0/", names.get(0));
    assertEquals("shard-0/" + segmentId(0) + "/", names.get(1));
    assertEquals(3 + 6 + 6 * 3 + 1, names.size());
  }

  @Test
  void packRefusesAFileThatNoLongerMatches() throws Exception {
    String path = "shard-2/" + segmentId(5) + "/vectors.qvf";
    SnapshotFixtures.flipByte(snapshot.resolve(path), 3);
    InvalidSnapshotException e = assertThrows(InvalidSnapshotException.class, () -> pack(snapshot));
    assertTrue(e.getMessage().startsWith("checksum mismatch while archiving"), e.getMessage());
    assertTrue(e.getMessage().contains(path), e.getMessage());
  }

  @Test
  void aCorruptedFileInTheArchiveIsRefused() throws Exception {
    byte[] tar = pack(snapshot);
    // The first segment's ids.qvf: the 4th entry, after two folders and deleted.qvf (empty).
    int offset = 512 * 4 + 7; // its body, after four headers
    tar[offset] ^= 0x20;
    Path target = tmp.resolve("target");
    InvalidSnapshotException e =
        assertThrows(
            InvalidSnapshotException.class,
            () -> SnapshotArchive.unpack(new ByteArrayInputStream(tar), target));
    assertTrue(e.getMessage().startsWith("checksum mismatch"), e.getMessage());
    assertTrue(e.getMessage().contains("shard-0/" + segmentId(0) + "/ids.qvf"), e.getMessage());
    assertFalse(Files.exists(target), "a failed unpack leaves nothing behind");
  }

  @Test
  void longPathsGoThroughPax() throws Exception {
    // A name too long for the ustar fields: 200 bytes after the 41-byte segment folder.
    Path source = Files.createDirectories(tmp.resolve("long-source"));
    String longName = "v".repeat(200) + ".qvf";
    Files.writeString(source.resolve(longName), "long");
    Path dir = tmp.resolve("long");
    try (SnapshotWriter w = SnapshotWriter.begin(dir)) {
      w.addSegment(4, segmentId(1), source, 1);
      w.commit("c", SnapshotFixtures.config(), 1, 0, null);
    }
    byte[] tar = pack(dir);
    assertTrue(entryNames(tar).contains("shard-4/" + segmentId(1) + "/" + longName));
    SnapshotReader reader =
        SnapshotArchive.unpack(new ByteArrayInputStream(tar), tmp.resolve("long-unpacked"));
    assertEquals("long", Files.readString(reader.segmentDirs(4).get(0).resolve(longName)));
  }

  // ---- malicious and broken archives ----

  @Test
  void parentTraversalIsRefused() throws Exception {
    assertRefusedSafely(
        tar(file("../escaped", "x")),
        "archive entry 1 '../escaped': '../escaped' is not a valid snapshot path: it has a '..'"
            + " component");
    assertRefusedSafely(tar(file("shard-0/../../escaped", "x")), "it has a '..' component");
  }

  @Test
  void absolutePathsAreRefused() throws Exception {
    assertRefusedSafely(
        tar(file("/etc/x", "x")),
        "archive entry 1 '/etc/x': '/etc/x' is not a valid snapshot path: it is absolute");
    Path outside = tmp.resolve("escaped");
    assertRefusedSafely(tar(file(outside.toString(), "x")), "it is absolute");
    assertFalse(Files.exists(outside));
  }

  @Test
  void symlinkEntriesAreRefused() throws Exception {
    byte[] tar =
        tar(
            header("shard-0", '2', 0, tmp.resolve("outside").toString()),
            file("shard-0/escaped", "x"));
    assertRefusedSafely(
        tar,
        "archive entry 1 'shard-0' is a symbolic link (to '"
            + tmp.resolve("outside")
            + "'); a snapshot archive may hold only regular files and directories");
  }

  @Test
  void hardlinkEntriesAreRefused() throws Exception {
    assertRefusedSafely(
        tar(file("a", "x"), header("b", '1', 0, "/etc/passwd")),
        "archive entry 2 'b' is a hard link (to '/etc/passwd')");
  }

  @Test
  void devicesAndOtherTypesAreRefused() throws Exception {
    assertRefusedSafely(tar(header("dev", '3', 0, "")), "is a character device");
    assertRefusedSafely(tar(header("dev", '4', 0, "")), "is a block device");
    assertRefusedSafely(tar(header("fifo", '6', 0, "")), "is a FIFO");
    assertRefusedSafely(tar(header("glob", 'g', 0, "")), "is a PAX global header");
    assertRefusedSafely(tar(header("long", 'L', 0, "")), "is a GNU long-name header");
  }

  @Test
  void duplicateEntriesAreRefused() throws Exception {
    assertRefusedSafely(
        tar(file("a", "first"), file("a", "second")), "archive entry 2 'a' appears twice");
    assertRefusedSafely(
        tar(dir("shard-0"), dir("shard-0")), "archive entry 2 'shard-0/' appears twice");
    assertRefusedSafely(
        tar(file("a", "x"), file("a/b", "y")), "archive entry 2 'a/b': a is not a directory");
  }

  @Test
  void truncatedArchivesAreRefused() throws Exception {
    byte[] full = pack(snapshot);
    // Inside a file body, inside a header, and at a block boundary before the end marker.
    int[] cuts = {512 * 5 + 100, 512 * 3 + 200, full.length - 1024, 512 * 2};
    for (int cut : cuts) {
      byte[] cutTar = Arrays.copyOf(full, cut);
      InvalidSnapshotException e = refuse(cutTar);
      assertTrue(e.getMessage().contains("truncated"), cut + ": " + e.getMessage());
    }
    assertTrue(
        refuse(Arrays.copyOf(full, 512 * 2))
            .getMessage()
            .contains(
                "archive is truncated: it ends after 2 entries without an end-of-archive marker"));
  }

  @Test
  void aBadHeaderChecksumIsRefused() throws Exception {
    byte[] tar = pack(snapshot);
    tar[512 + 10] ^= 1; // the name of the second entry
    assertTrue(
        refuse(tar).getMessage().startsWith("archive entry 2: header checksum is"),
        refuse(tar).getMessage());
  }

  @Test
  void anArchiveWithoutManifestIsRefused() throws Exception {
    InvalidSnapshotException e = refuse(tar(dir("shard-0"), file("shard-0/x", "x")));
    assertTrue(e.getMessage().startsWith("not a snapshot: no manifest.json in"), e.getMessage());
  }

  @Test
  void notATarIsRefused() throws Exception {
    byte[] junk = new byte[1024];
    Arrays.fill(junk, (byte) 'j');
    assertTrue(refuse(junk).getMessage().contains("not a ustar header"));
  }

  // ---- helpers ----

  private void assertRefusedSafely(byte[] tar, String expected) throws IOException {
    Path outer = Files.createDirectories(tmp.resolve("outer-" + System.nanoTime()));
    Path target = outer.resolve("target");
    InvalidSnapshotException e =
        assertThrows(
            InvalidSnapshotException.class,
            () -> SnapshotArchive.unpack(new ByteArrayInputStream(tar), target));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
    try (Stream<Path> left = Files.list(outer)) {
      assertEquals(List.of(), left.toList(), "nothing is left next to or inside the target");
    }
    assertFalse(Files.exists(tmp.resolve("escaped")));
    assertFalse(Files.exists(tmp.resolve("outside")));
  }

  private InvalidSnapshotException refuse(byte[] tar) {
    Path target = tmp.resolve("refused-" + System.nanoTime());
    InvalidSnapshotException e =
        assertThrows(
            InvalidSnapshotException.class,
            () -> SnapshotArchive.unpack(new ByteArrayInputStream(tar), target));
    assertFalse(Files.exists(target));
    return e;
  }

  private static byte[] pack(Path dir) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    SnapshotArchive.pack(dir, out);
    return out.toByteArray();
  }

  private static List<String> entryNames(byte[] tar) throws IOException {
    TarReader reader = new TarReader(new ByteArrayInputStream(tar));
    List<String> names = new java.util.ArrayList<>();
    for (TarReader.Entry e = reader.next(); e != null; e = reader.next()) {
      names.add(e.name());
    }
    return names;
  }

  private static byte[] header(String name, char type, long size, String link) {
    return new TarHeader(name, type, size, 0644, 0, link).encode();
  }

  private static byte[] file(String name, String content) {
    byte[] body = content.getBytes(StandardCharsets.UTF_8);
    byte[] out = new byte[512 + ((body.length + 511) / 512) * 512];
    System.arraycopy(header(name, '0', body.length, ""), 0, out, 0, 512);
    System.arraycopy(body, 0, out, 512, body.length);
    return out;
  }

  private static byte[] dir(String name) {
    return header(name + "/", '5', 0, "");
  }

  /** Raw entries followed by the end-of-archive marker. */
  private static byte[] tar(byte[]... entries) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] e : entries) {
      out.writeBytes(e);
    }
    out.writeBytes(new byte[1024]);
    return out.toByteArray();
  }
}
