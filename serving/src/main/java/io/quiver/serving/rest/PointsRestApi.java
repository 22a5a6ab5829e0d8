package io.quiver.serving.rest;

import static io.quiver.serving.rest.JsonFields.get;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.server.annotation.Get;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.Put;
import io.quiver.cluster.CollectionService;
import io.quiver.cluster.NotFoundException;
import io.quiver.cluster.UpdateResult;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.shard.LocalShard;
import io.quiver.serving.api.PayloadSelector;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Qdrant's point endpoints over REST: upsert, delete, retrieve, payload updates, scroll and count.
 * Each reads the whole body into an engine value (refusing it with the field and value named), then
 * makes one call to the {@link CollectionService}. Writes answer {@code {"operation_id",
 * "status"}}: {@code completed} with {@code ?wait=true} (durable), {@code acknowledged} without.
 */
public final class PointsRestApi {
  private static final String C = "/collections/{collection_name}";

  private final CollectionService collections;
  private final RestRequests requests;

  PointsRestApi(CollectionService collections, RestRequests requests) {
    this.collections = collections;
    this.requests = requests;
  }

  /** Qdrant's {@code UpdateResult}. */
  record WriteResult(long operationId, String status) {
    static WriteResult of(UpdateResult result) {
      return new WriteResult(
          result.operationId(), result.completed() ? "completed" : "acknowledged");
    }
  }

  record CountResult(long count) {}

  // ---------------------------------------------------------------- writes

  @Put(C + "/points")
  public WriteResult upsert(
      @Param("collection_name") String collection,
      @Param("wait") Optional<String> wait,
      JsonNode body)
      throws IOException {
    List<Point> points = PointsJson.upsert(body);
    requests.strict().checkBatchSize("points (count)", points.size());
    return write(collection, new Operation.Upsert(points), wait);
  }

  @Post(C + "/points/delete")
  public WriteResult delete(
      @Param("collection_name") String collection,
      @Param("wait") Optional<String> wait,
      JsonNode body)
      throws IOException {
    JsonFields.object(body, "the delete body");
    return write(collection, new Operation.DeletePoints(requests.selector(body)), wait);
  }

  @Post(C + "/points/payload")
  public WriteResult setPayload(
      @Param("collection_name") String collection,
      @Param("wait") Optional<String> wait,
      JsonNode body)
      throws IOException {
    JsonFields.object(body, "the set-payload body");
    ObjectNode payload = requiredPayload(body);
    String key = JsonFields.text(body, "", "key", null);
    return write(collection, new Operation.SetPayload(requests.selector(body), payload, key), wait);
  }

  @Put(C + "/points/payload")
  public WriteResult overwritePayload(
      @Param("collection_name") String collection,
      @Param("wait") Optional<String> wait,
      JsonNode body)
      throws IOException {
    JsonFields.object(body, "the overwrite-payload body");
    JsonFields.unsupported(
        body, "", "key", "overwriting the payload under a key is not supported; use set payload");
    ObjectNode payload = requiredPayload(body);
    return write(
        collection, new Operation.OverwritePayload(requests.selector(body), payload), wait);
  }

  @Post(C + "/points/payload/delete")
  public WriteResult deletePayload(
      @Param("collection_name") String collection,
      @Param("wait") Optional<String> wait,
      JsonNode body)
      throws IOException {
    JsonFields.object(body, "the delete-payload body");
    JsonNode keysJson = JsonFields.requiredArray(body, "", "keys");
    List<String> keys = new ArrayList<>();
    for (int i = 0; i < keysJson.size(); i++) {
      JsonNode key = keysJson.get(i);
      if (!key.isTextual()) {
        throw new IllegalArgumentException(
            "keys[" + i + "] must be a string; got " + JsonFields.abbreviate(key));
      }
      keys.add(key.textValue());
    }
    return write(collection, new Operation.DeletePayload(requests.selector(body), keys), wait);
  }

  @Post(C + "/points/payload/clear")
  public WriteResult clearPayload(
      @Param("collection_name") String collection,
      @Param("wait") Optional<String> wait,
      JsonNode body)
      throws IOException {
    JsonFields.object(body, "the clear-payload body");
    return write(collection, new Operation.ClearPayload(requests.selector(body)), wait);
  }

  private static ObjectNode requiredPayload(JsonNode body) {
    ObjectNode payload = PointsJson.payload(get(body, "payload"), "payload");
    if (payload == null) {
      throw new IllegalArgumentException("payload is required");
    }
    return payload;
  }

  private WriteResult write(String collection, Operation operation, Optional<String> wait)
      throws IOException {
    return WriteResult.of(
        collections.update(collection, operation, RestRequests.flag(wait, "wait", false)));
  }

  // ---------------------------------------------------------------- reads

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
