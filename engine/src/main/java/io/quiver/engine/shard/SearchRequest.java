package io.quiver.engine.shard;

import io.quiver.engine.filter.Filter;
import io.quiver.engine.hnsw.SearchParams;
import java.util.Objects;

/**
 * A nearest-neighbour query against one named vector of a shard.
 *
 * @param vector the vector name ({@code ""} for the unnamed one)
 * @param query the query vector, as the user gave it
 * @param limit how many results, after {@code offset} skipped ones
 * @param offset how many of the best results to skip (paging)
 * @param params HNSW / exact / quantization parameters
 * @param scoreThreshold Qdrant's {@code score_threshold} (a minimum score for Dot and Cosine, a
 *     maximum distance for Euclid and Manhattan), or null
 * @param withPayload return payloads
 * @param withVectors return vectors
 * @param filter the payload filter results must pass, or null
 */
public record SearchRequest(
    String vector,
    float[] query,
    int limit,
    int offset,
    SearchParams params,
    Float scoreThreshold,
    boolean withPayload,
    boolean withVectors,
    Filter filter) {

  public SearchRequest {
    Objects.requireNonNull(vector, "vector");
    Objects.requireNonNull(params, "params");
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1; got " + limit);
    }
    if (offset < 0) {
      throw new IllegalArgumentException("offset must be >= 0; got " + offset);
    }
  }

  /** The {@code limit} nearest to {@code query} on the unnamed vector, with payloads. */
  public static SearchRequest of(float[] query, int limit) {
    return new SearchRequest("", query, limit, 0, SearchParams.DEFAULT, null, true, false, null);
  }

  public SearchRequest withParams(SearchParams newParams) {
    return new SearchRequest(
        vector, query, limit, offset, newParams, scoreThreshold, withPayload, withVectors, filter);
  }

  public SearchRequest withFilter(Filter newFilter) {
    return new SearchRequest(
        vector, query, limit, offset, params, scoreThreshold, withPayload, withVectors, newFilter);
  }

  public SearchRequest using(String newVector) {
    return new SearchRequest(
        newVector, query, limit, offset, params, scoreThreshold, withPayload, withVectors, filter);
  }
}
