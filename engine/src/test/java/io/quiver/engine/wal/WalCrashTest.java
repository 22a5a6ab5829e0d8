package io.quiver.engine.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process that appends and syncs ({@link WalCrashChild}) with SIGKILL at random moments,
 * then reopens its log: every acknowledged record must be there and intact, and what follows the
 * last acknowledged record must be whole records or nothing.
 */
class WalCrashTest {

  private static final int CYCLES = 20;
  private static final long SEGMENT_SIZE = 64 << 10;
  private static final int MAX_RECORD = 6000;

  @TempDir Path root;

  @Test
  void everyAcknowledgedRecordSurvivesSigkill() throws Exception {
    long seed = System.nanoTime();
    Random random = new Random(seed);
    Path dir = root.resolve("wal");
    Path stderr = root.resolve("child-stderr.txt");
    long lastAcknowledged = 0;
    long acknowledgements = 0;
    long recordsChecked = 0;
    for (int cycle = 0; cycle < CYCLES; cycle++) {
      int threads = 1 + random.nextInt(4);
      int killAfter = 1 + random.nextInt(120);
      Process child = start(dir, threads, stderr);
      try (BufferedReader out =
          new BufferedReader(
              new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        String ready = out.readLine();
        assertNotNull(ready, () -> "child did not start (seed " + seed + "): " + read(stderr));
        assertTrue(ready.startsWith("ready "), ready);
        assertTrue(
            Long.parseLong(ready.substring(6)) >= lastAcknowledged,
            "the reopened log lost acknowledged records: " + ready);
        int seen = 0;
        String line;
        // Lines printed before the kill are acknowledgements too; read until the pipe closes.
        while ((line = out.readLine()) != null) {
          long sequence = Long.parseLong(line);
          lastAcknowledged = Math.max(lastAcknowledged, sequence);
          acknowledgements++;
          if (++seen == killAfter) {
            // Through the handle: Process.destroyForcibly would also close the pipe.
            child.toHandle().destroyForcibly();
          }
        }
      } finally {
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), "child did not die");
      }
      assertEquals(
          137, child.exitValue(), () -> "child failed (seed " + seed + "): " + read(stderr));

      try (Wal wal = Wal.open(dir, WalOptions.DEFAULT.withSegmentSize(SEGMENT_SIZE))) {
        long last = wal.lastSequence();
        assertTrue(
            last >= lastAcknowledged,
            "cycle "
                + cycle
                + " (seed "
                + seed
                + "): acknowledged "
                + lastAcknowledged
                + " but the log ends at "
                + last);
        long first = wal.firstSequence();
        assertTrue(
            first <= Math.max(1, lastAcknowledged - WalCrashChild.TRUNCATE_LAG + 1),
            "truncated beyond what the child allowed: first sequence " + first);
        // Checks each record's bytes and that sequences run first..last without a hole.
        TestRecords.assertReplays(wal, first - 1, first, last, MAX_RECORD);
        recordsChecked += last - first + 1;
      }
    }
    System.out.printf(
        "WAL crash test (seed %d): %d SIGKILL cycles, %d acknowledgements, last acknowledged %d,"
            + " %d records checked%n",
        seed, CYCLES, acknowledgements, lastAcknowledged, recordsChecked);
  }

  private static Process start(Path dir, int threads, Path stderr) throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>();
    command.add(java);
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(WalCrashChild.class.getName());
    command.add(dir.toString());
    command.add(Integer.toString(threads));
    command.add(Long.toString(SEGMENT_SIZE));
    command.add(Integer.toString(MAX_RECORD));
    return new ProcessBuilder(command).redirectError(stderr.toFile()).start();
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      return "(no stderr: " + e + ")";
    }
  }
}
