package io.quiver.serving.grpc;

import io.grpc.stub.StreamObserver;
import io.quiver.client.grpc.PurgeTombstonesRequest;
import io.quiver.client.grpc.PurgeTombstonesResponse;
import io.quiver.client.grpc.QuiverPointsGrpc;
import io.quiver.client.grpc.VersionedDelete;
import io.quiver.client.grpc.VersionedId;
import io.quiver.client.grpc.VersionedPoint;
import io.quiver.client.grpc.VersionedUpsert;
import io.quiver.client.grpc.VersionedWriteResponse;
import io.quiver.cluster.CollectionService;
import io.quiver.cluster.VersionedUpdateResult;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.serving.config.StrictMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Quiver's {@code quiver.QuiverPoints} service: upserts and deletes that carry the writer's version
 * of each point. A point whose stored version is the same or newer is left alone and counted in
 * {@code stale}; the others are applied and their versions stored ({@code LocalShard} has the
 * rules). Points are converted as {@code qdrant.Points/Upsert} converts them and checked the same
 * way before anything is logged; errors name the request field ({@code points[2].point.id}).
 */
public final class VersionedPointsGrpcService extends QuiverPointsGrpc.QuiverPointsImplBase {

  private final CollectionService collections;
  private final StrictMode strict;

  public VersionedPointsGrpcService(CollectionService collections, StrictMode strict) {
    this.collections = collections;
    this.strict = strict;
  }

  @Override
  public void upsert(VersionedUpsert request, StreamObserver<VersionedWriteResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    int n = strict.checkBatchSize("points", request.getPointsCount());
    List<Point> points = new ArrayList<>(n);
    long[] versions = new long[n];
    for (int i = 0; i < n; i++) {
      VersionedPoint p = request.getPoints(i);
      String at = "points[" + i + "]";
      if (!p.hasPoint()) {
        throw new IllegalArgumentException(at + ".point is required");
      }
      points.add(Protos.point(p.getPoint(), at + ".point"));
      versions[i] = p.getVersion();
    }
    VersionedUpdateResult result;
    try {
      result = collections.upsertVersioned(collection, points, versions, request.getWait());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Calls.reply(response, answer(result, start));
  }

  @Override
  public void delete(VersionedDelete request, StreamObserver<VersionedWriteResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    int n = strict.checkBatchSize("ids", request.getIdsCount());
    List<PointId> ids = new ArrayList<>(n);
    long[] versions = new long[n];
    for (int i = 0; i < n; i++) {
      VersionedId id = request.getIds(i);
      String at = "ids[" + i + "]";
      if (!id.hasId()) {
        throw new IllegalArgumentException(at + ".id is required");
      }
      ids.add(Protos.pointId(id.getId(), at + ".id"));
      versions[i] = id.getVersion();
    }
    VersionedUpdateResult result;
    try {
      result = collections.deleteVersioned(collection, ids, versions, request.getWait());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Calls.reply(response, answer(result, start));
  }

  @Override
  public void purgeTombstones(
      PurgeTombstonesRequest request, StreamObserver<PurgeTombstonesResponse> response) {
    long start = System.nanoTime();
    String collection = Calls.collection(request.getCollectionName());
    try {
      collections.purgeTombstones(collection, request.getUpToVersion(), request.getWait());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Calls.reply(
        response, PurgeTombstonesResponse.newBuilder().setTime(Calls.seconds(start)).build());
  }

  private static VersionedWriteResponse answer(VersionedUpdateResult result, long start) {
    return VersionedWriteResponse.newBuilder()
        .setApplied(result.applied())
        .setStale(result.stale())
        .setTime(Calls.seconds(start))
        .build();
  }
}
