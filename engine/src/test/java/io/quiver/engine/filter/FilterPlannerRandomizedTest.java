package io.quiver.engine.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.TestData;
import io.quiver.engine.payload.FieldIndexKind;
import io.quiver.engine.payload.JsonPath;
import io.quiver.engine.payload.PayloadIndexes;
import io.quiver.engine.point.PointId;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.roaringbitmap.RoaringBitmap;

/**
 * The planner against the reference evaluator: seeded payloads and filters, every point checked,
 * with no indexes, some, all, indexes maintained through removes and re-adds, and indexes read back
 * from files. Re-run a failure with {@code -Dtests.seed=N}.
 */
class FilterPlannerRandomizedTest {

  private static final int POINTS = 240;
  private static final int FILTERS = 250;

  private static final Object[][] INDEXED = {
    {"kw", FieldIndexKind.KEYWORD},
    {"obj.b", FieldIndexKind.KEYWORD},
    {"items[].y", FieldIndexKind.KEYWORD},
    {"obj.tags", FieldIndexKind.KEYWORD},
    {"items[0].y", FieldIndexKind.KEYWORD},
    {"uid", FieldIndexKind.KEYWORD},
    {"uid", FieldIndexKind.UUID},
    {"num", FieldIndexKind.INTEGER},
    {"num", FieldIndexKind.FLOAT},
    {"obj.a", FieldIndexKind.FLOAT},
    {"items[].x", FieldIndexKind.INTEGER},
    {"items[].z", FieldIndexKind.FLOAT},
    {"kw", FieldIndexKind.INTEGER},
    {"flag", FieldIndexKind.BOOL},
    {"ts", FieldIndexKind.DATETIME},
    {"kw", FieldIndexKind.DATETIME},
    {"items", FieldIndexKind.KEYWORD},
    {"obj", FieldIndexKind.BOOL},
  };

  @TempDir Path dir;

  @Test
  void withoutIndexes() {
    long seed = TestData.seed();
    TestPoints points = points(new RandomPayloads(seed));
    check(seed, points, new PayloadIndexes(), new RandomPayloads(seed + 1));
  }

  @Test
  void withAllIndexes() {
    long seed = TestData.seed() + 100;
    TestPoints points = points(new RandomPayloads(seed));
    check(seed, points, indexes(points, 1.0, seed), new RandomPayloads(seed + 1));
  }

  @Test
  void withSomeIndexes() {
    for (int round = 0; round < 3; round++) {
      long seed = TestData.seed() + 200 + round;
      TestPoints points = points(new RandomPayloads(seed));
      check(seed, points, indexes(points, 0.5, seed), new RandomPayloads(seed + 1));
    }
  }

  @Test
  void withIndexesUpdatedIncrementally() {
    long seed = TestData.seed() + 300;
    RandomPayloads random = new RandomPayloads(seed);
    TestPoints points = new TestPoints();
    PayloadIndexes indexes = indexes(points, 1.0, seed); // empty segment: indexes start empty
    for (int i = 0; i < POINTS; i++) {
      ObjectNode payload = random.payload();
      int offset = points.add(id(i), payload);
      indexes.add(offset, payload);
    }
    SplittableRandom changes = new SplittableRandom(seed);
    for (int round = 0; round < 3; round++) {
      for (int offset = 0; offset < POINTS; offset++) {
        int roll = changes.nextInt(10);
        if (roll < 2) {
          indexes.remove(offset);
          ObjectNode payload = random.payload();
          points.payloads.set(offset, payload);
          indexes.add(offset, payload);
        } else if (roll < 3) {
          ObjectNode payload = random.payload();
          points.payloads.set(offset, payload);
          indexes.add(offset, payload); // add replaces
        } else if (roll < 4) {
          indexes.remove(offset);
          points.payloads.set(offset, null);
        }
      }
    }
    check(seed, points, indexes, new RandomPayloads(seed + 1));
  }

  @Test
  void withIndexesReadFromFiles() throws IOException {
    long seed = TestData.seed() + 400;
    RandomPayloads random = new RandomPayloads(seed);
    TestPoints points = points(random);
    byte[] segmentId = new byte[16];
    indexes(points, 1.0, seed).writeAll(dir, segmentId);
    PayloadIndexes read = PayloadIndexes.readAll(dir, segmentId);
    // Read indexes stay updatable.
    for (int offset = 0; offset < POINTS; offset += 7) {
      ObjectNode payload = random.payload();
      points.payloads.set(offset, payload);
      read.add(offset, payload);
    }
    check(seed, points, read, new RandomPayloads(seed + 1));
  }

  private static void check(
      long seed, TestPoints points, PayloadIndexes indexes, RandomPayloads r) {
    int exactPlans = 0;
    for (int f = 0; f < FILTERS; f++) {
      Filter filter = r.filter(2, points.ids, false);
      String where = "seed=" + seed + " filter #" + f + " " + filter.toJson();
      assertEquals(filter, FilterParser.parse(filter.toJson()), "round trip, " + where);
      FilterPlan plan = FilterPlanner.plan(filter, points, indexes);
      RoaringBitmap candidates = plan.candidates();
      exactPlans += candidates == null ? 0 : 1;
      int count = 0;
      for (int offset = 0; offset < points.size(); offset++) {
        boolean expected =
            FilterEvaluator.matches(filter, points.id(offset), points.payload(offset));
        count += expected ? 1 : 0;
        if (plan.test(offset) != expected) {
          fail(
              "test("
                  + offset
                  + ") != "
                  + expected
                  + ", payload "
                  + points.payload(offset)
                  + ", "
                  + where);
        }
        if (candidates != null && candidates.contains(offset) != expected) {
          fail(
              "candidates("
                  + offset
                  + ") != "
                  + expected
                  + ", payload "
                  + points.payload(offset)
                  + ", "
                  + where);
        }
      }
      Cardinality estimate = plan.estimate();
      assertTrue(
          estimate.min() <= count && count <= estimate.max(),
          "estimate " + estimate + " does not bracket " + count + ", " + where);
    }
    if (!indexes.isEmpty()) {
      assertTrue(exactPlans > FILTERS / 20, "only " + exactPlans + " exact plans, seed=" + seed);
    }
  }

  private static TestPoints points(RandomPayloads random) {
    TestPoints points = new TestPoints();
    for (int i = 0; i < POINTS; i++) {
      points.add(id(i), random.payload());
    }
    return points;
  }

  private static PointId id(int i) {
    return i % 3 == 0 ? PointId.of(new UUID(i, i * 31L)) : PointId.of(i * 3L);
  }

  private static PayloadIndexes indexes(TestPoints points, double fraction, long seed) {
    SplittableRandom random = new SplittableRandom(seed ^ 0x1DE);
    PayloadIndexes indexes = new PayloadIndexes();
    List<Object[]> chosen = new ArrayList<>();
    for (Object[] entry : INDEXED) {
      if (random.nextDouble() < fraction) {
        chosen.add(entry);
      }
    }
    for (Object[] entry : chosen) {
      indexes.create(
          JsonPath.parse((String) entry[0]),
          (FieldIndexKind) entry[1],
          points.size(),
          points::payload);
    }
    return indexes;
  }
}
