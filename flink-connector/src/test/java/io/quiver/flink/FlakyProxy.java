package io.quiver.flink;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.InsecureServerCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quiver.client.grpc.QuiverPointsGrpc;
import io.quiver.client.grpc.VersionedDelete;
import io.quiver.client.grpc.VersionedUpsert;
import io.quiver.client.grpc.VersionedWriteResponse;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * A {@code quiver.QuiverPoints} server in front of a node that fails calls on purpose: the first
 * {@code refuse} calls are answered with a status and never reach the node; the next {@code
 * loseAnswers} reach the node and are applied there, but the answer is replaced by UNAVAILABLE (an
 * acknowledgement lost on the way back). Later calls pass through.
 */
final class FlakyProxy implements AutoCloseable {

  final AtomicInteger calls = new AtomicInteger();
  final AtomicInteger refused = new AtomicInteger();
  final AtomicInteger answersLost = new AtomicInteger();
  private final int refuse;
  private final Status.Code refuseWith;
  private final int loseAnswers;
  private final ManagedChannel channel;
  private final Server server;

  FlakyProxy(String node, int refuse, Status.Code refuseWith, int loseAnswers) throws IOException {
    this.refuse = refuse;
    this.refuseWith = refuseWith;
    this.loseAnswers = loseAnswers;
    this.channel = Grpc.newChannelBuilder(node, InsecureChannelCredentials.create()).build();
    QuiverPointsGrpc.QuiverPointsBlockingStub forward = QuiverPointsGrpc.newBlockingStub(channel);
    this.server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(
                new QuiverPointsGrpc.QuiverPointsImplBase() {
                  @Override
                  public void upsert(
                      VersionedUpsert request, StreamObserver<VersionedWriteResponse> response) {
                    handle(() -> forward.upsert(request), response);
                  }

                  @Override
                  public void delete(
                      VersionedDelete request, StreamObserver<VersionedWriteResponse> response) {
                    handle(() -> forward.delete(request), response);
                  }
                })
            .build()
            .start();
  }

  private void handle(
      Supplier<VersionedWriteResponse> call, StreamObserver<VersionedWriteResponse> response) {
    int n = calls.incrementAndGet();
    if (n <= refuse) {
      refused.incrementAndGet();
      response.onError(
          refuseWith.toStatus().withDescription("proxy refuses call " + n).asException());
      return;
    }
    VersionedWriteResponse answer;
    try {
      answer = call.get();
    } catch (RuntimeException e) {
      response.onError(Status.fromThrowable(e).asException());
      return;
    }
    if (n <= refuse + loseAnswers) {
      answersLost.incrementAndGet();
      response.onError(
          Status.UNAVAILABLE.withDescription("proxy lost the answer to call " + n).asException());
      return;
    }
    response.onNext(answer);
    response.onCompleted();
  }

  String address() {
    return "127.0.0.1:" + server.getPort();
  }

  @Override
  public void close() {
    try {
      server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
