package io.quiver.engine.shard;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.OptimizerParams;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.operation.PointSelector;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.vector.VectorSimilarity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versioned upserts and deletes on a shard: the stale rule, tombstones, plain writes beside them,
 * and a seeded random interleaving checked against a plain model across checkpoints, WAL replay,
 * restarts and optimizer merges.
 */
class VersionedWritesTest {

  private static final int DIM = 4;
  @TempDir Path tmp;

  private static CollectionConfig config() {
    return CollectionConfig.of(VectorParams.of(DIM, VectorSimilarity.EUCLID));
  }

  /** A vector that says which write put it there. */
  private static float[] vector(long id, long write) {
    return new float[] {id, write, 1, -1};
  }

  private static Point point(long id, long write) {
    return Point.of(PointId.of(id), vector(id, write), null);
  }

  private static VersionedWrite upsert(LocalShard shard, long id, long write, long version)
      throws IOException {
    return shard.submitVersioned(
        new Operation.VersionedUpsert(List.of(point(id, write)), new long[] {version}), true);
  }

  private static VersionedWrite delete(LocalShard shard, long id, long version) throws IOException {
    return shard.submitVersioned(
        new Operation.VersionedDelete(List.of(PointId.of(id)), new long[] {version}), true);
  }

  /** The write that put the live point {@code id} there, or -1 if there is none. */
  private static long writeOf(LocalShard shard, long id) {
    List<PointRecord> found = shard.retrieve(List.of(PointId.of(id)), false, true);
    return found.isEmpty() ? -1 : (long) found.get(0).vectors().get("")[1];
  }

  private static void assertResult(int applied, int stale, VersionedWrite result) {
    assertEquals(applied, result.applied(), "applied in " + result);
    assertEquals(stale, result.stale(), "stale in " + result);
  }

  @Test
  void anUpsertNotNewerThanTheStoredVersionIsStale() throws IOException {
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(), true)) {
      assertResult(1, 0, upsert(shard, 1, 100, 5));
      assertResult(0, 1, upsert(shard, 1, 101, 5)); // the same version: a replay
      assertResult(0, 1, upsert(shard, 1, 102, 4));
      assertEquals(100, writeOf(shard, 1));
      assertResult(1, 0, upsert(shard, 1, 103, 6));
      assertEquals(103, writeOf(shard, 1));
      assertEquals(OptionalLong.of(6), shard.externalVersion(PointId.of(1)));
      assertEquals(1, shard.count());
    }
  }

  @Test
  void aDeleteNotNewerThanTheStoredVersionIsStale() throws IOException {
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(), true)) {
      upsert(shard, 1, 100, 5);
      assertResult(0, 1, delete(shard, 1, 4));
      assertResult(0, 1, delete(shard, 1, 5));
      assertEquals(100, writeOf(shard, 1));
      assertResult(1, 0, delete(shard, 1, 6));
      assertEquals(-1, writeOf(shard, 1));
      assertEquals(0, shard.count());
    }
  }

  @Test
  void aTombstoneKeepsOlderUpsertsOutAndANewerOneBringsThePointBack() throws IOException {
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(), true)) {
      upsert(shard, 1, 100, 5);
      assertResult(1, 0, delete(shard, 1, 10));
      assertResult(1, 0, delete(shard, 2, 10)); // never written: the tombstone alone
      assertResult(0, 1, upsert(shard, 1, 101, 9));
      assertResult(0, 1, upsert(shard, 2, 102, 10));
      assertEquals(0, shard.count());
      assertEquals(OptionalLong.of(10), shard.externalVersion(PointId.of(2)));
      assertResult(1, 0, upsert(shard, 1, 103, 11));
      assertEquals(103, writeOf(shard, 1));
      assertEquals(1, shard.count());
    }
  }

  @Test
  void versionsCompareUnsignedAndABatchSeesItsOwnEarlierPoints() throws IOException {
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(), true)) {
      assertResult(1, 0, upsert(shard, 1, 100, Long.MAX_VALUE));
      assertResult(1, 0, upsert(shard, 1, 101, Long.MIN_VALUE)); // 2^63 > 2^63 - 1
      assertResult(1, 0, upsert(shard, 1, 102, -1L)); // 2^64 - 1, the newest there is
      assertResult(0, 1, upsert(shard, 1, 103, Long.MIN_VALUE));
      assertEquals(102, writeOf(shard, 1));
      VersionedWrite batch =
          shard.submitVersioned(
              new Operation.VersionedUpsert(
                  List.of(point(2, 200), point(2, 201), point(2, 202), point(3, 300)),
                  new long[] {7, 6, 8, 0}),
              false);
      assertResult(3, 1, batch);
      assertEquals(202, writeOf(shard, 2));
      assertEquals(300, writeOf(shard, 3)); // version 0 on an id without one is applied
    }
  }

  @Test
  void plainWritesLeaveTheStoredVersionsAlone() throws IOException {
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(), true)) {
      upsert(shard, 1, 100, 5);
      shard.submit(new Operation.Upsert(List.of(point(1, 101))), true);
      assertEquals(101, writeOf(shard, 1));
      assertEquals(OptionalLong.of(5), shard.externalVersion(PointId.of(1)));
      assertResult(0, 1, upsert(shard, 1, 102, 5));
      shard.submit(new Operation.DeletePoints(PointSelector.ids(List.of(PointId.of(1)))), true);
      assertEquals(OptionalLong.of(5), shard.externalVersion(PointId.of(1)));
      assertResult(0, 1, upsert(shard, 1, 103, 4)); // the entry acts as a tombstone now
      assertResult(1, 0, upsert(shard, 1, 104, 6));
      assertEquals(104, writeOf(shard, 1));
      // A plain write of an id without a version does not give it one.
      shard.submit(new Operation.Upsert(List.of(point(9, 900))), true);
      assertEquals(OptionalLong.empty(), shard.externalVersion(PointId.of(9)));
      assertResult(1, 0, upsert(shard, 9, 901, 0));
    }
  }

  @Test
  void purgeDropsOnlyTombstonesAtOrBelowTheVersion() throws IOException {
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(), true)) {
      upsert(shard, 1, 100, 3); // live: kept whatever its version
      delete(shard, 2, 4);
      delete(shard, 3, 9);
      delete(shard, 4, -1L); // 2^64 - 1: above any positive bound
      assertEquals(4, shard.externalVersionCount());
      shard.submit(new Operation.PurgeTombstones(5), true);
      assertEquals(3, shard.externalVersionCount());
      assertEquals(OptionalLong.empty(), shard.externalVersion(PointId.of(2)));
      assertEquals(OptionalLong.of(3), shard.externalVersion(PointId.of(1)));
      assertResult(1, 0, upsert(shard, 2, 200, 1)); // no tombstone left to stop it
      assertResult(0, 1, upsert(shard, 3, 300, 8));
      shard.submit(new Operation.PurgeTombstones(-1L), true);
      assertEquals(2, shard.externalVersionCount()); // ids 1 and 2 are live
    }
  }

  /**
   * Seeded random versioned and plain writes on a small id space, against a model: every write's
   * applied and stale counts, and after each checkpoint, restart (WAL replay after the checkpoint)
   * and merge, every point and every stored version. The optimizer indexes, merges and checkpoints
   * both in the background, racing the writes, and on demand.
   */
  @Test
  void randomInterleavingsMatchAPlainModelAcrossCheckpointsRestartsAndMerges() throws IOException {
    long seed = TestData.seed();
    String context = "seed " + seed + " (-Dtests.seed=" + seed + ")";
    SplittableRandom random = new SplittableRandom(seed);
    CollectionConfig config =
        CollectionConfig.of(VectorParams.of(DIM, VectorSimilarity.EUCLID))
            .withOptimizer(new OptimizerParams(1, 0.1, 10, 2, 200_000_000, 1, 1)); // tiny segments
    Path dir = tmp.resolve("s");
    Model model = new Model();
    LocalShard shard = LocalShard.open(dir, config, true);
    int restarts = 0;
    try {
      long write = 0;
      for (int step = 0; step < 2_000; step++) {
        int choice = random.nextInt(100);
        if (choice < 45) {
          int n = 1 + random.nextInt(4);
          List<Point> points = new ArrayList<>();
          long[] versions = new long[n];
          for (int i = 0; i < n; i++) {
            points.add(point(randomId(random), ++write));
            versions[i] = randomVersion(random);
          }
          VersionedWrite got =
              shard.submitVersioned(
                  new Operation.VersionedUpsert(points, versions), random.nextBoolean());
          int stale = model.upsert(points, versions);
          assertEquals(stale, got.stale(), context + " step " + step);
          assertEquals(n - stale, got.applied(), context + " step " + step);
        } else if (choice < 75) {
          int n = 1 + random.nextInt(3);
          List<PointId> ids = new ArrayList<>();
          long[] versions = new long[n];
          for (int i = 0; i < n; i++) {
            ids.add(PointId.of(randomId(random)));
            versions[i] = randomVersion(random);
          }
          VersionedWrite got =
              shard.submitVersioned(new Operation.VersionedDelete(ids, versions), false);
          assertEquals(model.delete(ids, versions), got.stale(), context + " step " + step);
        } else if (choice < 82) {
          Point p = point(randomId(random), ++write);
          shard.submit(new Operation.Upsert(List.of(p)), false);
          model.live.put(p.id(), (long) p.vector("")[1]);
        } else if (choice < 86) {
          PointId id = PointId.of(randomId(random));
          shard.submit(new Operation.DeletePoints(PointSelector.ids(List.of(id))), false);
          model.live.remove(id);
        } else if (choice < 87) {
          long upTo = randomVersion(random);
          shard.submit(new Operation.PurgeTombstones(upTo), false);
          model.purge(upTo);
        } else if (choice < 92) {
          shard.optimizer().runOnce(random.nextBoolean());
        } else if (choice < 94) {
          shard.optimizer().optimizeFully();
          model.check(shard, context + " after optimizing at step " + step);
        } else if (choice < 97) {
          if (random.nextBoolean()) {
            shard.optimizer().start(); // races the writes until the next restart
          }
        } else {
          shard.close();
          shard = LocalShard.open(dir, config, true);
          restarts++;
          model.check(shard, context + " after restart " + restarts + " at step " + step);
        }
      }
      model.check(shard, context + " at the end");
      shard.close();
      shard = LocalShard.open(dir, config, true);
      model.check(shard, context + " reopened at the end");
      assertTrue(restarts > 10, context + ": " + restarts + " restarts");
      assertTrue(model.versions.size() > 50, context + ": " + model.versions.size() + " versions");
      try (Stream<Path> files = Files.list(dir)) {
        assertTrue(
            files.filter(f -> f.getFileName().toString().startsWith("versions-")).count() <= 1,
            context + ": stale version table files left behind");
      }
    } finally {
      shard.close();
    }
  }

  /** Numeric ids, few enough to collide often (UUIDs: {@link #uuidIdsHaveVersionsOfTheirOwn}). */
  private static long randomId(SplittableRandom random) {
    return random.nextInt(120);
  }

  /** Versions from a narrow window, so that stale and newer writes both happen a lot. */
  private static long randomVersion(SplittableRandom random) {
    int r = random.nextInt(40);
    return r == 0 ? -1L - random.nextInt(3) : r; // now and then near 2^64
  }

  /** What the shard must hold: live points (by the write that put them) and stored versions. */
  private static final class Model {
    final Map<PointId, Long> live = new HashMap<>();
    final Map<PointId, Long> versions = new HashMap<>();

    int upsert(List<Point> points, long[] v) {
      int stale = 0;
      for (int i = 0; i < points.size(); i++) {
        PointId id = points.get(i).id();
        if (isStale(id, v[i])) {
          stale++;
        } else {
          live.put(id, (long) points.get(i).vector("")[1]);
          versions.put(id, v[i]);
        }
      }
      return stale;
    }

    int delete(List<PointId> ids, long[] v) {
      int stale = 0;
      for (int i = 0; i < ids.size(); i++) {
        if (isStale(ids.get(i), v[i])) {
          stale++;
        } else {
          live.remove(ids.get(i));
          versions.put(ids.get(i), v[i]);
        }
      }
      return stale;
    }

    void purge(long upTo) {
      versions
          .entrySet()
          .removeIf(
              e -> Long.compareUnsigned(e.getValue(), upTo) <= 0 && !live.containsKey(e.getKey()));
    }

    private boolean isStale(PointId id, long version) {
      Long stored = versions.get(id);
      return stored != null && Long.compareUnsigned(stored, version) >= 0;
    }

    void check(LocalShard shard, String context) {
      assertEquals(live.size(), shard.count(), context + ": count");
      assertEquals(versions.size(), shard.externalVersionCount(), context + ": versions");
      for (int i = 0; i < 120; i++) {
        PointId id = PointId.of(i);
        assertEquals(live.getOrDefault(id, -1L), writeOf(shard, i), context + ": point " + id);
        Long v = versions.get(id);
        assertEquals(
            v == null ? OptionalLong.empty() : OptionalLong.of(v),
            shard.externalVersion(id),
            context + ": version of " + id);
      }
    }
  }

  /**
   * The optimizer checkpoints at the sequence it froze the mutable segment at, while writes after
   * it are applied already: the version table on disk must be the one as of that sequence, or the
   * replay after it would find its own versions stored and skip its writes as stale.
   */
  @Test
  void aCheckpointBehindTheLastWriteHoldsTheVersionsAsOfItsSequence() throws IOException {
    Path dir = tmp.resolve("s");
    try (LocalShard shard = LocalShard.open(dir, config(), true)) {
      for (long id = 1; id <= 4; id++) {
        upsert(shard, id, 100 + id, 5);
      }
      shard.optimizer().optimizeFully(); // all in an immutable segment, checkpointed
      assertResult(1, 0, delete(shard, 1, 6));
      long behind = delete(shard, 2, 6).sequence();
      // After the checkpoint sequence: a delete (kept apart by the deleted-points file) and
      // upserts into the mutable segment, which the checkpoint does not hold.
      assertResult(1, 0, delete(shard, 3, 6));
      assertResult(1, 0, upsert(shard, 4, 200, 6));
      assertResult(1, 0, upsert(shard, 5, 201, 1));
      synchronized (shard.writeMutex()) {
        shard.checkpoint(behind);
      }
    }
    try (LocalShard shard = LocalShard.open(dir, config(), true)) {
      assertEquals(List.of(-1L, -1L, -1L, 200L, 201L), writesOf(shard, 1, 5));
      assertEquals(OptionalLong.of(6), shard.externalVersion(PointId.of(3)));
      assertEquals(OptionalLong.of(1), shard.externalVersion(PointId.of(5)));
      assertResult(0, 1, upsert(shard, 3, 300, 6));
      assertResult(0, 1, upsert(shard, 4, 301, 6));
    }
  }

  private static List<Long> writesOf(LocalShard shard, long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long id = from; id <= to; id++) {
      out.add(writeOf(shard, id));
    }
    return out;
  }

  @Test
  void uuidIdsHaveVersionsOfTheirOwn() throws IOException {
    PointId a = PointId.of(UUID.fromString("00000000-0000-0000-0000-000000000001"));
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(), true)) {
      shard.submitVersioned(
          new Operation.VersionedUpsert(List.of(Point.of(a, vector(1, 1), null)), new long[] {5}),
          true);
      assertEquals(OptionalLong.of(5), shard.externalVersion(a));
      assertEquals(OptionalLong.empty(), shard.externalVersion(PointId.of(1)));
      assertResult(1, 0, upsert(shard, 1, 2, 1)); // numeric id 1 is another point
    }
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config(), true)) {
      assertEquals(OptionalLong.of(5), shard.externalVersion(a));
      assertArrayEquals(
          vector(1, 1), shard.retrieve(List.of(a), false, true).get(0).vectors().get(""));
    }
  }
}
