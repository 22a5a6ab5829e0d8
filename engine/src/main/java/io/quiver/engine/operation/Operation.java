package io.quiver.engine.operation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.point.Point;
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
        Operation.DeleteFieldIndex {

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
}
