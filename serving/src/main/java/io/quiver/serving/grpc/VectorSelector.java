package io.quiver.serving.grpc;

import io.qdrant.client.grpc.Points;
import io.quiver.engine.collection.CollectionConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Qdrant's {@code with_vectors}: none, all, or only the named vectors ({@code include}).
 *
 * @param names the vectors to return; null for all of them
 */
record VectorSelector(boolean any, List<String> names) {

  static final VectorSelector ALL = new VectorSelector(true, null);
  static final VectorSelector NONE = new VectorSelector(false, null);

  /** The selector a request carries; {@link #NONE} when it carries none, as in Qdrant. */
  static VectorSelector of(boolean present, Points.WithVectorsSelector selector) {
    if (!present) {
      return NONE;
    }
    switch (selector.getSelectorOptionsCase()) {
      case ENABLE:
        return selector.getEnable() ? ALL : NONE;
      case INCLUDE:
        List<String> names = List.copyOf(selector.getInclude().getNamesList());
        return names.isEmpty() ? NONE : new VectorSelector(true, names);
      default:
        return NONE;
    }
  }

  /** Refuses names the collection does not have, naming the field and the value. */
  VectorSelector check(CollectionConfig config, String field) {
    if (names != null) {
      for (int i = 0; i < names.size(); i++) {
        if (!config.vectors().containsKey(names.get(i))) {
          throw new IllegalArgumentException(
              field
                  + ".include.names["
                  + i
                  + "]: vector name '"
                  + names.get(i)
                  + "' is not in this collection; it has "
                  + config.vectors().keySet());
        }
      }
    }
    return this;
  }

  /** Whether any named vector has to be checked against the collection's configuration. */
  boolean namesVectors() {
    return names != null;
  }

  /** The selected vectors out of all of a point's. */
  Map<String, float[]> apply(Map<String, float[]> vectors) {
    if (names == null) {
      return vectors;
    }
    Map<String, float[]> out = new LinkedHashMap<>();
    for (String name : names) {
      float[] v = vectors.get(name);
      if (v != null) {
        out.put(name, v);
      }
    }
    return out;
  }
}
