package io.quiver.serving;

import static io.quiver.serving.TestServers.get;
import static io.quiver.serving.TestServers.qdrantError;
import static io.quiver.serving.TestServers.sendJson;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.linecorp.armeria.client.WebClient;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.ClosedSessionException;
import com.linecorp.armeria.common.HttpData;
import com.linecorp.armeria.common.HttpMethod;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.common.stream.StreamMessage;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import io.quiver.client.grpc.ListVersionsRequest;
import io.quiver.client.grpc.ListVersionsResponse;
import io.quiver.client.grpc.PublishSnapshotRequest;
import io.quiver.client.grpc.PublishSnapshotResponse;
import io.quiver.client.grpc.QuiverAdminGrpc;
import io.quiver.client.grpc.RollbackRequest;
import io.quiver.client.grpc.RollbackResponse;
import io.quiver.cluster.ConflictException;
import io.quiver.cluster.NotFoundException;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Failures over both protocols: each comes back with the right status and a message that says what
 * was wrong, in Qdrant's shape over REST, and the node keeps serving.
 */
class ErrorsAndLimitsTest {
  private static TestApi api;
  private static QuiverServer server;
  private static ManagedChannel channel;

  /** Fails in a different way per method. */
  static final class FailingAdmin extends QuiverAdminGrpc.QuiverAdminImplBase {
    @Override
    public void publishSnapshot(
        PublishSnapshotRequest request, StreamObserver<PublishSnapshotResponse> response) {
      response.onError(new ConflictException("Version 3 of `docs` is already published"));
    }

    @Override
    public void listVersions(
        ListVersionsRequest request, StreamObserver<ListVersionsResponse> response) {
      throw new NotFoundException(
          "Collection `" + request.getCollectionName() + "` doesn't exist!");
    }

    @Override
    public void rollback(RollbackRequest request, StreamObserver<RollbackResponse> response) {
      throw new IllegalArgumentException("collection_name must not be empty");
    }
  }

  @BeforeAll
  static void start() {
    api = new TestApi();
    server =
        TestServers.builder(
                TestServers.config("service.max_request_size_mb=1", "strict_mode.max_timeout=1"))
            .restService(api)
            .grpcService(new FailingAdmin())
            .accessTable(TestApi.table())
            .build()
            .start();
    channel = TestServers.channel(server);
  }

  @AfterAll
  static void stop() throws InterruptedException {
    api.release.countDown();
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    server.close();
  }

  @Test
  void handlerExceptionsMapToStatuses() {
    assertEquals(
        "Collection `nowhere` doesn't exist!", qdrantError(get(server, "/test/missing"), 404));
    assertEquals(
        "limit must be in [1, 100]; got 0", qdrantError(get(server, "/test/invalid"), 400));
    String internal = qdrantError(get(server, "/test/broken"), 500);
    assertEquals("Service internal error: the test handler is broken", internal);
    assertEquals(200, get(server, "/healthz").statusCode());
  }

  @Test
  void malformedJsonIs400() {
    String error = qdrantError(sendJson(server, "POST", "/test/items", "{\"a\": "), 400);
    assertTrue(error.startsWith("Format error in JSON body: "), error);
    assertTrue(error.contains("line 1"), error);
  }

  @Test
  void wrongTypeNamesTheField() {
    String error =
        qdrantError(sendJson(server, "POST", "/test/batch", "{\"batch_size\": \"abc\"}"), 400);
    assertTrue(error.startsWith("Format error in JSON body: batch_size: "), error);
    assertTrue(error.contains("\"abc\""), error);
    String empty = qdrantError(sendJson(server, "POST", "/test/batch", ""), 400);
    assertTrue(empty.startsWith("Format error in JSON body: "), empty);
  }

  @Test
  void jsonIsReadWhateverTheContentTypeClaims() {
    // curl -d '{...}' labels JSON as a form.
    HttpRequest request =
        TestServers.request(server, "/test/items")
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString("{\"a\": 1}"))
            .build();
    HttpResponse<String> response = TestServers.send(request);
    assertEquals(200, response.statusCode(), response.body());
    assertEquals(1, TestServers.json(response).path("result").path("a").asInt());
  }

  @Test
  void headIsAnsweredLikeGet() {
    assertEquals(200, TestServers.call(server, "HEAD", "/healthz", null).statusCode());
  }

  @Test
  void requestRecordValidationIs400() {
    String error = qdrantError(sendJson(server, "POST", "/test/batch", "{\"batch_size\": 0}"), 400);
    assertEquals("batch_size must be >= 1; got 0", error);
    HttpResponse<String> ok = sendJson(server, "POST", "/test/batch", "{\"batch_size\": 5}");
    assertEquals(5, TestServers.json(ok).path("result").asInt(), ok.body());
  }

  @Test
  void wrongMethodIs405() {
    String error = qdrantError(TestServers.call(server, "DELETE", "/healthz", null), 405);
    assertTrue(error.contains("DELETE /healthz"), error);
  }

  @Test
  void oversizedBodyIs413WithContentLength() {
    // Expect: 100-continue, as curl sends for large bodies: the client waits for the verdict
    // instead of racing the server's 413 with its upload.
    HttpRequest request =
        TestServers.request(server, "/test/items")
            .header("Content-Type", "application/json")
            .expectContinue(true)
            .POST(HttpRequest.BodyPublishers.ofString(oversizedJson()))
            .build();
    String error = qdrantError(TestServers.send(request), 413);
    assertEquals(
        "Payload too large: the request body is larger than the limit of 1048576 bytes"
            + " (service.max_request_size_mb)",
        error);
    assertEquals(200, get(server, "/healthz").statusCode());
  }

  @Test
  void oversizedBodyIsRefusedWhenStreamed() {
    // No Content-Length: the limit is found out while reading, and the handler never sees the
    // body. Over HTTP/1.1 the server then closes the connection, so a client still uploading may
    // see the reset before it reads the 413; either is a refusal.
    byte[] body = oversizedJson().getBytes(StandardCharsets.UTF_8);
    List<HttpData> chunks = new ArrayList<>();
    for (int offset = 0; offset < body.length; offset += 64 * 1024) {
      chunks.add(HttpData.copyOf(body, offset, Math.min(64 * 1024, body.length - offset)));
    }
    int writesBefore = api.writes.get();
    CompletableFuture<AggregatedHttpResponse> response =
        WebClient.of("h1c://127.0.0.1:" + server.httpPort())
            .execute(
                com.linecorp.armeria.common.HttpRequest.of(
                    RequestHeaders.builder(HttpMethod.POST, "/test/items")
                        .contentType(MediaType.JSON)
                        .build(),
                    StreamMessage.of(chunks.toArray(HttpData[]::new))))
            .aggregate();
    try {
      AggregatedHttpResponse answered = response.join();
      assertEquals(413, answered.status().code(), answered.contentUtf8());
      assertTrue(answered.contentUtf8().contains("service.max_request_size_mb"));
    } catch (CompletionException closedWhileUploading) {
      Throwable cause = closedWhileUploading.getCause();
      assertTrue(
          cause instanceof ClosedSessionException || cause instanceof IOException,
          closedWhileUploading.toString());
    }
    assertEquals(writesBefore, api.writes.get());
    assertEquals(200, get(server, "/healthz").statusCode());
  }

  private static String oversizedJson() {
    return "{\"pad\": \"" + "x".repeat(2 * 1024 * 1024) + "\"}";
  }

  @Test
  void slowRequestTimesOut() {
    long start = System.nanoTime();
    String error = qdrantError(get(server, "/test/slow"), 408);
    assertTrue(error.contains("strict_mode.max_timeout"), error);
    assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20));
  }

  @Test
  void grpcFailuresMapToCodes() {
    QuiverAdminGrpc.QuiverAdminBlockingStub admin = QuiverAdminGrpc.newBlockingStub(channel);
    StatusRuntimeException notFound =
        assertThrows(
            StatusRuntimeException.class,
            () ->
                admin.listVersions(
                    ListVersionsRequest.newBuilder().setCollectionName("docs").build()));
    assertEquals(Status.Code.NOT_FOUND, notFound.getStatus().getCode());
    assertEquals("Collection `docs` doesn't exist!", notFound.getStatus().getDescription());

    StatusRuntimeException invalid =
        assertThrows(
            StatusRuntimeException.class,
            () -> admin.rollback(RollbackRequest.getDefaultInstance()));
    assertEquals(Status.Code.INVALID_ARGUMENT, invalid.getStatus().getCode());
    assertEquals("collection_name must not be empty", invalid.getStatus().getDescription());

    StatusRuntimeException exists =
        assertThrows(
            StatusRuntimeException.class,
            () -> admin.publishSnapshot(PublishSnapshotRequest.getDefaultInstance()));
    assertEquals(Status.Code.ALREADY_EXISTS, exists.getStatus().getCode());
  }

  @Test
  void oversizedGrpcMessageIsResourceExhausted() {
    PublishSnapshotRequest huge =
        PublishSnapshotRequest.newBuilder().setUri("x".repeat(2 * 1024 * 1024)).build();
    StatusRuntimeException tooLarge =
        assertThrows(
            StatusRuntimeException.class,
            () -> QuiverAdminGrpc.newBlockingStub(channel).publishSnapshot(huge));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, tooLarge.getStatus().getCode());
    // The node is still there.
    assertFalse(channel.isShutdown());
    assertEquals(200, get(server, "/healthz").statusCode());
  }
}
