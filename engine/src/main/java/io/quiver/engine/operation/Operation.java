package io.quiver.engine.operation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A change to a shard. Operations are plain values: the same sequence of operations applied to two
 * replicas gives the same shard, so they can travel through the shard's own WAL or a Raft log.
 */
public sealed interface Operation
    permits Operation.Upsert,
        Operation.DeletePoints,
        Operation.SetPayload,
        Operation.OverwritePayload,
        Operation.DeletePayload,
        Operation.ClearPayload,
        Operation.CreateFieldIndex,
        Operation.DeleteFieldIndex,
        Operation.Versioned,
        Operation.PurgeTombstones {

  /** Inserts the points, replacing any with the same id. */
  record Upsert(List<Point> points) implements Operation {
    public Upsert {
      points = List.copyOf(points);
    }
  }

  record DeletePoints(PointSelector selector) implements Operation {
    public DeletePoints {
      Objects.requireNonNull(selector, "selector");
    }
  }

  /**
   * Merges {@code payload}'s keys into each selected point's payload; with a {@code key} path, into
   * the object at that path (created when missing), as Qdrant's set-payload {@code key}.
   */
  record SetPayload(PointSelector selector, ObjectNode payload, String key) implements Operation {
    public SetPayload {
      Objects.requireNonNull(selector, "selector");
      Objects.requireNonNull(payload, "payload");
    }
  }

  /** Replaces each selected point's payload with {@code payload}. */
  record OverwritePayload(PointSelector selector, ObjectNode payload) implements Operation {
    public OverwritePayload {
      Objects.requireNonNull(selector, "selector");
      Objects.requireNonNull(payload, "payload");
    }
  }

  /** Removes the given key paths from each selected point's payload. */
  record DeletePayload(PointSelector selector, List<String> keys) implements Operation {
    public DeletePayload {
      Objects.requireNonNull(selector, "selector");
      keys = List.copyOf(keys);
    }
  }

  record ClearPayload(PointSelector selector) implements Operation {
    public ClearPayload {
      Objects.requireNonNull(selector, "selector");
    }
  }

  /** Creates a payload index on {@code key} of Qdrant field schema {@code schema}. */
  record CreateFieldIndex(String key, String schema) implements Operation {
    public CreateFieldIndex {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(schema, "schema");
    }
  }

  record DeleteFieldIndex(String key) implements Operation {
    public DeleteFieldIndex {
      Objects.requireNonNull(key, "key");
    }
  }

  /**
   * A write that carries the writer's version of each point (an unsigned 64-bit number: a source
   * offset, a timestamp): the shard keeps the last version it applied per id and skips a point
   * whose stored version is the same or newer, so replaying older writes is harmless. Plain
   * operations neither read nor change the stored versions.
   */
  sealed interface Versioned extends Operation permits VersionedUpsert, VersionedDelete {

    /** How many points the write carries. */
    int size();

    /** The id of the {@code i}-th point. */
    PointId id(int i);

    /** The version of the {@code i}-th point, unsigned. */
    long version(int i);
  }

  /**
   * Inserts or replaces each point whose stored version is older than {@code versions[i]} (compared
   * unsigned), and records that version; points of the same id later in the list see the versions
   * recorded by earlier ones.
   */
  record VersionedUpsert(List<Point> points, long[] versions) implements Versioned {
    public VersionedUpsert {
      points = List.copyOf(points);
      versions = versions.clone();
      if (versions.length != points.size()) {
        throw new IllegalArgumentException(
            "versions has " + versions.length + " entries; points has " + points.size());
      }
    }

    /** A copy of the versions. */
    @Override
    public long[] versions() {
      return versions.clone();
    }

    @Override
    public int size() {
      return points.size();
    }

    @Override
    public PointId id(int i) {
      return points.get(i).id();
    }

    @Override
    public long version(int i) {
      return versions[i];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof VersionedUpsert u
          && u.points.equals(points)
          && Arrays.equals(u.versions, versions);
    }

    @Override
    public int hashCode() {
      return 31 * points.hashCode() + Arrays.hashCode(versions);
    }

    @Override
    public String toString() {
      return "VersionedUpsert[" + points.size() + " points]";
    }
  }

  /**
   * Deletes each id whose stored version is older than {@code versions[i]} (compared unsigned) and
   * records that version, live point or not: the entry left for an id without a live point is its
   * tombstone, which keeps an older upsert arriving later from bringing the point back.
   */
  record VersionedDelete(List<PointId> ids, long[] versions) implements Versioned {
    public VersionedDelete {
      ids = List.copyOf(ids);
      versions = versions.clone();
      if (versions.length != ids.size()) {
        throw new IllegalArgumentException(
            "versions has " + versions.length + " entries; ids has " + ids.size());
      }
    }

    /** A copy of the versions. */
    @Override
    public long[] versions() {
      return versions.clone();
    }

    @Override
    public int size() {
      return ids.size();
    }

    @Override
    public PointId id(int i) {
      return ids.get(i);
    }

    @Override
    public long version(int i) {
      return versions[i];
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof VersionedDelete d
          && d.ids.equals(ids)
          && Arrays.equals(d.versions, versions);
    }

    @Override
    public int hashCode() {
      return 31 * ids.hashCode() + Arrays.hashCode(versions);
    }

    @Override
    public String toString() {
      return "VersionedDelete[" + ids.size() + " ids]";
    }
  }

  /**
   * Drops the tombstones (stored versions of ids without a live point) whose version is at most
   * {@code upToVersion}, compared unsigned: the caller's promise that no write of those ids at or
   * below that version will arrive again. Versions of live points are kept.
   */
  record PurgeTombstones(long upToVersion) implements Operation {}
}
