package io.quiver.engine.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileDigestsTest {

  private static final String EMPTY =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
  private static final String ABC =
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";

  @Test
  void knownDigests(@TempDir Path tmp) throws Exception {
    assertEquals(EMPTY, FileDigests.sha256(new ByteArrayInputStream(new byte[0])));
    Path abc = Files.writeString(tmp.resolve("abc"), "abc");
    assertEquals(ABC, FileDigests.sha256(abc));
  }

  @Test
  void streamingMatchesOneShot(@TempDir Path tmp) throws Exception {
    byte[] data = new byte[(1 << 16) * 3 + 17]; // several buffers and a tail
    new Random(42).nextBytes(data);
    Path f = Files.write(tmp.resolve("f"), data);
    String expected = FileDigests.hex(FileDigests.newSha256().digest(data));
    assertEquals(expected, FileDigests.sha256(f));
  }

  @Test
  void entryIsRelativeToTheRoot(@TempDir Path tmp) throws Exception {
    Path dir = Files.createDirectories(tmp.resolve("shard-1/seg"));
    Path f = Files.write(dir.resolve("x.bin"), "abc".getBytes(StandardCharsets.UTF_8));
    assertEquals(new FileEntry("shard-1/seg/x.bin", 3, ABC), FileDigests.entry(tmp, f));
    assertThrows(
        IllegalArgumentException.class,
        () -> FileDigests.entry(tmp.resolve("shard-1/seg/x.bin"), tmp));
    assertThrows(IllegalArgumentException.class, () -> FileDigests.entry(tmp, dir));
  }
}
