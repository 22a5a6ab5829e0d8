package io.quiver.benchmarks.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;

class OversampledSweepTest {

  private static OversampledSweep sweep(double oversampling, double... recallQps) {
    List<SweepPoint> points = new java.util.ArrayList<>();
    for (int i = 0; i < recallQps.length; i += 2) {
      points.add(new SweepPoint(10 << i, recallQps[i], recallQps[i + 1]));
    }
    return new OversampledSweep(oversampling, points);
  }

  @Test
  void picksTheHighestQpsAtTheTarget() {
    OversampledSweep one = sweep(1, 0.80, 10_000, 0.94, 5_000, 0.96, 3_000); // 4,000 at 0.95
    OversampledSweep two = sweep(2, 0.90, 9_000, 0.97, 6_000); // ~6,857 at 0.95
    OversampledSweep three = sweep(3, 0.96, 5_000, 0.99, 2_000); // 5,000 (lower bound)
    assertEquals(two, OversampledSweep.best(List.of(one, two, three), 0.95));
  }

  @Test
  void aSweepThatReachesTheTargetBeatsOneThatDoesNot() {
    OversampledSweep fast = sweep(1, 0.90, 50_000, 0.93, 40_000);
    OversampledSweep slow = sweep(5, 0.95, 1_000);
    assertEquals(slow, OversampledSweep.best(List.of(fast, slow), 0.95));
  }

  @Test
  void withoutTheTargetTheHighestRecallWins() {
    OversampledSweep low = sweep(1, 0.80, 50_000, 0.85, 40_000);
    OversampledSweep high = sweep(2, 0.88, 20_000, 0.90, 10_000);
    assertEquals(high, OversampledSweep.best(List.of(low, high), 0.95));
  }

  @Test
  void tiesGoToTheSmallerFactor() {
    OversampledSweep a = sweep(1, 0.96, 8_000);
    OversampledSweep b = sweep(2, 0.96, 8_000);
    assertEquals(a, OversampledSweep.best(List.of(a, b), 0.95));
  }

  @Test
  void nothingToChooseFromIsAnError() {
    assertThrows(IllegalArgumentException.class, () -> OversampledSweep.best(List.of(), 0.95));
  }
}
