package io.quiver.serving.rest;

import static io.quiver.serving.rest.JsonFields.get;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import io.quiver.cluster.CollectionService;
import io.quiver.cluster.NotFoundException;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.shard.LocalShard;
import io.quiver.serving.api.PayloadSelector;
import java.util.ArrayList;
import java.util.List;

/**
 * Qdrant's point reads over REST: retrieve, scroll and count. They run on the search pool beside
 * {@link SearchRestApi}, as the same methods do over gRPC.
 */
public final class PointReadsRestApi {
  private static final String C = "/collections/{collection_name}";

  private final CollectionService collections;
  private final RestRequests requests;

  PointReadsRestApi(CollectionService collections, RestRequests requests) {
    this.collections = collections;
    this.requests = requests;
  }

  record CountResult(long count) {}

  @Post(C + "/points")
  public List<ObjectNode> retrieve(@Param("collection_name") String collection, JsonNode body) {
    JsonFields.object(body, "the retrieve body");
    JsonFields.unsupported(body, "", "shard_key", "custom sharding is not supported by Quiver");
    JsonNode idsJson = JsonFields.requiredArray(body, "", "ids");
    requests.strict().checkBatchSize("ids (count)", idsJson.size());
    List<PointId> ids = PointsJson.ids(idsJson, "ids");
    PayloadSelector payload = RestRequests.withPayload(body, "", PayloadSelector.ALL);
    VectorSelector vectors = RestRequests.withVector(body, "", VectorSelector.NONE);
    List<ObjectNode> out = new ArrayList<>();
    for (PointRecord r :
        collections.retrieve(collection, ids, payload.wanted(), vectors.wanted())) {
      out.add(PointsJson.record(r, payload, vectors));
    }
    return out;
  }

  @Get(C + "/points/{id}")
  public ObjectNode point(@Param("collection_name") String collection, @Param("id") String id) {
    PointId pointId = PointId.parse(id, "id");
    List<PointRecord> found = collections.retrieve(collection, List.of(pointId), true, true);
    if (found.isEmpty()) {
      throw new NotFoundException("point " + pointId + " does not exist in '" + collection + "'");
    }
    return PointsJson.record(found.get(0), PayloadSelector.ALL, VectorSelector.ALL);
  }

  @Post(C + "/points/scroll")
  public ObjectNode scroll(@Param("collection_name") String collection, JsonNode body) {
    JsonFields.object(body, "the scroll body");
    JsonFields.unsupported(body, "", "shard_key", "custom sharding is not supported by Quiver");
    JsonFields.unsupported(
        body, "", "order_by", "ordering by a payload field is not supported by Quiver");
    Filter filter = requests.filter(body, "");
    int limit = requests.limit(body, "", 10);
    JsonNode offsetJson = get(body, "offset");
    PointId from = offsetJson == null ? null : PointsJson.id(offsetJson, "offset");
    PayloadSelector payload = RestRequests.withPayload(body, "", PayloadSelector.ALL);
    VectorSelector vectors = RestRequests.withVector(body, "", VectorSelector.NONE);
    LocalShard.ScrollPage page =
        collections.scroll(collection, from, limit, filter, payload.wanted(), vectors.wanted());
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    var points = out.putArray("points");
    for (PointRecord r : page.points()) {
      points.add(PointsJson.record(r, payload, vectors));
    }
    out.set("next_page_offset", page.nextOffset() == null ? null : page.nextOffset().toJson());
    return out;
  }

  @Post(C + "/points/count")
  public CountResult count(@Param("collection_name") String collection, JsonNode body) {
    JsonFields.object(body, "the count body");
    JsonFields.unsupported(body, "", "shard_key", "custom sharding is not supported by Quiver");
    JsonFields.bool(body, "", "exact", true); // checked; counts are always exact here
    return new CountResult(collections.count(collection, requests.filter(body, "")));
  }
}
