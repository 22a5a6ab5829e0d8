package io.quiver.benchmarks.measure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class QpsAtRecallTest {

  private static final List<SweepPoint> SWEEP =
      List.of(
          new SweepPoint(10, 0.80, 10_000),
          new SweepPoint(20, 0.90, 6_000),
          new SweepPoint(40, 0.98, 2_000));

  @Test
  void interpolatesLinearlyBetweenTheBracketingPoints() {
    assertEquals(8_000, QpsAtRecall.at(SWEEP, 0.85), 1e-6);
    assertEquals(4_000, QpsAtRecall.at(SWEEP, 0.94), 1e-6);
  }

  @Test
  void exactHitReturnsThatPointsQps() {
    assertEquals(6_000, QpsAtRecall.at(SWEEP, 0.90), 1e-6);
  }

  @Test
  void targetBelowTheFirstPointUsesTheFirstPoint() {
    assertEquals(10_000, QpsAtRecall.at(SWEEP, 0.5), 1e-6);
  }

  @Test
  void unreachedTargetIsNaN() {
    assertTrue(Double.isNaN(QpsAtRecall.at(SWEEP, 0.99)));
  }

  @Test
  void nonMonotoneRecallUsesTheFirstCrossing() {
    List<SweepPoint> sweep =
        List.of(
            new SweepPoint(10, 0.91, 9_000),
            new SweepPoint(20, 0.89, 7_000),
            new SweepPoint(40, 0.95, 3_000));
    assertEquals(9_000, QpsAtRecall.at(sweep, 0.90), 1e-6);
  }
}
