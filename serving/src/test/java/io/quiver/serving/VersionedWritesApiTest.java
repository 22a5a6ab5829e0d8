package io.quiver.serving;

import static io.qdrant.client.PointIdFactory.id;
import static io.quiver.serving.TestServers.json;
import static io.quiver.serving.TestServers.qdrantError;
import static io.quiver.serving.TestServers.sendJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.qdrant.client.ValueFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.grpc.Points;
import io.quiver.client.grpc.PurgeTombstonesRequest;
import io.quiver.client.grpc.PurgeTombstonesResponse;
import io.quiver.client.grpc.QuiverPointsGrpc;
import io.quiver.client.grpc.VersionedDelete;
import io.quiver.client.grpc.VersionedId;
import io.quiver.client.grpc.VersionedPoint;
import io.quiver.client.grpc.VersionedUpsert;
import io.quiver.client.grpc.VersionedWriteResponse;
import io.quiver.cluster.CollectionSettings;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Versioned writes against a real node: {@code quiver.QuiverPoints} through its generated stub and
 * the REST extension under {@code /quiver/}: applied and stale counts, tombstones, plain Qdrant
 * writes beside them, unsigned versions, API keys, and bad input refused naming the field.
 */
class VersionedWritesApiTest {
  private static final String RW = "rw-secret";
  private static final String RO = "ro-secret";
  private static final int DIM = 4;

  @TempDir static Path tmp;
  private static QuiverNode node;
  private static ManagedChannel channel;
  private static QuiverPointsGrpc.QuiverPointsBlockingStub writer;

  @BeforeAll
  static void start() throws Exception {
    node =
        QuiverNode.start(
            TestServers.config(
                "storage.storage_path=" + tmp.resolve("storage"),
                "service.api_key=" + RW,
                "service.read_only_api_key=" + RO,
                "strict_mode.upsert_max_batchsize=50"));
    for (String name : List.of("grpc", "rest")) {
      node.collections()
          .createCollection(
              name,
              CollectionConfig.fromJson(
                  TestServers.JSON.readTree(
                      "{\"vectors\": {\"size\": " + DIM + ", \"distance\": \"Dot\"}}")),
              CollectionSettings.DEFAULT);
    }
    channel = TestServers.channel(node.server());
    writer = stub(RW);
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    node.close();
  }

  private static QuiverPointsGrpc.QuiverPointsBlockingStub stub(String key) {
    return QuiverPointsGrpc.newBlockingStub(channel)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(GrpcCalls.apiKey(key)));
  }

  private static VersionedPoint point(long id, String tag, long version) {
    return VersionedPoint.newBuilder()
        .setPoint(
            Points.PointStruct.newBuilder()
                .setId(id(id))
                .setVectors(VectorsFactory.vectors(new float[] {id, 1, 0, 0}))
                .putPayload("tag", ValueFactory.value(tag)))
        .setVersion(version)
        .build();
  }

  private static VersionedUpsert upsert(String collection, VersionedPoint... points) {
    return VersionedUpsert.newBuilder()
        .setCollectionName(collection)
        .setWait(true)
        .addAllPoints(List.of(points))
        .build();
  }

  private static VersionedDelete delete(String collection, long[][] idVersions) {
    VersionedDelete.Builder b = VersionedDelete.newBuilder().setCollectionName(collection);
    for (long[] iv : idVersions) {
      b.addIds(VersionedId.newBuilder().setId(id(iv[0])).setVersion(iv[1]));
    }
    return b.build(); // without wait: acknowledged once applied and logged
  }

  private static void assertCounts(long applied, long stale, VersionedWriteResponse r) {
    assertEquals(applied, r.getApplied(), "applied in " + r);
    assertEquals(stale, r.getStale(), "stale in " + r);
    assertTrue(r.getTime() >= 0, r.toString());
  }

  /** The tag of the live point {@code id}, or null. */
  private static String tag(String collection, long id) {
    List<PointRecord> found =
        node.collections().retrieve(collection, List.of(PointId.of(id)), true, false);
    return found.isEmpty() ? null : found.get(0).payload().get("tag").asText();
  }

  @Test
  void grpcUpsertsAndDeletesSkipStaleVersions() {
    assertCounts(
        3, 0, writer.upsert(upsert("grpc", point(1, "a", 5), point(2, "a", 5), point(3, "a", 5))));
    // A replay: the same and older versions are stale, a newer one applies.
    assertCounts(
        1, 2, writer.upsert(upsert("grpc", point(1, "b", 5), point(2, "b", 4), point(3, "b", 6))));
    assertEquals(List.of("a", "a", "b"), List.of(tag("grpc", 1), tag("grpc", 2), tag("grpc", 3)));
    assertCounts(2, 1, writer.delete(delete("grpc", new long[][] {{1, 4}, {2, 6}, {9, 1}})));
    assertEquals(null, tag("grpc", 2));
    // The tombstones of 2 (6) and 9 (1) keep older upserts out; newer ones bring the points back.
    assertCounts(
        1, 2, writer.upsert(upsert("grpc", point(2, "c", 6), point(9, "c", 1), point(9, "d", 2))));
    assertEquals("d", tag("grpc", 9));
    // Unsigned: 2^64 - 1 is the newest version there is.
    assertCounts(1, 0, writer.upsert(upsert("grpc", point(1, "max", -1L))));
    assertCounts(0, 1, writer.upsert(upsert("grpc", point(1, "min", Long.MIN_VALUE))));
    assertEquals("max", tag("grpc", 1));
  }

  @Test
  void restUpsertsAndDeletesSkipStaleVersions() {
    JsonNode first =
        json(
            ok(
                "PUT",
                "/quiver/collections/rest/points?wait=true",
                "{\"points\": ["
                    + "{\"id\": 1, \"vector\": [1, 1, 0, 0], \"payload\": {\"tag\": \"a\"},"
                    + " \"version\": 5},"
                    + "{\"id\": 2, \"vector\": [2, 1, 0, 0], \"payload\": {\"tag\": \"a\"},"
                    + " \"version\": 18446744073709551615}]}"));
    assertEquals("ok", first.get("status").asText());
    assertTrue(first.get("time").isNumber(), first.toString());
    assertEquals(
        TestServers.JSON.createObjectNode().put("applied", 2).put("stale", 0), first.get("result"));
    assertResult(
        1,
        1,
        ok(
            "PUT",
            "/quiver/collections/rest/points",
            "{\"points\": ["
                + "{\"id\": 1, \"vector\": [1, 1, 0, 0], \"payload\": {\"tag\": \"b\"},"
                + " \"version\": 6},"
                + "{\"id\": 2, \"vector\": [2, 1, 0, 0], \"payload\": {\"tag\": \"b\"},"
                + " \"version\": 9223372036854775808}]}"));
    assertEquals(List.of("b", "a"), List.of(tag("rest", 1), tag("rest", 2)));
    assertResult(
        2,
        1,
        ok(
            "POST",
            "/quiver/collections/rest/points/delete?wait=true",
            "{\"points\": [{\"id\": 1, \"version\": 7}, {\"id\": 2, \"version\": 3},"
                + " {\"id\": \"6f1c0b4e-8a3b-4d0e-9a55-0c4a5b1f2e3d\", \"version\": 1}]}"));
    assertEquals(null, tag("rest", 1));
    assertResult(
        1,
        2,
        ok(
            "PUT",
            "/quiver/collections/rest/points?wait=true",
            "{\"points\": [{\"id\": 1, \"vector\": [1, 1, 0, 0], \"version\": 7},"
                + " {\"id\": \"6f1c0b4e-8a3b-4d0e-9a55-0c4a5b1f2e3d\", \"vector\": [1, 1, 0, 0],"
                + " \"version\": 1},"
                + " {\"id\": \"6f1c0b4e-8a3b-4d0e-9a55-0c4a5b1f2e3d\", \"vector\": [1, 1, 0, 0],"
                + " \"payload\": {\"tag\": \"uuid\"}, \"version\": 2}]}"));
  }

  @Test
  void purgedTombstonesNoLongerKeepOlderUpsertsOut() {
    assertCounts(1, 0, writer.upsert(upsert("grpc", point(30, "a", 5))));
    assertCounts(2, 0, writer.delete(delete("grpc", new long[][] {{30, 8}, {31, 20}})));
    assertCounts(0, 1, writer.upsert(upsert("grpc", point(30, "replayed", 7))));
    // Up to 10: 30's tombstone (8) goes; 31's (20) stays; live points keep their versions.
    assertCounts(1, 0, writer.upsert(upsert("grpc", point(32, "live", 3))));
    PurgeTombstonesResponse purged =
        writer.purgeTombstones(
            PurgeTombstonesRequest.newBuilder()
                .setCollectionName("grpc")
                .setUpToVersion(10)
                .setWait(true)
                .build());
    assertTrue(purged.getTime() >= 0, purged.toString());
    assertCounts(1, 0, writer.upsert(upsert("grpc", point(30, "after purge", 7))));
    assertEquals("after purge", tag("grpc", 30));
    assertCounts(0, 1, writer.upsert(upsert("grpc", point(31, "replayed", 19))));
    assertCounts(0, 1, writer.upsert(upsert("grpc", point(32, "older", 2))));
    assertEquals("live", tag("grpc", 32));

    // The same over REST.
    assertResult(
        1,
        0,
        ok(
            "POST",
            "/quiver/collections/rest/points/delete",
            "{\"points\": [{\"id\": 40, \"version\": 4}]}"));
    JsonNode answer =
        json(
            ok(
                "POST",
                "/quiver/collections/rest/tombstones/purge?wait=true",
                "{\"up_to_version\": 4}"));
    assertTrue(answer.get("result").asBoolean(), answer.toString());
    assertCounts(1, 0, writer.upsert(upsert("rest", point(40, "back", 1))));
    refused(
        "POST",
        "/quiver/collections/rest/tombstones/purge",
        "{\"up_to_version\": -1}",
        400,
        "up_to_version must be an unsigned 64-bit integer; got -1");
    refused(
        "POST",
        "/quiver/collections/rest/tombstones/purge",
        "{}",
        400,
        "up_to_version is required");
    refused(
        "POST",
        "/quiver/collections/nope/tombstones/purge",
        "{\"up_to_version\": 1}",
        404,
        "collection 'nope' does not exist");
  }

  @Test
  void qdrantWritesKeepTheirPlainSemanticsBesideVersionedOnes() {
    assertCounts(1, 0, writer.upsert(upsert("grpc", point(50, "versioned", 10))));
    // A plain Qdrant upsert replaces the point whatever the versions say, and leaves the version.
    ok(
        "PUT",
        "/collections/grpc/points?wait=true",
        "{\"points\": [{\"id\": 50, \"vector\": [5, 1, 0, 0], \"payload\": {\"tag\": \"plain\"}}]}");
    assertEquals("plain", tag("grpc", 50));
    assertCounts(0, 1, writer.upsert(upsert("grpc", point(50, "old", 10))));
    ok("POST", "/collections/grpc/points/delete?wait=true", "{\"points\": [50]}");
    assertEquals(null, tag("grpc", 50));
    assertCounts(0, 1, writer.upsert(upsert("grpc", point(50, "older", 9))));
    assertCounts(1, 0, writer.upsert(upsert("grpc", point(50, "newer", 11))));
    assertEquals("newer", tag("grpc", 50));
  }

  @Test
  void writesNeedTheReadWriteKey() {
    for (String key : new String[] {RO, null, "guess"}) {
      StatusRuntimeException e =
          assertThrows(
              StatusRuntimeException.class,
              () -> stub(key).upsert(upsert("grpc", point(70, "x", 1))));
      assertEquals(
          key == RO ? Status.Code.PERMISSION_DENIED : Status.Code.UNAUTHENTICATED,
          e.getStatus().getCode(),
          String.valueOf(key));
      e =
          assertThrows(
              StatusRuntimeException.class,
              () -> stub(key).delete(delete("grpc", new long[][] {{70, 1}})));
      assertEquals(
          key == RO ? Status.Code.PERMISSION_DENIED : Status.Code.UNAUTHENTICATED,
          e.getStatus().getCode());
    }
    String denied =
        qdrantError(
            sendJson(
                node.server(),
                "PUT",
                "/quiver/collections/rest/points",
                "{\"points\": [{\"id\": 70, \"vector\": [1, 1, 0, 0], \"version\": 1}]}",
                "api-key",
                RO),
            403);
    assertTrue(denied.contains("PUT /quiver/collections/"), denied);
    qdrantError(
        sendJson(
            node.server(),
            "POST",
            "/quiver/collections/rest/points/delete",
            "{\"points\": [{\"id\": 70, \"version\": 1}]}"),
        401);
    assertEquals(null, tag("grpc", 70));
    // Nothing was stored either: version 0, the oldest, still applies.
    assertCounts(1, 0, writer.upsert(upsert("grpc", point(70, "x", 0))));
  }

  @Test
  void badRestInputIsRefusedNamingTheFieldAndTheValue() {
    String upsert = "/quiver/collections/rest/points?wait=true";
    String delete = "/quiver/collections/rest/points/delete";
    refused(
        "PUT",
        upsert,
        "{\"points\": [{\"id\": 80, \"vector\": [1, 2, 3], \"version\": 1}]}",
        400,
        "points[0]: vector of point 80 has dimension 3; expected 4");
    refused(
        "PUT",
        upsert,
        "{\"points\": [{\"id\": 80, \"vector\": [1, 2, 3, 1e39], \"version\": 1}]}",
        400,
        "points[0].vector[3] must be a finite 32-bit float");
    refused(
        "PUT",
        upsert,
        "{\"points\": [{\"id\": 80, \"vector\": [1, 2, 3, 4]}]}",
        400,
        "points[0].version is required");
    refused(
        "PUT",
        upsert,
        "{\"points\": [{\"id\": 80, \"vector\": [1, 2, 3, 4], \"version\": -1}]}",
        400,
        "points[0].version must be an unsigned 64-bit integer; got -1");
    refused(
        "POST",
        delete,
        "{\"points\": [{\"id\": 80, \"version\": 18446744073709551616}]}",
        400,
        "points[0].version must be an unsigned 64-bit integer; got 18446744073709551616");
    refused(
        "POST",
        delete,
        "{\"points\": [{\"id\": 80, \"version\": 1.5}]}",
        400,
        "points[0].version must be an unsigned 64-bit integer; got 1.5");
    refused(
        "POST",
        delete,
        "{\"points\": [{\"id\": -3, \"version\": 1}]}",
        400,
        "points[0].id must be an unsigned 64-bit integer or a UUID; got -3");
    refused("POST", delete, "{\"ids\": [80]}", 400, "points is required");
    refused("POST", delete, "{\"points\": [80]}", 400, "points[0] must be a JSON object; got 80");
    StringBuilder many = new StringBuilder("{\"points\": [");
    for (int i = 0; i < 51; i++) {
      many.append(i == 0 ? "" : ",").append("{\"id\": ").append(i).append(", \"version\": 1}");
    }
    refused(
        "POST",
        delete,
        many.append("]}").toString(),
        400,
        "points (count) must be in [0, 50] (strict_mode.upsert_max_batchsize); got 51");
    refused(
        "PUT",
        "/quiver/collections/nope/points",
        "{\"points\": [{\"id\": 80, \"vector\": [1, 2, 3, 4], \"version\": 1}]}",
        404,
        "collection 'nope' does not exist");
    refused(
        "POST",
        "/quiver/collections/nope/points/delete",
        "{\"points\": [{\"id\": 80, \"version\": 1}]}",
        404,
        "collection 'nope' does not exist");
    refused(
        "PUT",
        "/quiver/collections/rest/points?wait=maybe",
        "{\"points\": []}",
        400,
        "wait must be true or false; got 'maybe'");
    assertEquals(null, tag("rest", 80));
    assertCounts(1, 0, writer.upsert(upsert("rest", point(80, "x", 0))));
  }

  private static HttpResponse<String> ok(String method, String path, String body) {
    HttpResponse<String> r = sendJson(node.server(), method, path, body, "api-key", RW);
    assertEquals(200, r.statusCode(), r.body());
    return r;
  }

  private static void assertResult(long applied, long stale, HttpResponse<String> r) {
    JsonNode result = json(r).get("result");
    assertEquals(applied, result.get("applied").asLong(), r.body());
    assertEquals(stale, result.get("stale").asLong(), r.body());
  }

  private static void refused(
      String method, String path, String body, int status, String expected) {
    String error = qdrantError(sendJson(node.server(), method, path, body, "api-key", RW), status);
    assertTrue(error.contains(expected), error + " lacks: " + expected);
  }
}
