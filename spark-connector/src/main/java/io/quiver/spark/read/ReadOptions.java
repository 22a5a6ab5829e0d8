package io.quiver.spark.read;

import static io.quiver.spark.OptionParsing.checkKnown;
import static io.quiver.spark.OptionParsing.choice;
import static io.quiver.spark.OptionParsing.required;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.filter.FilterParser;
import io.quiver.engine.snapshot.store.CollectionLayout;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The options of a read: {@code path} and {@code collection} as for a write, {@code as_of_version}
 * to read an older committed version (default: the latest), {@code id_type} = {@code long}
 * (default; a UUID id then fails the read) or {@code string} (decimal numbers and UUIDs), and
 * {@code filter}, a Qdrant filter (its REST JSON) the segments evaluate with their payload indexes,
 * so that only matching points are read.
 */
public final class ReadOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  final String path;
  final String collection;
  final Long asOfVersion;
  final boolean stringIds;

  /** The Qdrant filter JSON, checked on the driver; null for none. */
  final String filter;

  private ReadOptions(Map<String, String> o) {
    checkKnown(
        o, java.util.Set.of("path", "collection", "as_of_version", "id_type", "filter"), "read");
    path = required(o, "path");
    collection = CollectionLayout.checkCollectionName(required(o, "collection"));
    String v = o.get("as_of_version");
    if (v == null || v.isBlank()) {
      asOfVersion = null;
    } else {
      try {
        asOfVersion = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "option 'as_of_version' must be a version number; got '" + v + "'");
      }
    }
    stringIds = choice(o, "id_type", "long", List.of("long", "string")).equals("string");
    String f = o.get("filter");
    filter = f == null || f.isBlank() ? null : f;
    if (filter != null) {
      parseFilter(filter);
    }
  }

  /** The engine's filter for a Qdrant filter JSON, with errors naming the option and the value. */
  static Filter parseFilter(String json) {
    try {
      return FilterParser.parse(new ObjectMapper().readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "option 'filter' is not valid JSON (" + e.getOriginalMessage() + "): '" + json + "'", e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "option 'filter': " + e.getMessage() + "; got '" + json + "'", e);
    }
  }

  public static ReadOptions parse(Map<String, String> options) {
    return new ReadOptions(options);
  }
}
