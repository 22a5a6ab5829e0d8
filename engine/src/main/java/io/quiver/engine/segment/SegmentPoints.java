package io.quiver.engine.segment;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.filter.PointSource;
import io.quiver.engine.point.PointId;

/** A segment's points as a filter sees them, fixed at the size the segment had when created. */
public final class SegmentPoints implements PointSource {

  private final Segment segment;
  private final int size;

  public SegmentPoints(Segment segment) {
    this.segment = segment;
    this.size = segment.size();
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public PointId id(int offset) {
    return segment.pointId(offset);
  }

  @Override
  public ObjectNode payload(int offset) {
    return segment.payload(offset);
  }

  @Override
  public int offsetOf(PointId id) {
    int offset = segment.offsetOf(id);
    return offset < size ? offset : -1;
  }
}
