package io.quiver.benchmarks.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
}
