package io.quiver.benchmarks.lib;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.benchmarks.data.Metric;
import org.junit.jupiter.api.Test;

class GraphCacheKeyTest {

  @Test
  void keyFollowsDataShapeMetricAndThreads() {
    float[][] a = {{1, 2, 3}, {4, 5, 6}};
    float[][] same = {{1, 2, 3}, {4, 5, 6}};
    float[][] changed = {{1, 2, 3}, {4, 5, 7}};
    String key = QuiverQuantizedLibrary.graphKey(a, Metric.L2, 2);
    assertEquals(key, QuiverQuantizedLibrary.graphKey(same, Metric.L2, 2));
    assertNotEquals(key, QuiverQuantizedLibrary.graphKey(changed, Metric.L2, 2));
    assertNotEquals(key, QuiverQuantizedLibrary.graphKey(a, Metric.DOT, 2));
    assertNotEquals(key, QuiverQuantizedLibrary.graphKey(a, Metric.L2, 1));
    assertTrue(key.contains("-2x3-l2-m16-efc100-t2"), key);
  }
}
