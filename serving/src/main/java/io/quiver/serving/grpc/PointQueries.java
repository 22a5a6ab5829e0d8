package io.quiver.serving.grpc;

import io.qdrant.client.grpc.Points;
import io.quiver.cluster.CollectionService;
import io.quiver.cluster.NotFoundException;
import io.quiver.engine.filter.Condition;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.shard.LocalShard;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.serving.api.PayloadSelector;
import io.quiver.serving.config.StrictMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Runs Qdrant's searches and universal queries against the collection service and shapes the hits
 * as Qdrant's {@code ScoredPoint}s. Of the universal query, Quiver answers the nearest-neighbour
 * kind: to a dense vector, or to a stored point's vector (that point is left out of the answer, as
 * in Qdrant); without a query, the points in id order. Field names in errors are prefixed with
 * {@code at} for one request of a batch.
 */
final class PointQueries {

  private final CollectionService collections;
  private final StrictMode strict;

  PointQueries(CollectionService collections, StrictMode strict) {
    this.collections = collections;
    this.strict = strict;
  }

  List<Points.ScoredPoint> search(String collection, Points.SearchPoints request, String at) {
    SearchProtos.Search search = SearchProtos.search(request, at, strict);
    checked(collection, search.vectors(), at + "with_vectors");
    return scored(
        collections.search(collection, search.request()), search.payload(), search.vectors());
  }

  /** One universal query. */
  List<Points.ScoredPoint> query(String collection, Points.QueryPoints q, String at) {
    String method = "qdrant.Points/Query";
    if (q.getPrefetchCount() > 0) {
      throw Calls.unimplemented(method, at + "prefetch (multi-stage queries) is not supported");
    }
    if (q.hasLookupFrom()) {
      throw Calls.unimplemented(method, at + "lookup_from is not supported");
    }
    Calls.noShardKeys(q.hasShardKeySelector(), at + "shard_key_selector");
    int limit =
        q.hasLimit() ? strict.checkLimit(at + "limit", q.getLimit()) : SearchProtos.DEFAULT_LIMIT;
    int offset = SearchProtos.offset(q.hasOffset(), q.getOffset(), at + "offset", strict);
    String using = q.hasUsing() ? q.getUsing() : "";
    Filter filter = SearchProtos.filter(q.hasFilter(), q.getFilter(), at + "filter", strict);
    PayloadSelector payload =
        Protos.payloadSelector(q.hasWithPayload(), q.getWithPayload(), PayloadSelector.NONE);
    VectorSelector vectors =
        checked(
            collection,
            VectorSelector.of(q.hasWithVectors(), q.getWithVectors()),
            at + "with_vectors");
    SearchParams params = SearchProtos.params(q.hasParams(), q.getParams(), at + "params", strict);
    Float threshold =
        SearchProtos.threshold(
            q.hasScoreThreshold(), q.getScoreThreshold(), at + "score_threshold");
    if (!q.hasQuery()) {
      return firstPoints(collection, limit, offset, filter, payload, vectors);
    }
    if (q.getQuery().getVariantCase() == Points.Query.VariantCase.VARIANT_NOT_SET) {
      throw new IllegalArgumentException(at + "query is empty: set query.nearest, or leave it out");
    }
    if (q.getQuery().getVariantCase() != Points.Query.VariantCase.NEAREST) {
      throw Calls.unimplemented(
          method,
          at
              + "query."
              + q.getQuery().getVariantCase().name().toLowerCase(java.util.Locale.ROOT)
              + " is not supported; Quiver answers nearest-neighbour queries (query.nearest)");
    }
    Points.VectorInput input = q.getQuery().getNearest();
    float[] vector;
    switch (input.getVariantCase()) {
      case DENSE:
        vector = Protos.floats(input.getDense().getDataList());
        break;
      case ID:
        PointId id = Protos.pointId(input.getId(), at + "query.nearest.id");
        vector = storedVector(collection, id, using, at + "query.nearest.id");
        Condition self = new Condition.HasId(Set.of(id));
        filter =
            filter == null
                ? Filter.mustNot(self)
                : new Filter(List.of(filter), null, List.of(self), null);
        break;
      case VARIANT_NOT_SET:
        throw new IllegalArgumentException(
            at + "query.nearest is empty: send a dense vector or a point id");
      default:
        throw new IllegalArgumentException(
            at
                + "query.nearest: "
                + input.getVariantCase().name().toLowerCase(java.util.Locale.ROOT)
                + " input is not supported by Quiver; send a dense vector or a point id");
    }
    SearchRequest request =
        new SearchRequest(
            using,
            vector,
            limit,
            offset,
            params,
            threshold,
            payload.wanted(),
            vectors.any(),
            filter);
    return scored(collections.search(collection, request), payload, vectors);
  }

  private float[] storedVector(String collection, PointId id, String using, String field) {
    List<PointRecord> found = collections.retrieve(collection, List.of(id), false, true);
    if (found.isEmpty()) {
      throw new NotFoundException(
          field + ": point " + id + " does not exist in collection '" + collection + "'");
    }
    float[] vector = found.get(0).vectors().get(using);
    if (vector == null) {
      throw new IllegalArgumentException(
          "using: vector name '"
              + using
              + "' is not in this collection; it has "
              + found.get(0).vectors().keySet());
    }
    return vector;
  }

  /** A query without a query vector: the points passing the filter in id order, score 0. */
  private List<Points.ScoredPoint> firstPoints(
      String collection,
      int limit,
      int offset,
      Filter filter,
      PayloadSelector payload,
      VectorSelector vectors) {
    LocalShard.ScrollPage page =
        collections.scroll(
            collection, null, limit + offset, filter, payload.wanted(), vectors.any());
    List<Points.ScoredPoint> out = new ArrayList<>();
    List<PointRecord> points = page.points();
    for (int i = offset; i < points.size(); i++) {
      PointRecord p = points.get(i);
      out.add(
          Protos.scoredPoint(
              new ScoredPoint(p.id(), p.version(), 0f, p.payload(), p.vectors()),
              payload,
              vectors));
    }
    return out;
  }

  private static List<Points.ScoredPoint> scored(
      List<ScoredPoint> hits, PayloadSelector payload, VectorSelector vectors) {
    List<Points.ScoredPoint> out = new ArrayList<>(hits.size());
    for (ScoredPoint hit : hits) {
      out.add(Protos.scoredPoint(hit, payload, vectors));
    }
    return out;
  }

  /** The selector, its vector names checked against the collection when it names any. */
  VectorSelector checked(String collection, VectorSelector selector, String field) {
    return selector.namesVectors()
        ? selector.check(collections.info(collection).config(), field)
        : selector;
  }
}
