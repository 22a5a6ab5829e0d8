package io.quiver.benchmarks.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quiver.benchmarks.data.Metric;
import org.junit.jupiter.api.Test;

class RecallTest {

  // On a line: the query sits at 0; points at 1, 2, 2 (a tie), 3.
  private static final float[][] BASE = {{1f}, {2f}, {2f}, {3f}, {-1f}};
  private static final float[] QUERY = {0f};

  @Test
  void tieWithTheKthNeighbourCountsAsHit() {
    // Ground truth lists ordinals 0 (at 1) and 4 (at -1, also distance 1), then 1 (at 2).
    int[] truth = {0, 4, 1, 2, 3};
    // Returning ordinal 2 instead of 1: same distance as the 3rd true neighbour, so still a hit.
    assertEquals(1.0, Recall.atK(Metric.L2, BASE, QUERY, truth, new int[] {0, 4, 2}, 3, 1e-6));
    // Ordinal 3 is farther than the 3rd true neighbour: a miss.
    assertEquals(
        2 / 3.0, Recall.atK(Metric.L2, BASE, QUERY, truth, new int[] {0, 4, 3}, 3, 1e-6), 1e-12);
  }

  @Test
  void duplicatesAndShortAnswersDoNotInflateRecall() {
    int[] truth = {0, 4, 1, 2, 3};
    assertEquals(
        1 / 3.0, Recall.atK(Metric.L2, BASE, QUERY, truth, new int[] {0, 0, 0}, 3, 1e-6), 1e-12);
    assertEquals(
        2 / 3.0, Recall.atK(Metric.L2, BASE, QUERY, truth, new int[] {0, 4}, 3, 1e-6), 1e-12);
  }

  @Test
  void onlyTheFirstKAnswersCount() {
    int[] truth = {0, 4, 1, 2, 3};
    // The hit at position 3 is beyond k = 2.
    assertEquals(0.5, Recall.atK(Metric.L2, BASE, QUERY, truth, new int[] {0, 3, 4}, 2, 1e-6));
  }

  @Test
  void innerProductUsesLargerIsCloser() {
    float[][] base = {{3f}, {2f}, {2f}, {1f}};
    float[] q = {1f};
    int[] truth = {0, 1, 2, 3};
    assertEquals(1.0, Recall.atK(Metric.DOT, base, q, truth, new int[] {0, 2}, 2, 1e-6));
    assertEquals(0.5, Recall.atK(Metric.DOT, base, q, truth, new int[] {0, 3}, 2, 1e-6));
  }
}
