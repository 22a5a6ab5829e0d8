package io.quiver.engine.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import io.quiver.engine.point.PointId;
import io.quiver.engine.store.AtomicFileWriter;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.store.FileFormat;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VersionTableTest {

  @TempDir Path tmp;

  /**
   * Random puts and removes on a small id space (long probe runs, many back-shifts) against a
   * {@code HashMap}, with checkpoints at random sequences behind the last applied one: each file
   * read back equals the model as of its sequence.
   */
  @Test
  void matchesAMapAndWritesExactlyTheStateAsOfACheckpoint() throws IOException {
    long seed = TestData.seed();
    SplittableRandom random = new SplittableRandom(seed);
    String context = "seed " + seed + " (-Dtests.seed=" + seed + ")";
    VersionTable table = new VersionTable();
    Map<PointId, Long> model = new HashMap<>();
    TreeMap<Long, Map<PointId, Long>> history = new TreeMap<>();
    long lastCheckpoint = 0;
    history.put(0L, Map.of());
    for (long seq = 1; seq <= 20_000; seq++) {
      PointId id = randomId(random);
      if (random.nextInt(4) == 0) {
        table.remove(id, seq);
        model.remove(id);
      } else {
        long version = random.nextLong();
        table.put(id, version, seq);
        model.put(id, version);
      }
      history.put(seq, Map.copyOf(model));
      if (random.nextInt(500) == 0) {
        long at = lastCheckpoint + random.nextLong(seq - lastCheckpoint + 1);
        Path file = tmp.resolve(VersionTable.fileName(at));
        table.writeAsOf(file, at);
        table.forgetChangesUpTo(at);
        lastCheckpoint = at;
        assertEquals(history.get(at), contents(VersionTable.read(file)), context + " as of " + at);
        assertFalse(table.changedUpTo(at), context);
      }
    }
    assertEquals(model, contents(table), context);
    assertEquals(model.size(), table.size(), context);
    for (PointId id : model.keySet()) {
      assertEquals(model.get(id), table.versionAt(table.slotOf(id)), context + " " + id);
    }
    assertEquals(-1, table.slotOf(PointId.of(1_000_000)), context);
    assertEquals(model, contents(table.copy()), context);
  }

  @Test
  void versionsCompareUnsigned() {
    assertTrue(VersionTable.isStale(5, 5));
    assertTrue(VersionTable.isStale(6, 5));
    assertFalse(VersionTable.isStale(5, 6));
    assertFalse(VersionTable.isStale(Long.MAX_VALUE, Long.MIN_VALUE)); // 2^63 is newer
    assertTrue(VersionTable.isStale(-1L, Long.MAX_VALUE)); // 2^64 - 1 is the newest
    assertTrue(VersionTable.isStale(0, 0));
  }

  @Test
  void mergeKeepsTheNewestVersion() {
    VersionTable a = new VersionTable();
    VersionTable b = new VersionTable();
    a.put(PointId.of(1), 5, 1);
    a.put(PointId.of(2), -1L, 2);
    b.put(PointId.of(1), 7, 1);
    b.put(PointId.of(2), 3, 2);
    b.put(PointId.of(3), 0, 3);
    a.mergeNewest(b);
    assertEquals(Map.of(PointId.of(1), 7L, PointId.of(2), -1L, PointId.of(3), 0L), contents(a));
  }

  @Test
  void inconsistentFilesAreRefusedNamingTheFile() throws IOException {
    Path twice = tmp.resolve("twice.qv");
    write(twice, 2, new long[][] {{0, 0, 9, 1}, {0, 0, 9, 2}});
    assertRefused(twice, "appears twice");
    Path badKind = tmp.resolve("kind.qv");
    write(badKind, 1, new long[][] {{3, 0, 9, 1}});
    assertRefused(badKind, "no valid point id");
    Path numericWithHigh = tmp.resolve("high.qv");
    write(numericWithHigh, 1, new long[][] {{0, 4, 9, 1}});
    assertRefused(numericWithHigh, "no valid point id");
    Path wrongCount = tmp.resolve("count.qv");
    write(wrongCount, 3, new long[][] {{0, 0, 9, 1}});
    assertRefused(wrongCount, "says 3 entries");
  }

  private static void assertRefused(Path file, String why) {
    CorruptFileException e =
        assertThrows(CorruptFileException.class, () -> VersionTable.read(file));
    assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }

  private static void write(Path file, long count, long[][] entries) throws IOException {
    try (AtomicFileWriter out =
        new AtomicFileWriter(
            file,
            VersionTable.FORMAT,
            VersionTable.VERSION,
            new byte[FileFormat.SEGMENT_ID_LENGTH])) {
      out.writeLong(count);
      for (long[] e : entries) {
        out.writeByte((int) e[0]).writeLong(e[1]).writeLong(e[2]).writeLong(e[3]);
      }
      out.commit();
    }
  }

  private static PointId randomId(SplittableRandom random) {
    int n = random.nextInt(600);
    if (n < 100) {
      return PointId.of(new UUID(n * 0x1000_0000_0000L, ~n));
    }
    return PointId.of(n % 3 == 0 ? -n : n); // unsigned ids near 2^64 too
  }

  static Map<PointId, Long> contents(VersionTable table) {
    Map<PointId, Long> out = new HashMap<>();
    table.forEach((id, version) -> assertEquals(null, out.put(id, version), "twice: " + id));
    return out;
  }
}
