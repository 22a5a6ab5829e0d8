package io.quiver.engine.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.roaringbitmap.RoaringBitmap;

/**
 * A {@code uuid} index: string values in canonical form (lower-case, dashed) are keys held as 128
 * bits. Matching stays exact string equality, as the reference evaluator does it, so a condition
 * naming a non-canonical string is not answered here.
 */
final class UuidIndex extends FieldIndex<UUID> {

  UuidIndex(JsonPath path) {
    super(path, new HashMap<>());
  }

  @Override
  public FieldIndexKind kind() {
    return FieldIndexKind.UUID;
  }

  @Override
  UUID keyOf(JsonNode value) {
    return value.isTextual() ? canonical(value.textValue()) : null;
  }

  /** The UUID whose canonical text is {@code text}, or null. */
  static UUID canonical(String text) {
    if (text.length() != 36 || text.charAt(8) != '-') {
      return null;
    }
    try {
      UUID uuid = UUID.fromString(text);
      return uuid.toString().equals(text) ? uuid : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  @Override
  public RoaringBitmap matchKeyword(String value) {
    UUID uuid = canonical(value);
    return uuid == null ? null : pointsOf(uuid);
  }

  @Override
  public RoaringBitmap matchAnyKeyword(Collection<String> values) {
    List<UUID> uuids = canonicalAll(values);
    return uuids == null ? null : union(uuids);
  }

  @Override
  public RoaringBitmap exceptKeywords(Collection<String> values) {
    // Every value that is not a key is either not a string or a string that is not a canonical
    // UUID, so it is outside a list of canonical UUIDs: except() counts it, as it should.
    List<UUID> uuids = canonicalAll(values);
    return uuids == null ? null : except(uuids);
  }

  private static List<UUID> canonicalAll(Collection<String> values) {
    List<UUID> uuids = new ArrayList<>(values.size());
    for (String value : values) {
      UUID uuid = canonical(value);
      if (uuid == null) {
        return null;
      }
      uuids.add(uuid);
    }
    return uuids;
  }
}
