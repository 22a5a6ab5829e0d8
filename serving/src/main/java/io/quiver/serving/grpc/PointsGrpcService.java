package io.quiver.serving.grpc;

import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.PointsGrpc;
import io.quiver.cluster.CollectionService;
import io.quiver.cluster.UpdateResult;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.shard.LocalShard;
import io.quiver.serving.api.PayloadSelector;
import io.quiver.serving.config.StrictMode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

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
  private final PointQueries queries;

  public PointsGrpcService(CollectionService collections, StrictMode strict) {
    this.collections = collections;
    this.strict = strict;
    this.queries = new PointQueries(collections, strict);
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
        queries.checked(
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
        queries.checked(
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
    List<Points.ScoredPoint> hits = queries.search(collection, request, "");
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
              .addAllResult(
                  queries.search(collection, searches.get(i), "search_points[" + i + "]."))
              .build());
    }
    Calls.reply(response, out.setTime(Calls.seconds(start)).build());
  }

  @Override
  public void query(Points.QueryPoints request, StreamObserver<Points.QueryResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    Calls.timeout(strict, request.hasTimeout(), request.getTimeout());
    List<Points.ScoredPoint> hits = queries.query(collection, request, "");
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
    List<Points.QueryPoints> batch = request.getQueryPointsList();
    for (int i = 0; i < batch.size(); i++) {
      sameCollection(collection, batch.get(i).getCollectionName(), "query_points", i);
    }
    Points.QueryBatchResponse.Builder out = Points.QueryBatchResponse.newBuilder();
    for (int i = 0; i < batch.size(); i++) {
      out.addResult(
          Points.BatchResult.newBuilder()
              .addAllResult(queries.query(collection, batch.get(i), "query_points[" + i + "]."))
              .build());
    }
    Calls.reply(response, out.setTime(Calls.seconds(start)).build());
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
