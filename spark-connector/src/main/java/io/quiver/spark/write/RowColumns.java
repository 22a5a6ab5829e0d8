package io.quiver.spark.write;

import static io.quiver.spark.OptionParsing.list;
import static io.quiver.spark.OptionParsing.pairs;
import static io.quiver.spark.OptionParsing.text;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which columns of a DataFrame hold a point's id, vectors, version and payload: the options {@code
 * id}, {@code vector} / {@code vectors}, {@code version} and {@code payload}, read the same way by
 * every quiver write (the batch build and the streaming write).
 *
 * @param id the id column
 * @param vectors vector name ({@code ""} for the unnamed vector) to column, in order
 * @param version the version column, or null
 * @param payload the payload columns, or null for every column the write does not use otherwise
 */
public record RowColumns(
    String id, Map<String, String> vectors, String version, List<String> payload)
    implements Serializable {

  public RowColumns {
    vectors = Collections.unmodifiableMap(new LinkedHashMap<>(vectors));
    payload = payload == null ? null : List.copyOf(payload);
  }

  /**
   * Reads the column options; the id, vector and version columns must be different columns.
   *
   * @throws IllegalArgumentException naming the option and the value
   */
  public static RowColumns parse(Map<String, String> o) {
    String id = text(o, "id", "id");
    if (o.containsKey("vectors") && o.containsKey("vector")) {
      throw new IllegalArgumentException(
          "give either option 'vector' (one unnamed vector) or 'vectors' (named vectors), not both");
    }
    Map<String, String> vectors = new LinkedHashMap<>();
    if (o.containsKey("vectors")) {
      vectors.putAll(pairs("vectors", o.get("vectors")));
      if (vectors.isEmpty()) {
        throw new IllegalArgumentException("option 'vectors' names no vector");
      }
    } else {
      vectors.put("", text(o, "vector", "vector"));
    }
    List<String> payload = o.containsKey("payload") ? list(o.get("payload")) : null;
    String version = text(o, "version", null);
    List<String> special = new ArrayList<>(vectors.values());
    special.add(id);
    if (version != null) {
      special.add(version);
    }
    if (special.size() != new HashSet<>(special).size()) {
      throw new IllegalArgumentException(
          "the id, vector and version options must name different columns; got " + special);
    }
    return new RowColumns(id, vectors, version, payload);
  }
}
