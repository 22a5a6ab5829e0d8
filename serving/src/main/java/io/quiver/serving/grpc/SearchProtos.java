package io.quiver.serving.grpc;

import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.Points;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.serving.api.PayloadSelector;
import io.quiver.serving.config.StrictMode;

/**
 * Qdrant's gRPC read requests (search, query, scroll, count) as the engine's arguments, with the
 * node's limits checked on the way. Field names in errors are prefixed with {@code at} (e.g. {@code
 * "search_points[2]."}) when the request is one of a batch.
 */
final class SearchProtos {

  /** Qdrant's page size when a scroll or query does not say. */
  static final int DEFAULT_LIMIT = 10;

  private SearchProtos() {}

  /** A search as the engine runs it; payload and vector selection are applied to the answer. */
  record Search(SearchRequest request, PayloadSelector payload, VectorSelector vectors) {}

  static Search search(Points.SearchPoints s, String at, StrictMode strict) {
    Calls.noShardKeys(s.hasShardKeySelector(), at + "shard_key_selector");
    if (s.hasSparseIndices()) {
      throw new IllegalArgumentException(
          at + "sparse_indices: sparse vectors are not supported by Quiver");
    }
    int limit = strict.checkLimit(at + "limit", s.getLimit());
    int offset = offset(s.hasOffset(), s.getOffset(), at + "offset", strict);
    PayloadSelector payload =
        Protos.payloadSelector(s.hasWithPayload(), s.getWithPayload(), PayloadSelector.NONE);
    VectorSelector vectors = VectorSelector.of(s.hasWithVectors(), s.getWithVectors());
    SearchRequest request =
        new SearchRequest(
            s.hasVectorName() ? s.getVectorName() : "",
            Protos.floats(s.getVectorList()),
            limit,
            offset,
            params(s.hasParams(), s.getParams(), at + "params", strict),
            threshold(s.hasScoreThreshold(), s.getScoreThreshold(), at + "score_threshold"),
            payload.wanted(),
            vectors.any(),
            filter(s.hasFilter(), s.getFilter(), at + "filter", strict));
    return new Search(request, payload, vectors);
  }

  static SearchParams params(
      boolean present, Points.SearchParams p, String field, StrictMode strict) {
    if (!present) {
      return SearchParams.DEFAULT;
    }
    SearchParams params = SearchParams.DEFAULT;
    if (p.hasHnswEf()) {
      params = params.withEf(strict.checkHnswEf(field + ".hnsw_ef", p.getHnswEf()));
    }
    if (p.hasExact()) {
      params = params.withExact(p.getExact());
    }
    if (p.hasQuantization()) {
      Points.QuantizationSearchParams q = p.getQuantization();
      double oversampling = q.hasOversampling() ? q.getOversampling() : params.oversampling();
      if (!(oversampling >= 1.0 && oversampling <= 1000.0)) {
        throw new IllegalArgumentException(
            field + ".quantization.oversampling must be in [1, 1000]; got " + oversampling);
      }
      params =
          params.withQuantization(
              q.hasIgnore() ? q.getIgnore() : params.ignoreQuantization(),
              q.hasRescore() ? q.getRescore() : params.rescore(),
              oversampling);
    }
    if (p.hasIndexedOnly() && p.getIndexedOnly()) {
      throw new IllegalArgumentException(
          field
              + ".indexed_only: not supported by Quiver; every segment, indexed or not, is"
              + " searched");
    }
    // acorn is a hint for filtered graph search; Quiver chooses its filtered strategy itself.
    return params;
  }

  /** An {@code offset}: at most {@code strict_mode.max_query_limit} results may be skipped. */
  static int offset(boolean present, long offset, String field, StrictMode strict) {
    if (!present) {
      return 0;
    }
    if (offset < 0 || offset > strict.maxQueryLimit()) {
      throw new IllegalArgumentException(
          field
              + " must be in [0, "
              + strict.maxQueryLimit()
              + "] (strict_mode.max_query_limit); got "
              + Long.toUnsignedString(offset));
    }
    return (int) offset;
  }

  static Float threshold(boolean present, float value, String field) {
    if (!present) {
      return null;
    }
    if (!Float.isFinite(value)) {
      throw new IllegalArgumentException(field + " must be a finite number; got " + value);
    }
    return value;
  }

  /** The engine's filter, or null; checked against {@code strict_mode.filter_max_conditions}. */
  static Filter filter(boolean present, Common.Filter filter, String field, StrictMode strict) {
    if (!present) {
      return null;
    }
    strict.checkFilterConditions(field, Protos.conditionCount(filter));
    return Protos.filter(true, filter, field);
  }
}
