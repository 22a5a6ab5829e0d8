package io.quiver.spark.stream;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a streaming write needs to know about its collection before it sends anything: that the node
 * has it, with the vectors the options name, and their sizes (which then check every row, so that a
 * wrong vector fails naming the column and the row's id, not as a 400 on a whole batch).
 */
final class NodeCollection {

  private NodeCollection() {}

  /**
   * Reads the collection's vectors from the node ({@code GET /collections/{name}}) and checks that
   * it has every vector the options name; returns their sizes.
   */
  static Map<String, Integer> vectorSizes(StreamWriteOptions options) {
    NodeClient client =
        new NodeClient(options.node, options.apiKey, options.requestTimeout, options.backoff);
    JsonNode info;
    try {
      info =
          client.call(
              "GET",
              NodeClient.collectionPath(options.collection),
              null,
              "request for collection '" + options.collection + "'",
              new NodeClient.Counts());
    } catch (NodeClient.NodeRequestException e) {
      if (e.status() == 404) {
        throw new IllegalArgumentException(
            "quiver: collection '"
                + options.collection
                + "' does not exist on node "
                + options.node
                + "; create it before starting the stream (a batch write with option 'publish',"
                + " or Qdrant's PUT /collections/"
                + options.collection
                + ")",
            e);
      }
      throw new UncheckedIOException(e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(
          "quiver: reading collection '" + options.collection + "' from " + options.node, e);
    }
    JsonNode vectors = info == null ? null : info.path("result").path("config").path("params");
    vectors = vectors == null ? null : vectors.get("vectors");
    if (vectors == null || !vectors.isObject()) {
      throw new IllegalStateException(
          "quiver: node "
              + options.node
              + " described collection '"
              + options.collection
              + "' without result.config.params.vectors: "
              + info);
    }
    Map<String, Integer> collection = new LinkedHashMap<>();
    if (vectors.path("size").isNumber()) {
      collection.put("", vectors.get("size").asInt());
    } else {
      vectors
          .fields()
          .forEachRemaining(e -> collection.put(e.getKey(), e.getValue().path("size").asInt()));
    }
    Map<String, Integer> sizes = new LinkedHashMap<>();
    for (String name : options.columns.vectors().keySet()) {
      Integer size = collection.get(name);
      if (size == null) {
        throw new IllegalArgumentException(
            "quiver: collection '"
                + options.collection
                + "' on node "
                + options.node
                + " has "
                + describe(collection)
                + ", so "
                + (name.isEmpty()
                    ? "option 'vector' (the unnamed vector) does not fit it; give option 'vectors'"
                        + " = 'name:column,...'"
                    : "option 'vectors' names vector '" + name + "', which it does not have"));
      }
      sizes.put(name, size);
    }
    return sizes;
  }

  private static String describe(Map<String, Integer> vectors) {
    if (vectors.containsKey("")) {
      return "one unnamed vector";
    }
    return "the named vectors " + new TreeSet<>(vectors.keySet());
  }
}
