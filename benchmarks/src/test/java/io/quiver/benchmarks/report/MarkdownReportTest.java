package io.quiver.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.benchmarks.measure.OversampledSweep;
import io.quiver.benchmarks.measure.SweepPoint;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MarkdownReportTest {

  @TempDir Path dir;

  private static LibraryResult result(String library, LibraryResult.Quantization quantization) {
    List<SweepPoint> sweep =
        quantization == null
            ? List.of(new SweepPoint(10, 0.90, 20_000), new SweepPoint(20, 0.98, 10_000))
            : quantization.sweeps().get(0).points();
    return new LibraryResult(
        "sift5k",
        "SIFT",
        "l2",
        1000,
        128,
        100,
        10,
        library,
        "1.0",
        "panama",
        "25.0.3+9-LTS",
        "OpenJDK",
        List.of(new LibraryResult.BuildTime(1, 0.5)),
        1,
        22_000,
        "graphBytes()",
        700_000,
        0,
        512_000,
        sweep,
        quantization);
  }

  private static LibraryResult.Quantization int8() {
    return new LibraryResult.Quantization(
        "int8 q=0.999 per-dim",
        8,
        132_000,
        2048,
        "heapBytes()",
        0.125,
        2,
        List.of(
            new OversampledSweep(
                1, List.of(new SweepPoint(10, 0.85, 30_000), new SweepPoint(20, 0.93, 15_000))),
            new OversampledSweep(
                2, List.of(new SweepPoint(10, 0.91, 25_000), new SweepPoint(20, 0.97, 12_000)))));
  }

  @Test
  void quantizedRowsGetTheirOwnTable() {
    String md =
        MarkdownReport.render(
            List.of(result("quiver", null), result("quiver-int8", int8())), "today", "cmd");
    int quantizedSection = md.indexOf("### Quantized indexes");
    assertTrue(quantizedSection > 0, md);
    String floatPart = md.substring(0, quantizedSection);
    String quantizedPart = md.substring(quantizedSection);
    assertTrue(floatPart.contains("| sift5k  | quiver  |"), floatPart);
    assertFalse(floatPart.contains("| quiver-int8"), "float table lists only float rows");
    // QPS@0.95 is best over the factors: x2 interpolates 25,000 -> 12,000 at 0.95: 16,333.
    assertTrue(quantizedPart.contains("16,333 (x2)"), quantizedPart);
    // Recall 0.99 is reached by neither factor.
    assertTrue(quantizedPart.contains("n/a"), quantizedPart);
    assertTrue(quantizedPart.contains("0.9700 (20, x2)"), quantizedPart);
    // Codes 132 + params 2 KiB (2 B/vec) + graph 22 B/vec in memory, quantization 0.125 s.
    assertTrue(hasCell(quantizedPart, "132"), quantizedPart);
    assertTrue(hasCell(quantizedPart, "2.0"), quantizedPart);
    assertTrue(hasCell(quantizedPart, "156"), quantizedPart);
    assertTrue(hasCell(quantizedPart, "0.125"), quantizedPart);
    assertTrue(hasCell(quantizedPart, "1,2"), quantizedPart);
    assertTrue(quantizedPart.contains("| quiver-int8 (25) | 2 |"), quantizedPart);
  }

  /** Whether a table cell (padded either side) holds exactly {@code value}. */
  private static boolean hasCell(String markdown, String value) {
    return java.util.regex.Pattern.compile("\\| +" + java.util.regex.Pattern.quote(value) + " +\\|")
        .matcher(markdown)
        .find();
  }

  @Test
  void aRunOfOnlyQuantizedRowsHasNoFloatTable() {
    String md = MarkdownReport.render(List.of(result("quiver-int8", int8())), "today", "cmd");
    assertFalse(md.contains("| max recall (ef) |"), md);
    assertTrue(md.contains("### Quantized indexes"));
  }

  @Test
  void quantizedResultsSurviveTheResultsFileAndOldLinesReadAsFloat() throws IOException {
    Path file = dir.resolve("r.jsonl");
    ResultStore store = new ResultStore(file);
    store.append(result("quiver-int8", int8()));
    store.append(result("quiver", null));
    // A line written before quantized rows existed has no "quantization" field at all.
    String old = Files.readAllLines(file).get(1).replace(",\"quantization\":null", "");
    assertFalse(old.contains("quantization"));
    Files.writeString(file, old + "\n", java.nio.file.StandardOpenOption.APPEND);

    List<LibraryResult> read = store.readAll();
    assertEquals(3, read.size());
    assertEquals(int8(), read.get(0).quantization());
    assertNull(read.get(1).quantization());
    assertNull(read.get(2).quantization());
    assertEquals(read.get(1), read.get(2));
  }
}
