package io.quiver.engine.collection;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.shard.LocalShard;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a writer process with SIGKILL at random points, again and again; after each kill, every
 * acknowledged upsert and delete must be there, and the one operation in flight must be all there
 * or not there at all. Runs once (on the default kernel execution): it tests durability, not vector
 * kernels.
 */
@EnabledIfSystemProperty(named = "quiver.vector.impl", matches = "panama")
class CrashRecoveryTest {

  private static final int CYCLES = Integer.getInteger("quiver.crash.cycles", 50);

  @TempDir Path tmp;

  @Test
  void acknowledgedWritesSurviveKillNine() throws Exception {
    long seed = Long.getLong("quiver.test.seed", System.nanoTime());
    SplittableRandom random = new SplittableRandom(seed);
    Path dir = tmp.resolve("collection");
    Set<Long> live = new HashSet<>();
    long next = 1;
    long checkedWrites = 0;
    long acknowledged = 0;
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      Path log = tmp.resolve("writer-" + cycle + ".out");
      Process child = start(dir, next, random.nextLong(), log);
      int acksBeforeKill = random.nextInt(40);
      String inFlight = null;
      try (LineTail lines = new LineTail(log, child)) {
        assertEquals("READY", lines.next(), "writer failed to start (seed " + seed + ")");
        for (int acks = 0; acks < acksBeforeKill; ) {
          String line = lines.next();
          if (line == null) {
            throw new AssertionError("writer died on its own (seed " + seed + ")");
          }
          if (line.startsWith("TRY")) {
            inFlight = line;
            next = nextId(line, next);
          } else if (line.equals("ACK")) {
            applyAcknowledged(inFlight, live);
            inFlight = null;
            acks++;
            acknowledged++;
          }
        }
        child.destroyForcibly();
        child.waitFor(30, TimeUnit.SECONDS);
        // What the writer printed before it died is in the file; read to its end.
        for (String line; (line = lines.next()) != null; ) {
          if (line.startsWith("TRY")) {
            inFlight = line;
            next = nextId(line, next);
          } else if (line.equals("ACK")) {
            applyAcknowledged(inFlight, live);
            inFlight = null;
            acknowledged++;
          }
        }
      }
      checkedWrites += verify(dir, live, inFlight, seed);
      if (inFlight != null) {
        // The reader settled the in-flight operation: take the shard's word for it.
        settle(dir, inFlight, live);
      }
    }
    System.out.printf(
        "CrashRecoveryTest: %d kill -9 cycles, %d acknowledged operations, %d point checks, seed %d%n",
        CYCLES, acknowledged, checkedWrites, seed);
    assertTrue(acknowledged > CYCLES, "too few writes acknowledged: " + acknowledged);
  }

  /** The first id no upsert the writer tried has used. */
  private static long nextId(String tried, long next) {
    String[] parts = tried.split(" ");
    return parts[1].equals("upsert")
        ? Math.max(next, Long.parseLong(parts[2]) + Long.parseLong(parts[3]))
        : next;
  }

  private static void applyAcknowledged(String op, Set<Long> live) {
    String[] parts = op.split(" ");
    if (parts[1].equals("upsert")) {
      long first = Long.parseLong(parts[2]);
      for (long id = first; id < first + Long.parseLong(parts[3]); id++) {
        live.add(id);
      }
    } else {
      live.remove(Long.parseLong(parts[2]));
    }
  }

  /** Opens the collection and checks it against the acknowledged state; returns points checked. */
  private static long verify(Path dir, Set<Long> live, String inFlight, long seed)
      throws Exception {
    Set<Long> maybe = new HashSet<>();
    long deleteInFlight = -1;
    if (inFlight != null) {
      String[] parts = inFlight.split(" ");
      if (parts[1].equals("upsert")) {
        long first = Long.parseLong(parts[2]);
        for (long id = first; id < first + Long.parseLong(parts[3]); id++) {
          maybe.add(id);
        }
      } else {
        deleteInFlight = Long.parseLong(parts[2]);
      }
    }
    try (QuiverCollection c = QuiverCollection.open(dir)) {
      Set<Long> present = new HashSet<>();
      long checks = 0;
      PointId from = null;
      do {
        LocalShard.ScrollPage page = c.scroll(from, 500, true, true);
        for (PointRecord r : page.points()) {
          long id = r.id().num();
          present.add(id);
          assertTrue(
              live.contains(id) || maybe.contains(id),
              "point " + id + " is there but was never acknowledged (seed " + seed + ")");
          assertEquals(id, r.payload().get("id").asLong(), "payload of " + id);
          assertArrayEquals(CrashWriter.vectorOf(id), r.vectors().get(""), "vector of " + id);
          checks++;
        }
        from = page.nextOffset();
      } while (from != null);
      for (long id : live) {
        assertTrue(
            present.contains(id) || id == deleteInFlight,
            "acknowledged point " + id + " is missing (seed " + seed + ")");
      }
      int maybePresent = 0;
      for (long id : maybe) {
        maybePresent += present.contains(id) ? 1 : 0;
      }
      assertTrue(
          maybePresent == 0 || maybePresent == maybe.size(),
          "the in-flight upsert is half there: " + maybePresent + " of " + maybe.size());
      assertEquals(present.size(), c.count());
      return checks + live.size();
    }
  }

  /** Records whether the in-flight operation made it, so later cycles check against the truth. */
  private static void settle(Path dir, String inFlight, Set<Long> live) throws Exception {
    String[] parts = inFlight.split(" ");
    try (QuiverCollection c = QuiverCollection.open(dir)) {
      long id = Long.parseLong(parts[2]);
      boolean there = !c.retrieve(List.of(PointId.of(id)), false, false).isEmpty();
      if (parts[1].equals("upsert")) {
        if (there) {
          for (long i = id; i < id + Long.parseLong(parts[3]); i++) {
            live.add(i);
          }
        }
      } else if (!there) {
        live.remove(id);
      }
    }
  }

  /**
   * Complete lines of a file another process appends to; {@code next} waits (with a deadline) for
   * the next line while the process lives, and returns null at the end once it is dead.
   */
  private static final class LineTail implements AutoCloseable {
    private final java.io.InputStream in;
    private final Process process;
    private final StringBuilder partial = new StringBuilder();

    LineTail(Path file, Process process) throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!java.nio.file.Files.exists(file)) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("writer output " + file + " never appeared");
        }
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
      }
      this.in = new java.io.BufferedInputStream(java.nio.file.Files.newInputStream(file));
      this.process = process;
    }

    String next() throws Exception {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (true) {
        int b = in.read();
        if (b == '\n') {
          String line = partial.toString();
          partial.setLength(0);
          return line;
        }
        if (b >= 0) {
          partial.append((char) b);
          continue;
        }
        if (!process.isAlive()) {
          // One more read: bytes written just before the exit.
          if (in.available() == 0) {
            return null;
          }
          continue;
        }
        if (System.nanoTime() > deadline) {
          throw new AssertionError("writer made no progress for 60 s");
        }
        java.util.concurrent.locks.LockSupport.parkNanos(500_000);
      }
    }

    @Override
    public void close() throws Exception {
      in.close();
    }
  }

  private static Process start(Path dir, long next, long seed, Path log) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>();
    cmd.add(java);
    cmd.add("--add-modules");
    cmd.add("jdk.incubator.vector");
    cmd.add("-Xmx256m");
    cmd.add("-XX:TieredStopAtLevel=1");
    cmd.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add(CrashWriter.class.getName());
    cmd.add(dir.toString());
    cmd.add(Long.toString(next));
    cmd.add(Long.toString(seed));
    return new ProcessBuilder(cmd)
        .redirectOutput(log.toFile())
        // No pipe to this JVM: the test runner's own streams stay the runner's.
        .redirectError(log.resolveSibling(log.getFileName() + ".err").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
        .start();
  }
}
