package io.quiver.serving.grpc;

import io.grpc.stub.StreamObserver;
import io.qdrant.client.grpc.QdrantGrpc;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckReply;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckRequest;
import io.quiver.serving.ServerInfo;

/** Qdrant's {@code qdrant.Qdrant} service: the health check clients call on connect. */
public final class QdrantService extends QdrantGrpc.QdrantImplBase {
  private final HealthCheckReply reply;

  public QdrantService(ServerInfo info) {
    HealthCheckReply.Builder builder =
        HealthCheckReply.newBuilder().setTitle(info.title()).setVersion(info.version());
    if (info.commit() != null) {
      builder.setCommit(info.commit());
    }
    this.reply = builder.build();
  }

  @Override
  public void healthCheck(HealthCheckRequest request, StreamObserver<HealthCheckReply> response) {
    response.onNext(reply);
    response.onCompleted();
  }
}
