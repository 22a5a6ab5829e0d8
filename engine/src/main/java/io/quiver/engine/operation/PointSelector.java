package io.quiver.engine.operation;

import io.quiver.engine.point.PointId;
import java.util.List;

/** Which points an operation touches: a list of ids (later: or a filter). */
public sealed interface PointSelector permits PointSelector.Ids {

  /** The points with these ids; ids the shard does not hold are skipped. */
  record Ids(List<PointId> ids) implements PointSelector {
    public Ids {
      ids = List.copyOf(ids);
    }
  }

  static PointSelector ids(List<PointId> ids) {
    return new Ids(ids);
  }
}
