package io.quiver.engine.wal;

import static io.quiver.engine.wal.TestRecords.assertReplays;
import static io.quiver.engine.wal.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WalTest {

  private static final int MAX = 300;
  private static final WalOptions SMALL_FILES = WalOptions.DEFAULT.withSegmentSize(4096);

  @TempDir Path dir;

  @Test
  void roundTripAcrossRolledFilesAndReopen() throws IOException {
    try (Wal wal = Wal.open(dir, SMALL_FILES)) {
      assertEquals(0, wal.lastSequence());
      assertEquals(1, wal.firstSequence());
      for (long s = 1; s <= 500; s++) {
        assertEquals(s, wal.append(record(s, MAX)));
      }
      wal.sync(500);
      assertEquals(500, wal.durableSequence());
      assertReplays(wal, 0, 1, 500, MAX);
    }
    assertTrue(walFiles().size() > 10, "files: " + walFiles().size());
    for (Path file : walFiles()) {
      long size = Files.size(file);
      assertTrue(size <= 4096, file + " is " + size + " bytes");
    }
    try (Wal wal = Wal.open(dir, SMALL_FILES)) {
      assertEquals(500, wal.lastSequence());
      assertEquals(1, wal.firstSequence());
      for (long s = 501; s <= 700; s++) {
        assertEquals(s, wal.append(ByteBuffer.wrap(record(s, MAX))));
      }
      assertReplays(wal, 0, 1, 700, MAX);
    }
    try (Wal wal = Wal.open(dir, SMALL_FILES)) {
      assertReplays(wal, 0, 1, 700, MAX);
    }
  }

  @Test
  void replayAfterASequence() throws IOException {
    try (Wal wal = Wal.open(dir, SMALL_FILES)) {
      for (long s = 1; s <= 300; s++) {
        wal.append(record(s, MAX));
      }
      // Unsynced records are replayed too: replay sees everything appended before it.
      assertReplays(wal, 137, 138, 300, MAX);
      assertReplays(wal, 299, 300, 300, MAX);
      assertReplays(wal, 300, 301, 300, MAX);
      IllegalStateException e =
          assertThrows(IllegalStateException.class, () -> wal.replay(301, (seq, r) -> {}));
      assertTrue(e.getMessage().contains("the log ends at sequence 300"), e.getMessage());
      assertReplays(wal, 0, 1, 300, MAX);
    }
  }

  @Test
  void truncationDeletesCoveredFilesAndSequencesContinueAfterReopen() throws IOException {
    try (Wal wal = Wal.open(dir, SMALL_FILES)) {
      for (long s = 1; s <= 400; s++) {
        wal.append(record(s, MAX));
      }
      int before = walFiles().size();
      wal.truncateUpTo(200);
      assertTrue(walFiles().size() < before);
      long first = wal.firstSequence();
      assertTrue(first > 1 && first <= 201, "first sequence " + first);
      assertReplays(wal, 200, 201, 400, MAX);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> wal.replay(first - 2, (s, r) -> {}));
      assertTrue(e.getMessage().contains("starts at sequence " + first), e.getMessage());

      wal.truncateUpTo(400);
      assertEquals(1, walFiles().size(), "the file being written is kept");
      assertThrows(IllegalArgumentException.class, () -> wal.truncateUpTo(401));
    }
    try (Wal wal = Wal.open(dir, SMALL_FILES)) {
      assertEquals(400, wal.lastSequence());
      assertEquals(401, wal.append(record(401, MAX)));
      assertReplays(wal, 400, 401, 401, MAX);
    }
  }

  @Test
  void newLogStartsAtStartSequenceAndAnEmptyFileRemembersIt() throws IOException {
    WalOptions options = WalOptions.DEFAULT.withStartSequence(1000);
    try (Wal wal = Wal.open(dir, options)) {
      assertEquals(999, wal.lastSequence());
      assertEquals(1000, wal.firstSequence());
      assertReplays(wal, 999, 1000, 999, MAX);
    }
    // Reopened without the option: the empty file's header says where the log stands.
    try (Wal wal = Wal.open(dir, WalOptions.DEFAULT)) {
      assertEquals(999, wal.lastSequence());
      assertEquals(1000, wal.append(record(1000, MAX)));
    }
    // Once files exist the option is ignored.
    try (Wal wal = Wal.open(dir, WalOptions.DEFAULT.withStartSequence(5))) {
      assertEquals(1000, wal.lastSequence());
    }
  }

  @Test
  void recordsLargerThanTheBufferAndEmptyRecords() throws IOException {
    WalOptions options = SMALL_FILES.withWriteBufferSize(4096);
    byte[] big = new byte[100_000];
    new java.util.Random(7).nextBytes(big);
    try (Wal wal = Wal.open(dir, options)) {
      wal.append(new byte[0]);
      wal.append(big);
      wal.append(new byte[] {1, 2, 3});
      wal.sync(3);
    }
    try (Wal wal = Wal.open(dir, options)) {
      List<byte[]> records = new java.util.ArrayList<>();
      wal.replay(0, (s, r) -> records.add(TestRecords.toArray(r)));
      assertEquals(3, records.size());
      assertEquals(0, records.get(0).length);
      org.junit.jupiter.api.Assertions.assertArrayEquals(big, records.get(1));
      org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {1, 2, 3}, records.get(2));
    }
  }

  @Test
  void recordOverTheLimitIsRefusedWithItsSize() throws IOException {
    try (Wal wal = Wal.open(dir, WalOptions.DEFAULT.withMaxRecordSize(1000))) {
      wal.append(new byte[1000]);
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> wal.append(new byte[1001]));
      assertEquals(
          "WAL record is 1001 bytes; the limit (WalOptions.maxRecordSize) is 1000", e.getMessage());
      assertEquals(1, wal.lastSequence());
    }
  }

  @Test
  void badOptionsNameTheValue() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> WalOptions.DEFAULT.withSegmentSize(10));
    assertTrue(e.getMessage().contains("got 10"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> WalOptions.DEFAULT.withStartSequence(0));
    assertEquals("wal startSequence must be >= 1; got 0", e.getMessage());
  }

  @Test
  void lifecycleMisuse() throws IOException {
    Wal wal = Wal.open(dir, WalOptions.DEFAULT);
    assertThrows(IllegalStateException.class, () -> Wal.open(dir, WalOptions.DEFAULT));
    wal.append(new byte[] {1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> wal.sync(2));
    assertEquals("cannot sync WAL sequence 2: the last appended is 1", e.getMessage());
    wal.close();
    wal.close();
    wal.sync(1); // covered by close
    assertThrows(IllegalStateException.class, () -> wal.append(new byte[] {2}));
    try (Wal reopened = Wal.open(dir, WalOptions.DEFAULT)) {
      assertEquals(1, reopened.lastSequence());
    }
  }

  private List<Path> walFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> WalFormat.parseFileName(p.getFileName().toString()) >= 0)
          .sorted()
          .toList();
    }
  }
}
