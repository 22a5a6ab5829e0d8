package io.quiver.benchmarks.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole benchmark on a tiny set: a real node, a MiniCluster job and the plain client. */
class FlinkSinkBenchTest {

  @Test
  void runsEndToEndAndWritesItsSection(@TempDir Path dir) throws Exception {
    Path results = dir.resolve("RESULTS.md");
    Files.writeString(results, "# results\n\n## Flink sink (issue 7)\n\nold\n\n## Other\n\nkept\n");
    FlinkSinkBench.Options o =
        FlinkSinkBench.parse(
            new String[] {
              "--sizes", "3000x16,600x24",
              "--rounds", "2",
              "--fresh-samples", "5",
              "--fresh-rate", "20000",
              "--work-dir", dir.toString(),
              "--results-md", results.toString(),
              "--command", "flink-sink.sh --test"
            });
    String report = FlinkSinkBench.run(o);
    assertTrue(report.contains("| 3000 x 16 | 1 | sink |"), report);
    assertTrue(report.contains("| 600 x 24 | 1 | plain gRPC |"), report);
    assertTrue(report.contains("| 24 | NONE | 5 |"), report);
    assertTrue(report.contains("| 16 | AT_LEAST_ONCE | 5 |"), report);
    String text = Files.readString(results);
    assertTrue(text.contains("flink-sink.sh --test"), text);
    assertTrue(!text.contains("\nold\n") && text.endsWith("## Other\n\nkept\n"), text);
  }

  @Test
  void parsesSizesAndRefusesBadOnes() {
    assertEquals(
        List.of(new FlinkSinkBench.Size(200_000, 128), new FlinkSinkBench.Size(50_000, 768)),
        FlinkSinkBench.parseSizes("200000x128, 50000X768"));
    assertThrows(IllegalArgumentException.class, () -> FlinkSinkBench.parseSizes("200000"));
    assertThrows(
        IllegalArgumentException.class, () -> FlinkSinkBench.parse(new String[] {"--nope"}));
  }

  @Test
  void percentileIsNearestRank() {
    long[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertEquals(5, FreshnessRun.percentile(sorted, 0.5));
    assertEquals(10, FreshnessRun.percentile(sorted, 0.99));
    assertEquals(1, FreshnessRun.percentile(new long[] {1}, 0.99));
  }
}
