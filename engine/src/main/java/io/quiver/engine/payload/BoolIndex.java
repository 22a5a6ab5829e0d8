package io.quiver.engine.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.TreeMap;
import org.roaringbitmap.RoaringBitmap;

/** A {@code bool} index: two keys, false and true. */
final class BoolIndex extends FieldIndex<Boolean> {

  BoolIndex(JsonPath path) {
    super(path, new TreeMap<>());
  }

  @Override
  public FieldIndexKind kind() {
    return FieldIndexKind.BOOL;
  }

  @Override
  Boolean keyOf(JsonNode value) {
    return value.isBoolean() ? value.booleanValue() : null;
  }

  @Override
  public RoaringBitmap matchBool(boolean value) {
    return pointsOf(value);
  }
}
