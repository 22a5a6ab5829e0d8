package io.quiver.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SnapshotPathsTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "manifest.json",
        "shard-0/0123456789abcdef0123456789abcdef",
        "shard-12/0123456789abcdef0123456789abcdef/vectors.qvf",
        "a/b/c/d",
        ".hidden",
        "..x",
        "x..",
        "a/.b/c",
        "ab:c",
        "1:/x",
        "ünïcode/名前",
      })
  void goodPaths(String path) {
    assertEquals(path, SnapshotPaths.check(path));
    assertTrue(SnapshotPaths.isValid(path));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "\"\"| it is empty",
        "/etc/passwd| it is absolute",
        "/| it is absolute",
        "../x| it has a '..' component",
        "a/../../x| it has a '..' component",
        "a/..| it has a '..' component",
        "..| it has a '..' component",
        "./a| it has a '.' component",
        "a/./b| it has a '.' component",
        ".| it has a '.' component",
        "a//b| it has an empty component",
        "a/| it has an empty component",
        "a\\b| it contains a backslash",
        "..\\x| it contains a backslash",
        "C:/Windows| it starts with a drive letter",
        "c:x| it starts with a drive letter",
        "a:b| it starts with a drive letter",
      })
  void badPaths(String path, String problem) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SnapshotPaths.check(path));
    assertEquals("'" + path + "' is not a valid snapshot path: " + problem, e.getMessage());
    assertFalse(SnapshotPaths.isValid(path));
  }

  @Test
  void nulAndNullAreRefused() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> SnapshotPaths.check("a\0b"));
    assertEquals(
        "'a\\u0000b' is not a valid snapshot path: it contains a NUL character", e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> SnapshotPaths.check(null));
  }

  @Test
  void resolveRefusesLinksBelowTheRoot(@TempDir Path tmp) throws Exception {
    Path root = Files.createDirectories(tmp.resolve("snap"));
    Files.createDirectories(root.resolve("shard-0/real"));
    Files.writeString(root.resolve("shard-0/real/f"), "x");
    Files.createSymbolicLink(root.resolve("shard-0/link"), root.resolve("shard-0/real"));

    assertEquals(
        root.resolve("shard-0/real/f"), SnapshotPaths.resolveNoLinks(root, "shard-0/real/f"));
    InvalidSnapshotException e =
        assertThrows(
            InvalidSnapshotException.class,
            () -> SnapshotPaths.resolveNoLinks(root, "shard-0/link/f"));
    assertTrue(e.getMessage().contains("shard-0/link is a symbolic link"), e.getMessage());
    assertThrows(
        NoSuchFileException.class, () -> SnapshotPaths.resolveNoLinks(root, "shard-0/none"));
    assertThrows(
        InvalidSnapshotException.class, () -> SnapshotPaths.resolveNoLinks(root, "../snap"));
  }

  @Test
  void theRootItselfMayBeALink(@TempDir Path tmp) throws Exception {
    Path real = Files.createDirectories(tmp.resolve("real"));
    Files.writeString(real.resolve("f"), "x");
    Path link = Files.createSymbolicLink(tmp.resolve("link"), real);
    assertEquals(link.resolve("f"), SnapshotPaths.resolveNoLinks(link, "f"));
  }
}
