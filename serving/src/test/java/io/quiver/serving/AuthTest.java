package io.quiver.serving;

import static io.quiver.serving.TestServers.get;
import static io.quiver.serving.TestServers.qdrantError;
import static io.quiver.serving.TestServers.sendJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.grpc.Collections.ListCollectionsRequest;
import io.qdrant.client.grpc.Collections.ListCollectionsResponse;
import io.qdrant.client.grpc.CollectionsGrpc;
import io.quiver.client.grpc.ListVersionsRequest;
import io.quiver.client.grpc.ListVersionsResponse;
import io.quiver.client.grpc.PublishSnapshotRequest;
import io.quiver.client.grpc.PublishSnapshotResponse;
import io.quiver.client.grpc.PurgeTombstonesRequest;
import io.quiver.client.grpc.PurgeTombstonesResponse;
import io.quiver.client.grpc.QuiverAdminGrpc;
import io.quiver.client.grpc.QuiverPointsGrpc;
import io.quiver.client.grpc.SnapshotVersion;
import io.quiver.client.grpc.VersionedDelete;
import io.quiver.client.grpc.VersionedUpsert;
import io.quiver.client.grpc.VersionedWriteResponse;
import io.quiver.serving.auth.Access;
import io.quiver.serving.auth.AccessTable;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * API keys over both protocols, driven by the access table: every endpoint the server serves is
 * called with no key, a wrong key, the read-only key and the read-write key.
 */
class AuthTest {
  private static final String RW = "rw-secret";
  private static final String RO = "ro-secret";

  private static final AccessTable TABLE = TestApi.table();
  private static QuiverServer server;
  private static ManagedChannel channel;

  /** A Quiver admin service that answers; only the keys are under test here. */
  static final class AnsweringAdmin extends QuiverAdminGrpc.QuiverAdminImplBase {
    @Override
    public void publishSnapshot(
        PublishSnapshotRequest request, StreamObserver<PublishSnapshotResponse> response) {
      response.onNext(
          PublishSnapshotResponse.newBuilder()
              .setVersion(SnapshotVersion.newBuilder().setVersion(1).setUri(request.getUri()))
              .build());
      response.onCompleted();
    }

    @Override
    public void listVersions(
        ListVersionsRequest request, StreamObserver<ListVersionsResponse> response) {
      response.onNext(ListVersionsResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  /** Quiver's versioned writes answering; only the keys are under test here. */
  static final class AnsweringVersionedPoints extends QuiverPointsGrpc.QuiverPointsImplBase {
    @Override
    public void upsert(VersionedUpsert request, StreamObserver<VersionedWriteResponse> response) {
      response.onNext(
          VersionedWriteResponse.newBuilder().setApplied(request.getPointsCount()).build());
      response.onCompleted();
    }

    @Override
    public void delete(VersionedDelete request, StreamObserver<VersionedWriteResponse> response) {
      response.onNext(
          VersionedWriteResponse.newBuilder().setApplied(request.getIdsCount()).build());
      response.onCompleted();
    }

    @Override
    public void purgeTombstones(
        PurgeTombstonesRequest request, StreamObserver<PurgeTombstonesResponse> response) {
      response.onNext(PurgeTombstonesResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  /** Qdrant's collections service answering only List; enough to see the official client's key. */
  static final class AnsweringCollections extends CollectionsGrpc.CollectionsImplBase {
    @Override
    public void list(
        ListCollectionsRequest request, StreamObserver<ListCollectionsResponse> response) {
      response.onNext(ListCollectionsResponse.getDefaultInstance());
      response.onCompleted();
    }
  }

  @BeforeAll
  static void start() {
    TestApi api = new TestApi();
    api.release.countDown(); // the slow handler answers at once here
    server =
        TestServers.builder(
                TestServers.config("service.api_key=" + RW, "service.read_only_api_key=" + RO))
            .restService(api)
            .grpcService(new AnsweringAdmin())
            .grpcService(new AnsweringVersionedPoints())
            .grpcService(new AnsweringCollections())
            .accessTable(TABLE)
            .build()
            .start();
    channel = TestServers.channel(server);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void everyRestEndpointByKey() {
    assertTrue(
        server.restEndpoints().contains("POST /test/items"), server.restEndpoints().toString());
    for (String endpoint : server.restEndpoints()) {
      Access access = TABLE.restEntries().get(endpoint);
      String method = endpoint.substring(0, endpoint.indexOf(' '));
      String path = endpoint.substring(endpoint.indexOf(' ') + 1).replace("{}", "x");
      int noKey = callRest(method, path).statusCode();
      int wrongKey = callRest(method, path, "api-key", "guess").statusCode();
      int readOnly = callRest(method, path, "api-key", RO).statusCode();
      int readWrite = callRest(method, path, "api-key", RW).statusCode();
      String what = endpoint + " (" + access + ")";
      assertFalse(readWrite == 401 || readWrite == 403, what + " with the read-write key");
      switch (access) {
        case PUBLIC -> {
          assertFalse(noKey == 401 || noKey == 403, what + " with no key");
          assertFalse(readOnly == 401 || readOnly == 403, what + " with the read-only key");
        }
        case READ -> {
          assertEquals(401, noKey, what + " with no key");
          assertEquals(401, wrongKey, what + " with a wrong key");
          assertFalse(readOnly == 401 || readOnly == 403, what + " with the read-only key");
        }
        case WRITE -> {
          assertEquals(401, noKey, what + " with no key");
          assertEquals(401, wrongKey, what + " with a wrong key");
          assertEquals(403, readOnly, what + " with the read-only key");
        }
      }
    }
  }

  @Test
  void everyGrpcMethodByKey() throws Exception {
    for (String expected :
        List.of(
            "quiver.QuiverAdmin/PublishSnapshot",
            "quiver.QuiverPoints/Upsert",
            "quiver.QuiverPoints/Delete",
            "quiver.QuiverPoints/PurgeTombstones")) {
      assertTrue(server.grpcMethods().contains(expected), server.grpcMethods().toString());
    }
    for (String method : server.grpcMethods()) {
      Access access = TABLE.grpcEntries().get(method);
      Status.Code noKey = GrpcCalls.call(channel, method, GrpcCalls.apiKey(null)).getCode();
      Status.Code wrongKey = GrpcCalls.call(channel, method, GrpcCalls.apiKey("guess")).getCode();
      Status.Code readOnly = GrpcCalls.call(channel, method, GrpcCalls.apiKey(RO)).getCode();
      Status.Code readWrite = GrpcCalls.call(channel, method, GrpcCalls.apiKey(RW)).getCode();
      String what = method + " (" + access + ")";
      assertFalse(refused(readWrite), what + " with the read-write key: " + readWrite);
      switch (access) {
        case PUBLIC -> {
          assertFalse(refused(noKey), what + " with no key: " + noKey);
          assertFalse(refused(readOnly), what + " with the read-only key: " + readOnly);
        }
        case READ -> {
          assertEquals(Status.Code.UNAUTHENTICATED, noKey, what + " with no key");
          assertEquals(Status.Code.UNAUTHENTICATED, wrongKey, what + " with a wrong key");
          assertFalse(refused(readOnly), what + " with the read-only key: " + readOnly);
        }
        case WRITE -> {
          assertEquals(Status.Code.UNAUTHENTICATED, noKey, what + " with no key");
          assertEquals(Status.Code.UNAUTHENTICATED, wrongKey, what + " with a wrong key");
          assertEquals(Status.Code.PERMISSION_DENIED, readOnly, what + " with the read-only key");
        }
      }
    }
  }

  @Test
  void refusalsSayWhatIsWrong() {
    String missing = qdrantError(sendJson(server, "POST", "/test/items", "{}"), 401);
    assertTrue(missing.contains("API key"), missing);
    String readOnly =
        qdrantError(sendJson(server, "POST", "/test/items", "{}", "api-key", RO), 403);
    assertTrue(readOnly.contains("POST /test/items"), readOnly);
    QuiverAdminGrpc.QuiverAdminBlockingStub admin =
        QuiverAdminGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(GrpcCalls.apiKey(RO)));
    StatusRuntimeException denied =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                admin.publishSnapshot(
                    PublishSnapshotRequest.newBuilder().setUri("s3://x").build()));
    assertEquals(Status.Code.PERMISSION_DENIED, denied.getStatus().getCode());
    assertTrue(
        denied.getStatus().getDescription().contains("quiver.QuiverAdmin/PublishSnapshot"),
        denied.getStatus().toString());
  }

  @Test
  void bearerTokenWorksLikeTheApiKeyHeader() {
    HttpResponse<String> response =
        sendJson(server, "POST", "/test/items", "{\"a\": 1}", "Authorization", "Bearer " + RW);
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(
        403,
        sendJson(server, "POST", "/test/items", "{}", "Authorization", "bearer " + RO)
            .statusCode());
  }

  @Test
  void healthIsOpenMetricsAreNot() {
    assertEquals(200, get(server, "/healthz").statusCode());
    assertEquals(200, get(server, "/").statusCode());
    assertEquals(401, get(server, "/metrics").statusCode());
    assertEquals(200, get(server, "/metrics", "api-key", RO).statusCode());
  }

  @Test
  void unknownPathsAre404EvenWithoutKey() {
    qdrantError(get(server, "/collections-typo"), 404);
  }

  @Test
  void officialClientWithAndWithoutItsApiKey() throws Exception {
    try (QdrantClient withKey = officialClient(RO);
        QdrantClient withoutKey = officialClient(null)) {
      assertEquals(List.of(), withKey.listCollectionsAsync().get(30, TimeUnit.SECONDS));
      ExecutionException refused =
          assertThrows(
              ExecutionException.class,
              () -> withoutKey.listCollectionsAsync().get(30, TimeUnit.SECONDS));
      assertEquals(Status.Code.UNAUTHENTICATED, Status.fromThrowable(refused.getCause()).getCode());
      // The health check is public, as in Qdrant.
      assertEquals("quiver", withoutKey.healthCheckAsync().get(30, TimeUnit.SECONDS).getTitle());
    }
  }

  private static QdrantClient officialClient(String apiKey) {
    QdrantGrpcClient.Builder builder =
        QdrantGrpcClient.newBuilder("127.0.0.1", server.grpcPort(), false);
    if (apiKey != null) {
      builder.withApiKey(apiKey);
    }
    return new QdrantClient(builder.build());
  }

  private static boolean refused(Status.Code code) {
    return code == Status.Code.UNAUTHENTICATED || code == Status.Code.PERMISSION_DENIED;
  }

  private static HttpResponse<String> callRest(String method, String path, String... headers) {
    boolean hasBody = !(method.equals("GET") || method.equals("DELETE"));
    return TestServers.call(server, method, path, hasBody ? "{}" : null, headers);
  }
}
