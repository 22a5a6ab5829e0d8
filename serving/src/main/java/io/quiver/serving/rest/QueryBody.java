package io.quiver.serving.rest;

import static io.quiver.serving.rest.JsonFields.abbreviate;
import static io.quiver.serving.rest.JsonFields.get;
import static io.quiver.serving.rest.JsonFields.path;

import com.fasterxml.jackson.databind.JsonNode;
import io.quiver.engine.filter.Condition;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.point.PointId;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.serving.api.PayloadSelector;
import java.util.List;
import java.util.Set;

/**
 * A {@code points/query} body, read and checked. Quiver answers the nearest-neighbour part of
 * Qdrant's universal query: {@code query} as a dense vector, as a point id (that point's stored
 * vector, the point itself left out of the results, as Qdrant does), as {@code {"nearest": ...}} of
 * either, or absent (points in id order). Prefetches, fusion, recommend, discover, order-by,
 * formulas, sampling and MMR are refused with a 400 naming the field.
 *
 * @param vector the query vector, or null
 * @param byId the point whose vector is the query, or null
 * @param using the vector name ({@code ""} for the unnamed one)
 */
record QueryBody(
    String at,
    float[] vector,
    PointId byId,
    String using,
    Filter filter,
    SearchParams params,
    Float scoreThreshold,
    int limit,
    int offset,
    PayloadSelector payload,
    VectorSelector vectors) {

  private static final List<String> OTHER_QUERIES =
      List.of(
          "recommend",
          "discover",
          "context",
          "order_by",
          "fusion",
          "rrf",
          "formula",
          "sample",
          "relevance_feedback");

  static QueryBody read(JsonNode body, String at, RestRequests requests) {
    JsonFields.object(body, at.isEmpty() ? "the query body" : at);
    JsonFields.unsupported(body, at, "shard_key", "custom sharding is not supported by Quiver");
    JsonFields.unsupported(
        body,
        at,
        "prefetch",
        "prefetch (multi-stage and hybrid queries) is not supported by Quiver; send a"
            + " nearest-neighbour query");
    JsonFields.unsupported(
        body, at, "lookup_from", "looking vectors up in another collection is not supported");
    float[] vector = null;
    PointId byId = null;
    JsonNode query = get(body, "query");
    String q = path(at, "query");
    if (query != null && query.isObject() && query.has("nearest")) {
      JsonFields.unsupported(query, q, "mmr", "MMR re-ranking is not supported by Quiver");
      for (String field : (Iterable<String>) query::fieldNames) {
        if (!Set.of("nearest", "mmr").contains(field)) {
          throw new IllegalArgumentException(
              q + "." + field + ": unknown field next to \"nearest\"");
        }
      }
      q = path(q, "nearest");
      query = get(query, "nearest");
      if (query == null) {
        throw new IllegalArgumentException(q + " is required");
      }
    }
    if (query == null) {
      if (JsonFields.has(body, "score_threshold")) {
        throw new IllegalArgumentException(
            path(at, "score_threshold") + " needs a query; without one points come in id order");
      }
    } else if (query.isArray()) {
      vector = PointsJson.vector(query, q);
    } else if (query.isIntegralNumber() || query.isTextual()) {
      byId = PointsJson.id(query, q);
    } else if (query.isObject()) {
      for (String kind : OTHER_QUERIES) {
        if (query.has(kind)) {
          throw new IllegalArgumentException(
              q
                  + "."
                  + kind
                  + ": not supported by Quiver; query takes a dense vector, a point id or"
                  + " {\"nearest\": ...}");
        }
      }
      vector = PointsJson.vector(query, q); // names sparse and inference inputs in its error
    } else {
      throw new IllegalArgumentException(
          q + " must be a vector, a point id or {\"nearest\": ...}; got " + abbreviate(query));
    }
    String using = JsonFields.text(body, at, "using", "");
    int limit = requests.limit(body, at, 10);
    return new QueryBody(
        at,
        vector,
        byId,
        using,
        requests.filter(body, at),
        requests.params(body, at),
        JsonFields.finiteFloat(body, at, "score_threshold"),
        limit,
        requests.offset(body, at, limit),
        RestRequests.withPayload(body, at, PayloadSelector.NONE),
        RestRequests.withVector(body, at, VectorSelector.NONE));
  }

  /** The search for {@code queryVector}, leaving out the point the query named, if any. */
  SearchRestApi.SearchBody resolve(float[] queryVector) {
    Filter effective = filter;
    if (byId != null) {
      Condition self = new Condition.HasId(Set.of(byId));
      effective = new Filter(filter == null ? null : List.of(filter), null, List.of(self), null);
    }
    SearchRequest request =
        new SearchRequest(
            using,
            queryVector,
            limit,
            offset,
            params,
            scoreThreshold,
            payload.wanted(),
            vectors.wanted(),
            effective);
    return new SearchRestApi.SearchBody(request, payload, vectors);
  }
}
