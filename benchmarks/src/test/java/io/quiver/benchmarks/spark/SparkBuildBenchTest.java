package io.quiver.benchmarks.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole benchmark on a tiny generated set (a real {@code local[2]} session, both builds,
 * two rounds) so it does not rot. Nothing here depends on a timing; recall is 1 because segments
 * this small are searched exactly.
 */
class SparkBuildBenchTest {

  @Test
  void tinyRunFillsTheReportAndTheResultsSection(@TempDir Path tmp) throws Exception {
    Path results = tmp.resolve("RESULTS.md");
    Files.writeString(results, "# Results\n\nkept\n");
    Path work = Files.createDirectories(tmp.resolve("work"));
    String[] args = {
      "--points", "3000",
      "--dim", "16",
      "--shards", "4",
      "--threads", "2",
      "--rounds", "2",
      "--warmup-points", "500",
      "--queries", "20",
      "--profile-ms", "10",
      "--work-dir", work.toString(),
      "--cache-dir", tmp.resolve("cache").toString(),
      "--results-md", results.toString(),
      "--command", "test"
    };
    PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    String markdown = SparkBuildBench.run(args, quiet, quiet);

    assertTrue(markdown.contains("| 1 | in-process, Spark |"), markdown);
    assertTrue(markdown.contains("| 2 | Spark, in-process |"), markdown);
    assertTrue(markdown.contains("Spark-built version **1.0000**"), markdown);
    assertTrue(markdown.contains("input rows, shuffle write"), markdown);
    assertTrue(markdown.contains("shuffle read, connector's DataWriter"), markdown);
    assertTrue(markdown.contains("| HNSW graph build |"), markdown);
    String file = Files.readString(results);
    assertTrue(file.startsWith("# Results\n\nkept\n"), file);
    assertTrue(file.contains(SparkBuildBench.SECTION_TITLE), file);
    try (Stream<Path> left = Files.list(work)) {
      assertEquals(0, left.count(), "the work folder is cleaned up");
    }
  }
}
