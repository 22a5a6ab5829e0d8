package io.quiver.serving.rest;

import static io.quiver.serving.rest.JsonFields.get;
import static io.quiver.serving.rest.JsonFields.path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.quiver.cluster.CollectionService;
import io.quiver.cluster.NotFoundException;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.shard.LocalShard;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.serving.api.PayloadSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Qdrant's nearest-neighbour endpoints over REST: {@code points/search}, {@code search/batch}, the
 * universal {@code points/query} (as far as it asks for nearest neighbours) and {@code
 * query/batch}. A batch is read and checked whole before its first search runs.
 */
public final class SearchRestApi {
  private static final String C = "/collections/{collection_name}";

  private final CollectionService collections;
  private final RestRequests requests;

  SearchRestApi(CollectionService collections, RestRequests requests) {
    this.collections = collections;
    this.requests = requests;
  }

  /** Qdrant's {@code QueryResponse}. */
  record QueryResult(List<ObjectNode> points) {}

  @Post(C + "/points/search")
  public List<ObjectNode> search(
      ServiceRequestContext ctx,
      @Param("collection_name") String collection,
      @Param("timeout") Optional<String> timeout,
      JsonNode body) {
    requests.timeout(ctx, timeout);
    return run(collection, SearchBody.read(body, "", requests));
  }

  @Post(C + "/points/search/batch")
  public List<List<ObjectNode>> searchBatch(
      ServiceRequestContext ctx,
      @Param("collection_name") String collection,
      @Param("timeout") Optional<String> timeout,
      JsonNode body) {
    requests.timeout(ctx, timeout);
    List<SearchBody> searches = new ArrayList<>();
    JsonNode list = batch(body);
    for (int i = 0; i < list.size(); i++) {
      searches.add(SearchBody.read(list.get(i), "searches[" + i + "]", requests));
    }
    List<List<ObjectNode>> out = new ArrayList<>(searches.size());
    for (SearchBody search : searches) {
      out.add(run(collection, search));
    }
    return out;
  }

  @Post(C + "/points/query")
  public QueryResult query(
      ServiceRequestContext ctx,
      @Param("collection_name") String collection,
      @Param("timeout") Optional<String> timeout,
      JsonNode body) {
    requests.timeout(ctx, timeout);
    return new QueryResult(run(collection, QueryBody.read(body, "", requests)));
  }

  @Post(C + "/points/query/batch")
  public List<QueryResult> queryBatch(
      ServiceRequestContext ctx,
      @Param("collection_name") String collection,
      @Param("timeout") Optional<String> timeout,
      JsonNode body) {
    requests.timeout(ctx, timeout);
    List<QueryBody> queries = new ArrayList<>();
    JsonNode list = batch(body);
    for (int i = 0; i < list.size(); i++) {
      queries.add(QueryBody.read(list.get(i), "searches[" + i + "]", requests));
    }
    List<QueryResult> out = new ArrayList<>(queries.size());
    for (QueryBody query : queries) {
      out.add(new QueryResult(run(collection, query)));
    }
    return out;
  }

  private JsonNode batch(JsonNode body) {
    JsonFields.object(body, "the batch body");
    JsonNode list = JsonFields.requiredArray(body, "", "searches");
    requests.strict().checkBatchSize("searches (count)", list.size());
    return list;
  }

  private List<ObjectNode> run(String collection, SearchBody search) {
    List<ObjectNode> out = new ArrayList<>();
    for (ScoredPoint p : collections.search(collection, search.request())) {
      out.add(PointsJson.scored(p, search.payload(), search.vectors()));
    }
    return out;
  }

  private List<ObjectNode> run(String collection, QueryBody query) {
    if (query.byId() != null) {
      return run(collection, query.resolve(vectorOf(collection, query)));
    }
    if (query.vector() != null) {
      return run(collection, query.resolve(query.vector()));
    }
    // No query: points in id order, as Qdrant answers it.
    LocalShard.ScrollPage page =
        collections.scroll(
            collection,
            null,
            query.offset() + query.limit(),
            query.filter(),
            query.payload().wanted(),
            query.vectors().wanted());
    List<ObjectNode> out = new ArrayList<>();
    List<PointRecord> points = page.points();
    for (int i = query.offset(); i < points.size(); i++) {
      PointRecord r = points.get(i);
      out.add(
          PointsJson.scored(
              new ScoredPoint(r.id(), r.version(), 0f, r.payload(), r.vectors()),
              query.payload(),
              query.vectors()));
    }
    return out;
  }

  /** The stored vector {@code using} of the point a query names. */
  private float[] vectorOf(String collection, QueryBody query) {
    List<PointRecord> found = collections.retrieve(collection, List.of(query.byId()), false, true);
    if (found.isEmpty()) {
      throw new NotFoundException(
          path(query.at(), "query") + ": point " + query.byId() + " does not exist");
    }
    Map<String, float[]> vectors = found.get(0).vectors();
    float[] vector = vectors.get(query.using());
    if (vector == null) {
      throw new IllegalArgumentException(
          path(query.at(), "using")
              + ": vector name '"
              + query.using()
              + "' is not in this collection; it has "
              + vectors.keySet());
    }
    return vector;
  }

  /** A {@code points/search} body, read and checked. */
  record SearchBody(SearchRequest request, PayloadSelector payload, VectorSelector vectors) {

    static SearchBody read(JsonNode body, String at, RestRequests requests) {
      JsonFields.object(body, at.isEmpty() ? "the search body" : at);
      JsonFields.unsupported(body, at, "shard_key", "custom sharding is not supported by Quiver");
      JsonNode vectorJson = get(body, "vector");
      String name;
      float[] vector;
      if (vectorJson == null) {
        throw new IllegalArgumentException(path(at, "vector") + " is required");
      } else if (vectorJson.isObject() && vectorJson.has("name") && vectorJson.has("vector")) {
        name = JsonFields.requiredText(vectorJson, path(at, "vector"), "name");
        vector = PointsJson.vector(vectorJson.get("vector"), path(at, "vector.vector"));
      } else {
        name = "";
        vector = PointsJson.vector(vectorJson, path(at, "vector"));
      }
      int limit = requests.limit(body, at, 10);
      PayloadSelector payload = RestRequests.withPayload(body, at, PayloadSelector.NONE);
      VectorSelector vectors = RestRequests.withVector(body, at, VectorSelector.NONE);
      SearchRequest request =
          new SearchRequest(
              name,
              vector,
              limit,
              requests.offset(body, at, limit),
              requests.params(body, at),
              JsonFields.finiteFloat(body, at, "score_threshold"),
              payload.wanted(),
              vectors.wanted(),
              requests.filter(body, at));
      return new SearchBody(request, payload, vectors);
    }
  }
}
