package io.quiver.engine.filter;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.quiver.engine.point.PointId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** An in-memory {@link PointSource}. */
final class TestPoints implements PointSource {

  final List<PointId> ids = new ArrayList<>();
  final List<ObjectNode> payloads = new ArrayList<>();
  private final Map<PointId, Integer> offsets = new HashMap<>();

  int add(PointId id, ObjectNode payload) {
    offsets.put(id, ids.size());
    ids.add(id);
    payloads.add(payload);
    return ids.size() - 1;
  }

  @Override
  public int size() {
    return ids.size();
  }

  @Override
  public PointId id(int offset) {
    return ids.get(offset);
  }

  @Override
  public ObjectNode payload(int offset) {
    return payloads.get(offset);
  }

  @Override
  public int offsetOf(PointId id) {
    Integer offset = offsets.get(id);
    return offset == null ? -1 : offset;
  }
}
