package io.quiver.spark.read;

import static io.quiver.spark.OptionParsing.checkKnown;
import static io.quiver.spark.OptionParsing.choice;
import static io.quiver.spark.OptionParsing.required;

import io.quiver.spark.store.CollectionLayout;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The options of a read: {@code path} and {@code collection} as for a write, {@code as_of_version}
 * to read an older committed version (default: the latest), and {@code id_type} = {@code long}
 * (default; a UUID id then fails the read) or {@code string} (decimal numbers and UUIDs).
 */
public final class ReadOptions implements Serializable {

  private static final long serialVersionUID = 1L;

  final String path;
  final String collection;
  final Long asOfVersion;
  final boolean stringIds;

  private ReadOptions(Map<String, String> o) {
    checkKnown(o, java.util.Set.of("path", "collection", "as_of_version", "id_type"), "read");
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
  }

  public static ReadOptions parse(Map<String, String> options) {
    return new ReadOptions(options);
  }
}
