package io.quiver.serving.grpc;

import io.grpc.stub.StreamObserver;
import io.quiver.client.grpc.QuiverPointsGrpc;
import io.quiver.client.grpc.VersionedDelete;
import io.quiver.client.grpc.VersionedUpsert;
import io.quiver.client.grpc.VersionedWriteResponse;

/**
 * Quiver's {@code quiver.QuiverPoints} service, not served yet: versioned writes need the engine to
 * keep each point's external version, which a later issue brings. Both methods answer UNIMPLEMENTED
 * with that reason, so a connector fails clearly rather than writing without its guarantee.
 */
public final class VersionedPointsGrpcService extends QuiverPointsGrpc.QuiverPointsImplBase {

  private static final String WHY =
      "versioned writes need external point versions in the engine, which are not there yet;"
          + " use qdrant.Points/Upsert and /Delete meanwhile";

  @Override
  public void upsert(VersionedUpsert request, StreamObserver<VersionedWriteResponse> response) {
    throw Calls.unimplemented("quiver.QuiverPoints/Upsert", WHY);
  }

  @Override
  public void delete(VersionedDelete request, StreamObserver<VersionedWriteResponse> response) {
    throw Calls.unimplemented("quiver.QuiverPoints/Delete", WHY);
  }
}
