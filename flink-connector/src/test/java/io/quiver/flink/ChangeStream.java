package io.quiver.flink;

import java.util.HashMap;
import java.util.Map;

/**
 * A deterministic stream of versioned upserts and deletes over ids {@code [0, ids)}, and the state
 * it must leave: position {@code s} (0-based) is a pure function of {@code s}, so a replayed
 * position is the same write with the same version.
 *
 * <p>The stream runs in rounds; each round writes every id once, in an order that changes per
 * round. Most writes carry a version that grows with the position. Some are stale: they carry a
 * version older than every regular write of the stream (and so must never win), among them upserts
 * that follow a delete of their id (which must not bring the point back). The "early" ids (every
 * fifth) get their last regular write in the first half of the rounds and only stale writes
 * afterwards, so that a run failing in the second half has their final state from before the
 * failure.
 */
final class ChangeStream implements java.io.Serializable {

  static final int DIM = 4;

  final int ids;
  final int rounds;

  ChangeStream(int ids, int rounds) {
    this.ids = ids;
    this.rounds = rounds;
  }

  long size() {
    return (long) ids * rounds;
  }

  /** Positions before this one hold the early ids' last regular writes. */
  long earlyIdsDoneBy() {
    return (long) ids * (rounds / 2);
  }

  static boolean early(long id) {
    return id % 5 == 0;
  }

  long id(long s) {
    long round = s / ids;
    long slot = s % ids;
    return (slot * 617 + round * 101) % ids; // 617 is prime and divides no test's id count
  }

  private boolean stale(long s) {
    long round = s / ids;
    long id = id(s);
    return (round >= 1 && (id + round) % 11 == 5) || (round >= rounds / 2 && early(id));
  }

  /** Regular versions start above every stale one (4 * round + 2 < 4 * rounds + 4). */
  long version(long s) {
    return stale(s) ? 4 * (s / ids) + 2 : 4 * s + 4L * rounds + 4;
  }

  boolean isDelete(long s) {
    return !stale(s) && (id(s) + s / ids) % 7 == 3;
  }

  static float[] vector(long s, long id) {
    return new float[] {s, id, s % 7, 1};
  }

  QuiverRecord record(long s) {
    long id = id(s);
    return isDelete(s)
        ? QuiverRecord.delete(id, version(s))
        : QuiverRecord.upsert(id, vector(s, id), version(s)).withPayload(Map.of("s", s));
  }

  /** For each id, the position of its newest write (an upsert leaves the point, a delete not). */
  Map<Long, Long> finalWrites() {
    Map<Long, Long> newest = new HashMap<>();
    for (long s = 0; s < size(); s++) {
      long id = id(s);
      Long prev = newest.get(id);
      if (prev == null || Long.compareUnsigned(version(s), version(prev)) > 0) {
        newest.put(id, s);
      }
    }
    return newest;
  }

  /** Ids whose final write is a delete and that got a stale upsert after it. */
  int deletesFollowedByStaleUpserts() {
    Map<Long, Long> last = finalWrites();
    int n = 0;
    for (long id = 0; id < ids; id++) {
      long deletedAt = last.get(id);
      if (!isDelete(deletedAt)) {
        continue;
      }
      for (long s = deletedAt + 1; s < size(); s++) {
        if (id(s) == id && !isDelete(s)) {
          n++;
          break;
        }
      }
    }
    return n;
  }
}
