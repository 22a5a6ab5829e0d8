package io.quiver.engine.operation;

import io.quiver.engine.filter.Filter;
import io.quiver.engine.point.PointId;
import java.util.List;
import java.util.Objects;

/** Which points an operation touches: a list of ids, or every point a filter matches. */
public sealed interface PointSelector permits PointSelector.Ids, PointSelector.ByFilter {

  /** The points with these ids; ids the shard does not hold are skipped. */
  record Ids(List<PointId> ids) implements PointSelector {
    public Ids {
      ids = List.copyOf(ids);
    }
  }

  /** The live points matching {@code filter} when the operation is applied. */
  record ByFilter(Filter filter) implements PointSelector {
    public ByFilter {
      Objects.requireNonNull(filter, "filter");
    }
  }

  static PointSelector filter(Filter filter) {
    return new ByFilter(filter);
  }

  static PointSelector ids(List<PointId> ids) {
    return new Ids(ids);
  }
}
