package io.quiver.engine.hnsw;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.quiver.engine.TestData;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NeighborQueueTest {

  @Test
  void sortableIntsKeepTheOrderOfFloats() {
    float[] values = {Float.NEGATIVE_INFINITY, -3.5f, -0f, 0f, 1e-30f, 2f, Float.MAX_VALUE};
    for (int i = 1; i < values.length; i++) {
      int a = NeighborQueue.sortableInt(values[i - 1]);
      int b = NeighborQueue.sortableInt(values[i]);
      assert a <= b : values[i - 1] + " vs " + values[i];
      assertEquals(values[i], NeighborQueue.fromSortableInt(b));
    }
  }

  @Test
  void boundedMinHeapKeepsTheBestScoresAndMaxHeapPopsBestFirst() {
    SplittableRandom random = new SplittableRandom(TestData.seed());
    float[] scores = new float[1000];
    NeighborQueue best = new NeighborQueue(4, false);
    NeighborQueue candidates = new NeighborQueue(4, true);
    for (int i = 0; i < scores.length; i++) {
      scores[i] = (float) random.nextGaussian();
      best.insertWithOverflow(i, scores[i], 10);
      candidates.add(i, scores[i]);
    }
    float[] sorted = scores.clone();
    Arrays.sort(sorted);
    for (int i = 0; i < 10; i++) {
      assertEquals(sorted[sorted.length - 10 + i], best.topScore());
      assertEquals(scores[best.topNode()], best.topScore());
      best.pop();
    }
    for (int i = 0; i < scores.length; i++) {
      assertEquals(sorted[sorted.length - 1 - i], candidates.topScore());
      candidates.pop();
    }
  }
}
