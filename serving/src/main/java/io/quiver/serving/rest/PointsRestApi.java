package io.quiver.serving.rest;

import static io.quiver.serving.rest.JsonFields.get;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.Put;
import io.quiver.cluster.CollectionService;
import io.quiver.cluster.UpdateResult;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.point.Point;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Qdrant's point writes over REST: upsert, delete and payload updates ({@link PointReadsRestApi}
 * has the reads). Each reads the whole body into an engine value (refusing it with the field and
 * value named), then makes one call to the {@link CollectionService}. Writes answer {@code
 * {"operation_id", "status"}}: {@code completed} with {@code ?wait=true} (durable), {@code
 * acknowledged} without.
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
}
