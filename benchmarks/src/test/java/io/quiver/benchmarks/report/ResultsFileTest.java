package io.quiver.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultsFileTest {

  @Test
  void appendsNewKeysAndReplacesExistingOnes() {
    String doc = "# Results\n\nintro\n";
    String once = ResultsFile.upsert(doc, "sift5k", "table A");
    String twice = ResultsFile.upsert(once, "gmm-20k-128", "table B");
    String replaced = ResultsFile.upsert(twice, "sift5k", "table C");
    assertEquals(
        "# Results\n\nintro\n\n"
            + "<!-- bench:begin sift5k -->\ntable C\n<!-- bench:end -->\n\n"
            + "<!-- bench:begin gmm-20k-128 -->\ntable B\n<!-- bench:end -->\n",
        replaced);
  }

  @Test
  void aQuantizedRunKeepsASectionApartFromTheFloatRunOfTheSameData() {
    List<String> data = List.of("gmm-200k-768");
    String floatKey = ResultsFile.harnessKey(data, false);
    String quantizedKey = ResultsFile.harnessKey(data, true);
    assertEquals("gmm-200k-768", floatKey);
    assertEquals("gmm-200k-768 quantized", quantizedKey);
    assertEquals("## gmm-200k-768: quantized indexes", ResultsFile.harnessTitle(data, true));
    String doc = ResultsFile.upsert("", floatKey, "float table");
    doc = ResultsFile.upsert(doc, quantizedKey, "quantized table");
    doc = ResultsFile.upsert(doc, quantizedKey, "quantized table, again");
    assertEquals(
        "<!-- bench:begin gmm-200k-768 -->\nfloat table\n<!-- bench:end -->\n\n"
            + "<!-- bench:begin gmm-200k-768 quantized -->\nquantized table, again\n"
            + "<!-- bench:end -->\n",
        doc);
  }
}
