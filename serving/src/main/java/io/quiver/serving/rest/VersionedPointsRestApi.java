package io.quiver.serving.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.linecorp.armeria.server.annotation.Param;
import com.linecorp.armeria.server.annotation.Post;
import com.linecorp.armeria.server.annotation.Put;
import io.quiver.cluster.CollectionService;
import io.quiver.cluster.VersionedUpdateResult;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import java.io.IOException;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Versioned writes over REST, under {@code /quiver/}: the REST face of {@code quiver.QuiverPoints}
 * (client/src/main/protobuf/quiver/quiver.proto), an extension of Qdrant's point endpoints whose
 * points carry the writer's version (an unsigned 64-bit integer).
 *
 * <ul>
 *   <li>{@code PUT /quiver/collections/{name}/points?wait=true} {@code {"points": [{"id": 1,
 *       "vector": [...], "payload": {...}, "version": 17}]}}: upserts each point whose stored
 *       version is older than the one sent;
 *   <li>{@code POST /quiver/collections/{name}/points/delete?wait=true} {@code {"points": [{"id":
 *       1, "version": 18}]}}: deletes each point whose stored version is older, and stores the
 *       version as its tombstone, so that older upserts of it stay out;
 *   <li>{@code POST /quiver/collections/{name}/tombstones/purge?wait=true} {@code {"up_to_version":
 *       17}}: drops the tombstones at or below that version (the writer's promise that no write of
 *       those points at or below it will come again); answers {@code true}.
 * </ul>
 *
 * The first two answer {@code {"applied": n, "stale": m}}: the points written or deleted, and those
 * left alone because their stored version was the same or newer. {@code wait} (default false)
 * returns once the write is durable. Qdrant's own point endpoints keep their plain semantics and
 * neither read nor change the stored versions.
 */
public final class VersionedPointsRestApi {
  private static final String Q = "/quiver/collections/{collection_name}";
  private static final BigInteger MAX_UNSIGNED =
      BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

  private final CollectionService collections;
  private final RestRequests requests;

  VersionedPointsRestApi(CollectionService collections, RestRequests requests) {
    this.collections = collections;
    this.requests = requests;
  }

  /** {@code quiver.VersionedWriteResponse} without its time (the envelope carries it). */
  record VersionedResult(long applied, long stale) {
    static VersionedResult of(VersionedUpdateResult r) {
      return new VersionedResult(r.applied(), r.stale());
    }
  }

  @Put(Q + "/points")
  public VersionedResult upsert(
      @Param("collection_name") String collection,
      @Param("wait") Optional<String> wait,
      JsonNode body)
      throws IOException {
    JsonNode list = points(body, "the versioned upsert body");
    List<Point> points = new ArrayList<>(list.size());
    long[] versions = new long[list.size()];
    for (int i = 0; i < list.size(); i++) {
      String at = "points[" + i + "]";
      points.add(PointsJson.point(list.get(i), at));
      versions[i] = version(list.get(i), at);
    }
    return VersionedResult.of(
        collections.upsertVersioned(
            collection, points, versions, RestRequests.flag(wait, "wait", false)));
  }

  @Post(Q + "/points/delete")
  public VersionedResult delete(
      @Param("collection_name") String collection,
      @Param("wait") Optional<String> wait,
      JsonNode body)
      throws IOException {
    JsonNode list = points(body, "the versioned delete body");
    List<PointId> ids = new ArrayList<>(list.size());
    long[] versions = new long[list.size()];
    for (int i = 0; i < list.size(); i++) {
      String at = "points[" + i + "]";
      JsonFields.object(list.get(i), at);
      ids.add(PointsJson.id(list.get(i).get("id"), at + ".id"));
      versions[i] = version(list.get(i), at);
    }
    return VersionedResult.of(
        collections.deleteVersioned(
            collection, ids, versions, RestRequests.flag(wait, "wait", false)));
  }

  @Post(Q + "/tombstones/purge")
  public boolean purgeTombstones(
      @Param("collection_name") String collection,
      @Param("wait") Optional<String> wait,
      JsonNode body)
      throws IOException {
    JsonFields.object(body, "the purge body");
    long upTo = unsigned(body.get("up_to_version"), "up_to_version");
    collections.purgeTombstones(collection, upTo, RestRequests.flag(wait, "wait", false));
    return true;
  }

  private JsonNode points(JsonNode body, String what) {
    JsonFields.object(body, what);
    JsonNode points = JsonFields.requiredArray(body, "", "points");
    requests.strict().checkBatchSize("points (count)", points.size());
    return points;
  }

  /** A point's {@code version}: required, an integer in [0, 2^64 - 1]. */
  private static long version(JsonNode point, String at) {
    return unsigned(point.get("version"), at + ".version");
  }

  /** {@code v}, required, an integer in [0, 2^64 - 1]; errors name {@code field}. */
  private static long unsigned(JsonNode v, String field) {
    if (v == null || v.isNull()) {
      throw new IllegalArgumentException(field + " is required");
    }
    if (!v.isIntegralNumber()
        || v.bigIntegerValue().signum() < 0
        || v.bigIntegerValue().compareTo(MAX_UNSIGNED) > 0) {
      throw new IllegalArgumentException(
          field + " must be an unsigned 64-bit integer; got " + JsonFields.abbreviate(v));
    }
    return v.bigIntegerValue().longValue();
  }
}
