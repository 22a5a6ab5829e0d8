package io.quiver.benchmarks.collection;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the whole benchmark on a tiny generated set so it does not rot. Nothing here depends on a
 * timing; the recall check holds because segments this small are always searched exactly.
 */
class CollectionBenchTest {

  @Test
  void tinyRunFillsEveryTableAndTheResultsSection(@TempDir Path tmp) throws Exception {
    Path results = tmp.resolve("RESULTS.md");
    Files.writeString(results, "# Results\n\nkept\n");
    String[] args = {
      "--datasets", "gmm-2k-16",
      "--ingest-datasets", "gmm-2k-16",
      "--variants", "float,int8",
      "--ingest-points", "2000",
      "--ingest-ms", "200",
      "--batches", "1,100",
      "--writers", "1,2",
      "--warmup-ms", "0",
      "--min-time-ms", "10",
      "--rounds", "1",
      "--queries", "20",
      "--work-dir", tmp.resolve("work").toString(),
      "--cache-dir", tmp.resolve("cache").toString(),
      "--results-md", results.toString(),
      "--command", "test"
    };
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    String markdown =
        CollectionBench.run(args, new PrintStream(out, true, StandardCharsets.UTF_8), log);

    for (String heading :
        List.of(
            "### Upsert throughput",
            "### Load to indexed",
            "### Filtered search",
            "### Memory per point")) {
      assertTrue(markdown.contains(heading), heading + " missing:\n" + markdown);
    }
    // 2 waits x 2 writer counts x 2 batch sizes
    assertEquals(8, rowsStartingWith(markdown, "| gmm-2k-16 | 16 |").size(), markdown);
    List<String> searchRows = rowsStartingWith(markdown, "| 0.1 % |");
    searchRows.addAll(rowsStartingWith(markdown, "| 50 % |"));
    assertEquals(8, searchRows.size(), markdown); // 2 variants x 2 levels x (range, keyword)
    for (String row : searchRows) {
      assertTrue(row.endsWith("| 1.0000 |"), "exact segments must give recall 1: " + row);
    }
    assertTrue(markdown.contains("| 0.1 % | range bucket < 1 | 2 |"), markdown);
    assertTrue(markdown.contains("| 50 % | keyword tags = lt500 | 1,000 |"), markdown);

    String file = Files.readString(results);
    assertTrue(file.startsWith("# Results\n\nkept\n"), file);
    assertTrue(file.contains("<!-- bench:begin collection -->"), file);
    assertTrue(file.contains(CollectionBench.SECTION_TITLE), file);
    assertTrue(Files.list(tmp.resolve("work")).findAny().isEmpty(), "collections left behind");
  }

  @Test
  void quickIsOverriddenByExplicitOptions() {
    assertEquals(
        List.of("sift5k", "gmm-20k-128"),
        CollectionBench.parse(new String[] {"--quick"}).list("datasets"));
    assertEquals(
        List.of("cohere1k"),
        CollectionBench.parse(new String[] {"--quick", "--datasets", "cohere1k"}).list("datasets"));
  }

  @Test
  void badValuesAreNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CollectionBench.run(
                    new String[] {"--waits", "maybe"},
                    new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(new ByteArrayOutputStream())));
    assertTrue(e.getMessage().contains("got 'maybe'"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () ->
                CollectionBench.run(
                    new String[] {"--variants", "pq"},
                    new PrintStream(new ByteArrayOutputStream()),
                    new PrintStream(new ByteArrayOutputStream())));
    assertTrue(e.getMessage().contains("'pq'"), e.getMessage());
  }

  private static List<String> rowsStartingWith(String markdown, String prefix) {
    List<String> rows = new ArrayList<>();
    for (String line : markdown.split("\n")) {
      if (line.startsWith(prefix)) {
        rows.add(line.strip());
      }
    }
    return rows;
  }
}
