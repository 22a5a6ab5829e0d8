package io.quiver.engine.wal;

import static io.quiver.engine.wal.TestRecords.assertReplays;
import static io.quiver.engine.wal.TestRecords.record;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.store.CorruptFileException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Opening a damaged log: a torn tail is cut, anything else is refused with file and offset. */
class WalRecoveryTest {

  private static final int MAX = 200;
  private static final WalOptions OPTIONS = WalOptions.DEFAULT.withSegmentSize(2048);

  @TempDir Path root;
  private int copies;

  @Test
  void tornTailAtEveryOffsetOfTheLastFrame() throws IOException {
    Path original = buildLog(root.resolve("original"), 40);
    checkEveryCut(original, 40);
  }

  @Test
  void tornTailOfTheOnlyRecordOfTheOnlyFileKeepsTheSequence() throws IOException {
    // The last record starts a new file and everything before it is truncated away: cutting that
    // record leaves an empty file whose header alone says where the log stood.
    Path original = root.resolve("original");
    long n;
    try (Wal wal = Wal.open(original, OPTIONS)) {
      n = 0;
      do {
        n++;
        wal.append(record(n, MAX));
      } while (n < 20 || WalFormat.parseFileName(last(original).getFileName().toString()) != n);
      wal.truncateUpTo(n - 1);
      assertEquals(1, walFiles(original).size());
    }
    checkEveryCut(original, n);
  }

  @Test
  void garbageAfterTheLastFrameIsCut() throws IOException {
    Path original = buildLog(root.resolve("original"), 40);
    Random random = new Random(42);
    for (int length : new int[] {1, 7, 15, 16, 17, 300, 5000}) {
      for (boolean zeros : new boolean[] {false, true}) {
        byte[] garbage = new byte[length];
        if (!zeros) {
          random.nextBytes(garbage);
        }
        Path copy = copy(original);
        Path last = last(copy);
        long size = Files.size(last);
        Files.write(last, garbage, StandardOpenOption.APPEND);
        assertRecovers(copy, 40, size);
      }
    }
  }

  @Test
  void aPartialFrameFollowedByGarbageIsCut() throws IOException {
    Path original = buildLog(root.resolve("original"), 40);
    Path copy = copy(original);
    Path last = last(copy);
    List<Long> frames = frameOffsets(last);
    long lastFrame = frames.get(frames.size() - 1);
    truncate(last, lastFrame + 10);
    Files.write(last, new byte[3000], StandardOpenOption.APPEND);
    assertRecovers(copy, 39, lastFrame);
  }

  @Test
  void damagedEarlyFrameInTheLastFileIsCorruption() throws IOException {
    Path original = buildLog(root.resolve("original"), 40);
    List<Long> frames = frameOffsets(last(original));
    assertTrue(frames.size() >= 3, "frames in the last file: " + frames.size());
    int index = 1;
    while (frames.get(index + 1) - frames.get(index) < WalFormat.FRAME_HEADER_LENGTH + 2) {
      index++;
    }
    long frame = frames.get(index);
    assertTrue(index < frames.size() - 1, "a frame with a payload, not the last");
    // One byte in each field of the frame: length, crc, sequence, payload.
    for (int at : new int[] {0, 1, 4, 9, 16, 17}) {
      Path copy = copy(original);
      flipByte(last(copy), frame + at);
      CorruptFileException e = assertCorrupt(copy, last(copy), frame);
      assertTrue(e.getMessage().contains("followed by a valid frame"), e.getMessage());
    }
  }

  @Test
  void damageInAFileThatIsNotTheNewestIsCorruption() throws IOException {
    Path original = buildLog(root.resolve("original"), 40);
    Path copy = copy(original);
    Path first = walFiles(copy).get(0);
    List<Long> frames = frameOffsets(first);
    long lastFrame = frames.get(frames.size() - 1);
    flipByte(first, Files.size(first) - 1);
    CorruptFileException e = assertCorrupt(copy, first, lastFrame);
    assertTrue(e.getMessage().contains("not the newest"), e.getMessage());

    copy = copy(original);
    first = walFiles(copy).get(0);
    truncate(first, Files.size(first) - 1);
    assertCorrupt(copy, first, lastFrame);
  }

  @Test
  void damagedHeaderIsCorruption() throws IOException {
    Path original = buildLog(root.resolve("original"), 40);
    for (int at : new int[] {0, 6, 16, 22, WalFormat.HEADER_LENGTH - 1}) {
      for (int file : new int[] {0, -1}) {
        Path copy = copy(original);
        List<Path> files = walFiles(copy);
        Path damaged = files.get(file < 0 ? files.size() - 1 : file);
        flipByte(damaged, at);
        CorruptFileException e =
            assertThrows(CorruptFileException.class, () -> Wal.open(copy, OPTIONS).close());
        assertTrue(e.getMessage().contains(damaged.toString()), e.getMessage());
      }
    }
    Path copy = copy(original);
    Path last = last(copy);
    truncate(last, WalFormat.HEADER_LENGTH - 1);
    CorruptFileException e =
        assertThrows(CorruptFileException.class, () -> Wal.open(copy, OPTIONS).close());
    assertTrue(e.getMessage().contains("header is truncated"), e.getMessage());
  }

  @Test
  void missingFileIsCorruption() throws IOException {
    Path original = buildLog(root.resolve("original"), 40);
    Path copy = copy(original);
    List<Path> files = walFiles(copy);
    assertTrue(files.size() >= 3, "files: " + files.size());
    Files.delete(files.get(1));
    CorruptFileException e =
        assertThrows(CorruptFileException.class, () -> Wal.open(copy, OPTIONS).close());
    assertTrue(e.getMessage().contains(files.get(2).toString()), e.getMessage());
    assertTrue(e.getMessage().contains("records are missing"), e.getMessage());
  }

  @Test
  void frameOutOfSequenceIsCorruption() throws IOException {
    Path original = buildLog(root.resolve("original"), 40);
    for (boolean newest : new boolean[] {false, true}) {
      Path copy = copy(original);
      Path file = newest ? last(copy) : walFiles(copy).get(0);
      long frame = frameOffsets(file).get(1);
      rewriteSequence(file, frame, 7777);
      CorruptFileException e = assertCorrupt(copy, file, frame);
      assertTrue(e.getMessage().contains("frame has sequence 7777"), e.getMessage());
    }
    // A valid frame repeated at the end is not a torn write either.
    Path copy = copy(original);
    Path last = last(copy);
    List<Long> frames = frameOffsets(last);
    long lastFrame = frames.get(frames.size() - 1);
    byte[] bytes = Files.readAllBytes(last);
    long size = bytes.length;
    Files.write(
        last, Arrays.copyOfRange(bytes, (int) lastFrame, bytes.length), StandardOpenOption.APPEND);
    assertCorrupt(copy, last, size);
  }

  @Test
  void replayChecksFramesAgain() throws IOException {
    Path dir = buildLog(root.resolve("original"), 40);
    try (Wal wal = Wal.open(dir, OPTIONS)) {
      Path first = walFiles(dir).get(0);
      long frame = frameOffsets(first).get(0);
      flipByte(first, frame + 9);
      CorruptFileException e =
          assertThrows(CorruptFileException.class, () -> wal.replay(0, (s, r) -> {}));
      assertTrue(e.getMessage().contains(first.toString()), e.getMessage());
      assertTrue(e.getMessage().contains("byte offset " + frame), e.getMessage());
    }
  }

  // ---- helpers ----

  /** Cuts the last file at every offset inside its last frame; each copy must recover. */
  private void checkEveryCut(Path original, long n) throws IOException {
    Path last = last(original);
    List<Long> frames = frameOffsets(last);
    long lastFrame = frames.get(frames.size() - 1);
    long size = Files.size(last);
    assertTrue(size - lastFrame > WalFormat.FRAME_HEADER_LENGTH);
    for (long cut = lastFrame; cut < size; cut++) {
      Path copy = copy(original);
      truncate(last(copy), cut);
      assertRecovers(copy, n - 1, lastFrame);
    }
  }

  /**
   * Opens {@code dir}, expects records 1..lastKept intact and the last file cut to {@code
   * expectedSize}, then checks that appending continues at lastKept + 1 across a reopen.
   */
  private static void assertRecovers(Path dir, long lastKept, long expectedSize)
      throws IOException {
    long first;
    try (Wal wal = Wal.open(dir, OPTIONS)) {
      assertEquals(lastKept, wal.lastSequence());
      assertEquals(expectedSize, Files.size(last(dir)));
      first = wal.firstSequence();
      assertReplays(wal, first - 1, first, lastKept, MAX);
      assertEquals(lastKept + 1, wal.append(record(lastKept + 1, MAX)));
      wal.sync(lastKept + 1);
    }
    try (Wal wal = Wal.open(dir, OPTIONS)) {
      assertEquals(lastKept + 1, wal.lastSequence());
      assertReplays(wal, first - 1, first, lastKept + 1, MAX);
    }
  }

  private static CorruptFileException assertCorrupt(Path dir, Path file, long offset) {
    CorruptFileException e =
        assertThrows(CorruptFileException.class, () -> Wal.open(dir, OPTIONS).close());
    assertTrue(e.getMessage().contains("file: " + file), e.getMessage());
    assertTrue(e.getMessage().contains("byte offset " + offset + " "), e.getMessage());
    return e;
  }

  private static Path buildLog(Path dir, int n) throws IOException {
    try (Wal wal = Wal.open(dir, OPTIONS)) {
      for (long s = 1; s <= n; s++) {
        wal.append(record(s, MAX));
      }
    }
    assertTrue(walFiles(dir).size() >= 3, "files: " + walFiles(dir).size());
    return dir;
  }

  private Path copy(Path dir) throws IOException {
    Path copy = root.resolve("copy-" + copies++);
    Files.createDirectories(copy);
    for (Path file : walFiles(dir)) {
      Files.copy(file, copy.resolve(file.getFileName()));
    }
    return copy;
  }

  static List<Path> walFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files
          .filter(p -> WalFormat.parseFileName(p.getFileName().toString()) >= 0)
          .sorted()
          .toList();
    }
  }

  private static Path last(Path dir) throws IOException {
    List<Path> files = walFiles(dir);
    return files.get(files.size() - 1);
  }

  static List<Long> frameOffsets(Path file) throws IOException {
    List<Long> offsets = new ArrayList<>();
    try (WalFileReader reader = WalFileReader.open(file)) {
      long pos = WalFormat.HEADER_LENGTH;
      while (pos < reader.size()) {
        assertEquals(null, reader.checkFrame(pos));
        offsets.add(pos);
        pos += reader.frameSize();
      }
    }
    return offsets;
  }

  private static void truncate(Path file, long size) throws IOException {
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
    }
  }

  private static void flipByte(Path file, long offset) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(1);
      channel.read(b, offset);
      b.put(0, (byte) (b.get(0) ^ 0x5A));
      channel.write(b.rewind(), offset);
    }
  }

  /** Gives the frame at {@code frame} another sequence, with a checksum that matches. */
  private static void rewriteSequence(Path file, long frame, long sequence) throws IOException {
    try (FileChannel channel =
        FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer head =
          ByteBuffer.allocate(WalFormat.FRAME_HEADER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
      channel.read(head, frame);
      int length = head.getInt(0);
      ByteBuffer payload = ByteBuffer.allocate(length);
      channel.read(payload, frame + WalFormat.FRAME_HEADER_LENGTH);
      head.putLong(8, sequence);
      head.putInt(4, WalFormat.frameCrc(new CRC32(), head, 0, payload.flip()));
      channel.write(head.rewind(), frame);
    }
  }
}
