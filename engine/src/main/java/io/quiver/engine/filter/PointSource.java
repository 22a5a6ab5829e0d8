package io.quiver.engine.filter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.point.PointId;

/** The points of one segment, by internal offset {@code 0 .. size() - 1}, as a filter sees them. */
public interface PointSource {

  int size();

  PointId id(int offset);

  /** The point's payload; null for a point without one. */
  ObjectNode payload(int offset);

  /** The offset of {@code id}, or -1 if the segment does not hold it. */
  int offsetOf(PointId id);
}
