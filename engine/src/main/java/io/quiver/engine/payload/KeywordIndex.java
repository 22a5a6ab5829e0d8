package io.quiver.engine.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collection;
import java.util.HashMap;
import org.roaringbitmap.RoaringBitmap;

/** A {@code keyword} index: every string value is a key, compared exactly. */
final class KeywordIndex extends FieldIndex<String> {

  KeywordIndex(JsonPath path) {
    super(path, new HashMap<>());
  }

  @Override
  public FieldIndexKind kind() {
    return FieldIndexKind.KEYWORD;
  }

  @Override
  String keyOf(JsonNode value) {
    return value.isTextual() ? value.textValue() : null;
  }

  @Override
  public RoaringBitmap matchKeyword(String value) {
    return pointsOf(value);
  }

  @Override
  public RoaringBitmap matchAnyKeyword(Collection<String> values) {
    return union(values);
  }

  @Override
  public RoaringBitmap exceptKeywords(Collection<String> values) {
    return except(values);
  }
}
