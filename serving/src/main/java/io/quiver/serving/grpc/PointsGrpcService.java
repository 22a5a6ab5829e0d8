package io.quiver.serving.grpc;

import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.PointsGrpc;
import io.quiver.cluster.CollectionService;
import io.quiver.cluster.NotFoundException;
import io.quiver.cluster.UpdateResult;
import io.quiver.engine.filter.Condition;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.shard.LocalShard;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.serving.api.PayloadSelector;
import io.quiver.serving.config.StrictMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Qdrant's {@code qdrant.Points} service over the collection service: writes (upsert, delete,
 * payload, field indexes, batches of them), reads (get, scroll, count) and nearest-neighbour search
 * (search, query and their batches). Requests are converted and checked ({@link OperationProtos},
 * {@link SearchProtos}) before anything is logged; the collection service decides the rest.
 *
 * <p>Not served (UNIMPLEMENTED, the message names the method): recommend, discover, groups, facet,
 * distance matrices, per-vector updates and deletes, and adding or removing vector names.
 */
public final class PointsGrpcService extends PointsGrpc.PointsImplBase {

  private final CollectionService collections;
  private final StrictMode strict;

  public PointsGrpcService(CollectionService collections, StrictMode strict) {
    this.collections = collections;
    this.strict = strict;
  }

  // ---------------------------------------------------------------- writes

  @Override
  public void upsert(
      Points.UpsertPoints request, StreamObserver<Points.PointsOperationResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    Calls.noShardKeys(request.hasShardKeySelector(), "shard_key_selector");
    OperationProtos.plainUpsert(
        "qdrant.Points/Upsert",
        request.hasUpdateFilter(),
        request.hasUpdateMode(),
        request.getUpdateMode());
    Operation op = OperationProtos.upsert(request.getPointsList(), "points", strict);
    write(response, collection, op, request.getWait(), start);
  }

  @Override
  public void delete(
      Points.DeletePoints request, StreamObserver<Points.PointsOperationResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    Calls.noShardKeys(request.hasShardKeySelector(), "shard_key_selector");
    Operation op = OperationProtos.delete(request.getPoints(), "points", strict);
    write(response, collection, op, request.getWait(), start);
  }

  @Override
  public void setPayload(
      Points.SetPayloadPoints request, StreamObserver<Points.PointsOperationResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    Calls.noShardKeys(request.hasShardKeySelector(), "shard_key_selector");
    Operation op =
        OperationProtos.setPayload(
            request.getPayloadMap(),
            request.hasPointsSelector(),
            request.getPointsSelector(),
            request.hasKey(),
            request.getKey(),
            "",
            strict);
    write(response, collection, op, request.getWait(), start);
  }

  @Override
  public void overwritePayload(
      Points.SetPayloadPoints request, StreamObserver<Points.PointsOperationResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    Calls.noShardKeys(request.hasShardKeySelector(), "shard_key_selector");
    Operation op =
        OperationProtos.overwritePayload(
            request.getPayloadMap(),
            request.hasPointsSelector(),
            request.getPointsSelector(),
            request.hasKey(),
            "",
            strict);
    write(response, collection, op, request.getWait(), start);
  }

  @Override
  public void deletePayload(
      Points.DeletePayloadPoints request, StreamObserver<Points.PointsOperationResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    Calls.noShardKeys(request.hasShardKeySelector(), "shard_key_selector");
    Operation op =
        OperationProtos.deletePayload(
            request.getKeysList(),
            request.hasPointsSelector(),
            request.getPointsSelector(),
            "",
            strict);
    write(response, collection, op, request.getWait(), start);
  }

  @Override
  public void clearPayload(
      Points.ClearPayloadPoints request, StreamObserver<Points.PointsOperationResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    Calls.noShardKeys(request.hasShardKeySelector(), "shard_key_selector");
    Operation op = OperationProtos.clearPayload(request.getPoints(), "points", strict);
    write(response, collection, op, request.getWait(), start);
  }

  @Override
  public void createFieldIndex(
      Points.CreateFieldIndexCollection request,
      StreamObserver<Points.PointsOperationResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    write(
        response, collection, OperationProtos.createFieldIndex(request), request.getWait(), start);
  }

  @Override
  public void deleteFieldIndex(
      Points.DeleteFieldIndexCollection request,
      StreamObserver<Points.PointsOperationResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    write(
        response,
        collection,
        new Operation.DeleteFieldIndex(request.getFieldName()),
        request.getWait(),
        start);
  }

  @Override
  public void updateBatch(
      Points.UpdateBatchPoints request, StreamObserver<Points.UpdateBatchResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    strict.checkBatchSize("operations", request.getOperationsCount());
    List<Operation> ops = new ArrayList<>(request.getOperationsCount());
    for (int i = 0; i < request.getOperationsCount(); i++) {
      ops.add(
          OperationProtos.batchOperation(
              request.getOperations(i), "operations[" + i + "]", strict));
    }
    List<UpdateResult> results;
    try {
      results = collections.update(collection, ops, request.getWait());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Points.UpdateBatchResponse.Builder out = Points.UpdateBatchResponse.newBuilder();
    results.forEach(r -> out.addResult(Protos.updateResult(r)));
    Calls.reply(response, out.setTime(Calls.seconds(start)).build());
  }

  private void write(
      StreamObserver<Points.PointsOperationResponse> response,
      String collection,
      Operation op,
      boolean wait,
      long start) {
    UpdateResult result;
    try {
      result = collections.update(collection, op, wait);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Calls.reply(
        response,
        Points.PointsOperationResponse.newBuilder()
            .setResult(Protos.updateResult(result))
            .setTime(Calls.seconds(start))
            .build());
  }

  // ---------------------------------------------------------------- reads

  @Override
  public void get(Points.GetPoints request, StreamObserver<Points.GetResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    Calls.noShardKeys(request.hasShardKeySelector(), "shard_key_selector");
    if (request.getIdsCount() > 0) {
      strict.checkLimit("ids", request.getIdsCount());
    }
    List<PointId> ids = Protos.pointIds(request.getIdsList(), "ids");
    PayloadSelector payload =
        Protos.payloadSelector(
            request.hasWithPayload(), request.getWithPayload(), PayloadSelector.ALL);
    VectorSelector vectors =
        checked(
            collection,
            VectorSelector.of(request.hasWithVectors(), request.getWithVectors()),
            "with_vectors");
    List<PointRecord> found =
        collections.retrieve(collection, ids, payload.wanted(), vectors.any());
    Points.GetResponse.Builder out = Points.GetResponse.newBuilder();
    for (PointRecord p : found) {
      out.addResult(Protos.retrievedPoint(p, payload, vectors));
    }
    Calls.reply(response, out.setTime(Calls.seconds(start)).build());
  }

  @Override
  public void scroll(Points.ScrollPoints request, StreamObserver<Points.ScrollResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    Calls.noShardKeys(request.hasShardKeySelector(), "shard_key_selector");
    if (request.hasOrderBy()) {
      throw Calls.unimplemented(
          "qdrant.Points/Scroll", "order_by is not supported; points come in id order");
    }
    int limit =
        request.hasLimit()
            ? strict.checkLimit("limit", Integer.toUnsignedLong(request.getLimit()))
            : SearchProtos.DEFAULT_LIMIT;
    PointId from = request.hasOffset() ? Protos.pointId(request.getOffset(), "offset") : null;
    Filter filter = SearchProtos.filter(request.hasFilter(), request.getFilter(), "filter", strict);
    PayloadSelector payload =
        Protos.payloadSelector(
            request.hasWithPayload(), request.getWithPayload(), PayloadSelector.ALL);
    VectorSelector vectors =
        checked(
            collection,
            VectorSelector.of(request.hasWithVectors(), request.getWithVectors()),
            "with_vectors");
    LocalShard.ScrollPage page =
        collections.scroll(collection, from, limit, filter, payload.wanted(), vectors.any());
    Points.ScrollResponse.Builder out = Points.ScrollResponse.newBuilder();
    for (PointRecord p : page.points()) {
      out.addResult(Protos.retrievedPoint(p, payload, vectors));
    }
    if (page.nextOffset() != null) {
      out.setNextPageOffset(Protos.pointId(page.nextOffset()));
    }
    Calls.reply(response, out.setTime(Calls.seconds(start)).build());
  }

  @Override
  public void count(Points.CountPoints request, StreamObserver<Points.CountResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    Calls.noShardKeys(request.hasShardKeySelector(), "shard_key_selector");
    // Counts are always exact: cheap enough on one node, and never wrong.
    Filter filter = SearchProtos.filter(request.hasFilter(), request.getFilter(), "filter", strict);
    long count = collections.count(collection, filter);
    Calls.reply(
        response,
        Points.CountResponse.newBuilder()
            .setResult(Points.CountResult.newBuilder().setCount(count))
            .setTime(Calls.seconds(start))
            .build());
  }

  // ---------------------------------------------------------------- search and query

  @Override
  public void search(Points.SearchPoints request, StreamObserver<Points.SearchResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    List<Points.ScoredPoint> hits = search(collection, request, "");
    Calls.reply(
        response,
        Points.SearchResponse.newBuilder()
            .addAllResult(hits)
            .setTime(Calls.seconds(start))
            .build());
  }

  @Override
  public void searchBatch(
      Points.SearchBatchPoints request, StreamObserver<Points.SearchBatchResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    strict.checkBatchSize("search_points", request.getSearchPointsCount());
    List<Points.SearchPoints> searches = request.getSearchPointsList();
    for (int i = 0; i < searches.size(); i++) {
      sameCollection(collection, searches.get(i).getCollectionName(), "search_points", i);
    }
    Points.SearchBatchResponse.Builder out = Points.SearchBatchResponse.newBuilder();
    for (int i = 0; i < searches.size(); i++) {
      out.addResult(
          Points.BatchResult.newBuilder()
              .addAllResult(search(collection, searches.get(i), "search_points[" + i + "]."))
              .build());
    }
    Calls.reply(response, out.setTime(Calls.seconds(start)).build());
  }

  @Override
  public void query(Points.QueryPoints request, StreamObserver<Points.QueryResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    List<Points.ScoredPoint> hits = query(collection, request, "");
    Calls.reply(
        response,
        Points.QueryResponse.newBuilder().addAllResult(hits).setTime(Calls.seconds(start)).build());
  }

  @Override
  public void queryBatch(
      Points.QueryBatchPoints request, StreamObserver<Points.QueryBatchResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    strict.checkBatchSize("query_points", request.getQueryPointsCount());
    List<Points.QueryPoints> queries = request.getQueryPointsList();
    for (int i = 0; i < queries.size(); i++) {
      sameCollection(collection, queries.get(i).getCollectionName(), "query_points", i);
    }
    Points.QueryBatchResponse.Builder out = Points.QueryBatchResponse.newBuilder();
    for (int i = 0; i < queries.size(); i++) {
      out.addResult(
          Points.BatchResult.newBuilder()
              .addAllResult(query(collection, queries.get(i), "query_points[" + i + "]."))
              .build());
    }
    Calls.reply(response, out.setTime(Calls.seconds(start)).build());
  }

  private List<Points.ScoredPoint> search(
      String collection, Points.SearchPoints request, String at) {
    SearchProtos.Search search = SearchProtos.search(request, at, strict);
    checked(collection, search.vectors(), at + "with_vectors");
    return scored(
        collections.search(collection, search.request()), search.payload(), search.vectors());
  }

  /**
   * A universal query: nearest to a dense vector or to a stored point's vector (that point is left
   * out of the answer, as in Qdrant), or, without a query, the points in id order.
   */
  private List<Points.ScoredPoint> query(String collection, Points.QueryPoints q, String at) {
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
    var params = SearchProtos.params(q.hasParams(), q.getParams(), at + "params", strict);
    Float threshold =
        SearchProtos.threshold(
            q.hasScoreThreshold(), q.getScoreThreshold(), at + "score_threshold");
    if (!q.hasQuery()) {
      return firstPoints(collection, limit, offset, filter, payload, vectors);
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
  private VectorSelector checked(String collection, VectorSelector selector, String field) {
    return selector.namesVectors()
        ? selector.check(collections.info(collection).config(), field)
        : selector;
  }

  private static void sameCollection(String batch, String inner, String field, int i) {
    if (!inner.isEmpty() && !inner.equals(batch)) {
      throw new IllegalArgumentException(
          field
              + "["
              + i
              + "].collection_name: '"
              + inner
              + "' differs from the batch's collection_name '"
              + batch
              + "'");
    }
  }

  // ---------------------------------------------------------------- not served

  @Override
  public void updateVectors(
      Points.UpdatePointVectors request, StreamObserver<Points.PointsOperationResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Points/UpdateVectors",
        "updating single vectors is not supported; upsert the point");
  }

  @Override
  public void deleteVectors(
      Points.DeletePointVectors request, StreamObserver<Points.PointsOperationResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Points/DeleteVectors",
        "a point keeps every vector of its collection; upsert or delete the point");
  }

  @Override
  public void createVectorName(
      Points.CreateVectorNameRequest request,
      StreamObserver<Points.PointsOperationResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Points/CreateVectorName", "a collection's vectors are fixed when it is created");
  }

  @Override
  public void deleteVectorName(
      Points.DeleteVectorNameRequest request,
      StreamObserver<Points.PointsOperationResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Points/DeleteVectorName", "a collection's vectors are fixed when it is created");
  }

  @Override
  public void searchGroups(
      Points.SearchPointGroups request, StreamObserver<Points.SearchGroupsResponse> response) {
    throw Calls.unimplemented("qdrant.Points/SearchGroups", "grouped search is not supported");
  }

  @Override
  public void recommend(
      Points.RecommendPoints request, StreamObserver<Points.RecommendResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Points/Recommend",
        "recommendations are not supported; use Query with a point id (query.nearest.id)");
  }

  @Override
  public void recommendBatch(
      Points.RecommendBatchPoints request, StreamObserver<Points.RecommendBatchResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Points/RecommendBatch",
        "recommendations are not supported; use QueryBatch with point ids");
  }

  @Override
  public void recommendGroups(
      Points.RecommendPointGroups request,
      StreamObserver<Points.RecommendGroupsResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Points/RecommendGroups", "grouped recommendations are not supported");
  }

  @Override
  public void discover(
      Points.DiscoverPoints request, StreamObserver<Points.DiscoverResponse> response) {
    throw Calls.unimplemented("qdrant.Points/Discover", "discovery search is not supported");
  }

  @Override
  public void discoverBatch(
      Points.DiscoverBatchPoints request, StreamObserver<Points.DiscoverBatchResponse> response) {
    throw Calls.unimplemented("qdrant.Points/DiscoverBatch", "discovery search is not supported");
  }

  @Override
  public void queryGroups(
      Points.QueryPointGroups request, StreamObserver<Points.QueryGroupsResponse> response) {
    throw Calls.unimplemented("qdrant.Points/QueryGroups", "grouped queries are not supported");
  }

  @Override
  public void facet(Points.FacetCounts request, StreamObserver<Points.FacetResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Points/Facet", "facet counts are not supported; use Count with a filter");
  }

  @Override
  public void searchMatrixPairs(
      Points.SearchMatrixPoints request,
      StreamObserver<Points.SearchMatrixPairsResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Points/SearchMatrixPairs", "distance matrices are not supported");
  }

  @Override
  public void searchMatrixOffsets(
      Points.SearchMatrixPoints request,
      StreamObserver<Points.SearchMatrixOffsetsResponse> response) {
    throw Calls.unimplemented(
        "qdrant.Points/SearchMatrixOffsets", "distance matrices are not supported");
  }
}
