package io.quiver.serving;

import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.value;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.VectorFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.CollectionsGrpc;
import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.PointsGrpc;
import io.qdrant.client.grpc.SnapshotsGrpc;
import io.qdrant.client.grpc.SnapshotsService;
import io.quiver.client.grpc.PublishSnapshotRequest;
import io.quiver.client.grpc.QuiverAdminGrpc;
import io.quiver.client.grpc.QuiverPointsGrpc;
import io.quiver.client.grpc.VersionedDelete;
import io.quiver.client.grpc.VersionedId;
import io.quiver.client.grpc.VersionedPoint;
import io.quiver.client.grpc.VersionedUpsert;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bad input over gRPC: every refusal comes back with the right status and a message naming the
 * field and the value, before anything is logged; the node keeps serving, and after a restart holds
 * exactly what it acknowledged.
 */
class GrpcBadInputTest {

  private static final int DIM = 8;

  @TempDir static Path tmp;

  private static QuiverNode node;
  private static ManagedChannel channel;
  private static PointsGrpc.PointsBlockingStub points;
  private static CollectionsGrpc.CollectionsBlockingStub collections;

  @BeforeAll
  static void start() throws Exception {
    node = QuiverNode.start(config(tmp.resolve("storage")));
    channel = ManagedChannelBuilder.forAddress("127.0.0.1", node.grpcPort()).usePlaintext().build();
    points = PointsGrpc.newBlockingStub(channel);
    collections = CollectionsGrpc.newBlockingStub(channel);
    create(collections, "docs");
    upsert(points, "docs", 0, 20, true);
  }

  @AfterAll
  static void stop() throws Exception {
    channel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    node.close();
  }

  private static io.quiver.serving.config.ServerConfig config(Path storage) {
    return TestServers.config(
        "storage.storage_path=" + storage,
        "service.max_request_size_mb=1",
        "strict_mode.max_query_limit=1000",
        "strict_mode.upsert_max_batchsize=100",
        "strict_mode.search_max_hnsw_ef=512",
        "strict_mode.filter_max_conditions=5");
  }

  @Test
  void badPointsAreRefusedBeforeTheLog() {
    refused(
        Status.Code.INVALID_ARGUMENT,
        "dimension 3; expected 8",
        () -> points.upsert(upsertOf("docs", point(100, new float[3]))));
    float[] nan = vector(1);
    nan[5] = Float.NaN;
    refused(
        Status.Code.INVALID_ARGUMENT,
        "non-finite value NaN at index 5",
        () -> points.upsert(upsertOf("docs", point(101, nan))));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "vector name 'img'",
        () ->
            points.upsert(
                upsertOf(
                    "docs",
                    Points.PointStruct.newBuilder()
                        .setId(id(102))
                        .setVectors(
                            VectorsFactory.namedVectors(
                                Map.of("img", VectorFactory.vector(vector(2)))))
                        .build())));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "points[0].id: 'not-a-uuid' is not a UUID",
        () ->
            points.upsert(
                upsertOf(
                    "docs",
                    Points.PointStruct.newBuilder()
                        .setId(Common.PointId.newBuilder().setUuid("not-a-uuid"))
                        .setVectors(VectorsFactory.vectors(vector(3)))
                        .build())));
    List<Points.PointStruct> tooMany = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      tooMany.add(point(1_000 + i, vector(i)));
    }
    refused(
        Status.Code.INVALID_ARGUMENT,
        "points must be in [0, 100] (strict_mode.upsert_max_batchsize); got 101",
        () ->
            points.upsert(
                Points.UpsertPoints.newBuilder()
                    .setCollectionName("docs")
                    .addAllPoints(tooMany)
                    .build()));
    refused(
        Status.Code.RESOURCE_EXHAUSTED,
        "",
        () -> {
          // Over the 1 MiB message limit, however few points.
          float[] huge = new float[300_000];
          return points.upsert(upsertOf("docs", point(103, huge)));
        });
    refused(
        Status.Code.NOT_FOUND,
        "collection 'nope' does not exist",
        () -> points.upsert(upsertOf("nope", point(104, vector(4)))));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "collection_name is required",
        () -> points.upsert(upsertOf("", point(104, vector(4)))));
    // A batch with one bad operation applies none of them.
    refused(
        Status.Code.INVALID_ARGUMENT,
        "operations[1]: ",
        () ->
            points.updateBatch(
                Points.UpdateBatchPoints.newBuilder()
                    .setCollectionName("docs")
                    .setWait(true)
                    .addOperations(
                        Points.PointsUpdateOperation.newBuilder()
                            .setUpsert(
                                Points.PointsUpdateOperation.PointStructList.newBuilder()
                                    .addPoints(point(105, vector(5)))))
                    .addOperations(
                        Points.PointsUpdateOperation.newBuilder()
                            .setUpsert(
                                Points.PointsUpdateOperation.PointStructList.newBuilder()
                                    .addPoints(point(106, new float[DIM + 1]))))
                    .build()));
    assertEquals(20, count("docs"), "none of the refused points was written");
  }

  @Test
  void badVersionedWritesAreRefusedBeforeTheLog() {
    QuiverPointsGrpc.QuiverPointsBlockingStub versioned = QuiverPointsGrpc.newBlockingStub(channel);
    refused(
        Status.Code.INVALID_ARGUMENT,
        "points[1]: vector of point 201 has dimension 3; expected 8",
        () ->
            versioned.upsert(versionedOf("docs", point(200, vector(1)), point(201, new float[3]))));
    float[] nan = vector(2);
    nan[4] = Float.NaN;
    refused(
        Status.Code.INVALID_ARGUMENT,
        "points[0]: vector of point 202 has a non-finite value NaN at index 4",
        () -> versioned.upsert(versionedOf("docs", point(202, nan))));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "points[0].point.id: 'not-a-uuid' is not a UUID",
        () ->
            versioned.upsert(
                versionedOf(
                    "docs",
                    Points.PointStruct.newBuilder()
                        .setId(Common.PointId.newBuilder().setUuid("not-a-uuid"))
                        .setVectors(VectorsFactory.vectors(vector(3)))
                        .build())));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "points[0].point is required",
        () ->
            versioned.upsert(
                VersionedUpsert.newBuilder()
                    .setCollectionName("docs")
                    .addPoints(VersionedPoint.newBuilder().setVersion(1))
                    .build()));
    List<Points.PointStruct> tooMany = new ArrayList<>();
    for (int i = 0; i < 101; i++) {
      tooMany.add(point(1_000 + i, vector(i)));
    }
    refused(
        Status.Code.INVALID_ARGUMENT,
        "points must be in [0, 100] (strict_mode.upsert_max_batchsize); got 101",
        () -> versioned.upsert(versionedOf("docs", tooMany.toArray(Points.PointStruct[]::new))));
    refused(
        Status.Code.NOT_FOUND,
        "collection 'nope' does not exist",
        () -> versioned.upsert(versionedOf("nope", point(203, vector(4)))));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "collection_name is required",
        () -> versioned.upsert(versionedOf("", point(203, vector(4)))));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "ids[0].id is required",
        () ->
            versioned.delete(
                VersionedDelete.newBuilder()
                    .setCollectionName("docs")
                    .addIds(VersionedId.newBuilder().setVersion(3))
                    .build()));
    refused(
        Status.Code.NOT_FOUND,
        "collection 'nope' does not exist",
        () ->
            versioned.delete(
                VersionedDelete.newBuilder()
                    .setCollectionName("nope")
                    .addIds(VersionedId.newBuilder().setId(id(1)).setVersion(3))
                    .build()));
    assertEquals(20, count("docs"), "none of the refused points was written");
  }

  private static VersionedUpsert versionedOf(String collection, Points.PointStruct... points) {
    VersionedUpsert.Builder b = VersionedUpsert.newBuilder().setCollectionName(collection);
    for (Points.PointStruct p : points) {
      b.addPoints(VersionedPoint.newBuilder().setPoint(p).setVersion(7));
    }
    return b.setWait(true).build();
  }

  @Test
  void badReadsSayWhatIsWrong() {
    refused(
        Status.Code.NOT_FOUND,
        "collection 'nope' does not exist",
        () -> points.search(search("nope", vector(1)).build()));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "query vector has dimension 2; expected 8",
        () -> points.search(search("docs", new float[2]).build()));
    float[] inf = vector(1);
    inf[0] = Float.POSITIVE_INFINITY;
    refused(
        Status.Code.INVALID_ARGUMENT,
        "non-finite value Infinity at index 0",
        () -> points.search(search("docs", inf).build()));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "vector name 'img' is not in this collection",
        () -> points.search(search("docs", vector(1)).setVectorName("img").build()));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "with_vectors.include.names[0]: vector name 'img'",
        () ->
            points.get(
                Points.GetPoints.newBuilder()
                    .setCollectionName("docs")
                    .addIds(id(1))
                    .setWithVectors(WithVectorsSelectorFactory.include(List.of("img")))
                    .build()));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "limit must be in [1, 1000] (strict_mode.max_query_limit); got 0",
        () -> points.search(search("docs", vector(1)).setLimit(0).build()));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "limit must be in [1, 1000] (strict_mode.max_query_limit); got 1000000000",
        () ->
            points.query(
                Points.QueryPoints.newBuilder()
                    .setCollectionName("docs")
                    .setQuery(QueryFactory.nearest(vector(1)))
                    .setLimit(1_000_000_000)
                    .build()));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "search_points[1].params.hnsw_ef must be in [1, 512]",
        () ->
            points.searchBatch(
                Points.SearchBatchPoints.newBuilder()
                    .setCollectionName("docs")
                    .addSearchPoints(search("docs", vector(1)))
                    .addSearchPoints(
                        search("docs", vector(2))
                            .setParams(Points.SearchParams.newBuilder().setHnswEf(100_000)))
                    .build()));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "timeout must be in [1, 60] (strict_mode.max_timeout); got 0",
        () -> points.search(search("docs", vector(1)).setTimeout(0).build()));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "offset must be in [0, 1000]",
        () -> points.search(search("docs", vector(1)).setOffset(5_000).build()));
    refused(
        Status.Code.NOT_FOUND,
        "query.nearest.id: point 999 does not exist",
        () ->
            points.query(
                Points.QueryPoints.newBuilder()
                    .setCollectionName("docs")
                    .setQuery(QueryFactory.nearest(999))
                    .build()));
    assertEquals(20, count("docs"));
  }

  @Test
  void malformedFiltersAreRefusedWithTheirPath() {
    Common.Filter badKey =
        Common.Filter.newBuilder()
            .addMust(matchKeyword("group", "a"))
            .addMust(matchKeyword("tags[", "b"))
            .build();
    refused(
        Status.Code.INVALID_ARGUMENT,
        "filter.must[1]",
        () -> points.search(search("docs", vector(1)).setFilter(badKey).build()));
    Common.Filter empty =
        Common.Filter.newBuilder().addShould(Common.Condition.getDefaultInstance()).build();
    refused(
        Status.Code.INVALID_ARGUMENT,
        "a filter condition is empty",
        () ->
            points.count(
                Points.CountPoints.newBuilder()
                    .setCollectionName("docs")
                    .setFilter(empty)
                    .build()));
    Common.Filter.Builder big = Common.Filter.newBuilder();
    for (int i = 0; i < 6; i++) {
      big.addShould(matchKeyword("group", "g" + i));
    }
    refused(
        Status.Code.INVALID_ARGUMENT,
        "filter must be in [0, 5] (strict_mode.filter_max_conditions); got 6",
        () ->
            points.scroll(
                Points.ScrollPoints.newBuilder().setCollectionName("docs").setFilter(big).build()));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "points.filter",
        () ->
            points.delete(
                Points.DeletePoints.newBuilder()
                    .setCollectionName("docs")
                    .setPoints(Points.PointsSelector.newBuilder().setFilter(badKey))
                    .build()));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "points: select the points by ids or by a filter",
        () -> points.delete(Points.DeletePoints.newBuilder().setCollectionName("docs").build()));
    assertEquals(20, count("docs"));
  }

  @Test
  void badCollectionsAndIndexesAreRefused() {
    refused(
        Status.Code.ALREADY_EXISTS,
        "'docs' already exists",
        () -> collections.create(createOf("docs", DIM, Collections.Distance.Dot)));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "vectors_config.params.distance must be Cosine, Euclid, Dot or Manhattan",
        () -> collections.create(createOf("bad", DIM, Collections.Distance.UnknownDistance)));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "size must be in [1, 65536]; got 0",
        () -> collections.create(createOf("bad", 0, Collections.Distance.Dot)));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "sparse vectors are not supported",
        () ->
            collections.create(
                createOf("bad", DIM, Collections.Distance.Dot).toBuilder()
                    .setSparseVectorsConfig(
                        Collections.SparseVectorConfig.newBuilder()
                            .putMap("s", Collections.SparseVectorParams.getDefaultInstance()))
                    .build()));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "quantization_config.turboquant.bits: Bits1_5 is not supported by Quiver",
        () ->
            collections.update(
                Collections.UpdateCollection.newBuilder()
                    .setCollectionName("docs")
                    .setQuantizationConfig(
                        Collections.QuantizationConfigDiff.newBuilder()
                            .setTurboquant(
                                Collections.TurboQuantization.newBuilder()
                                    .setBits(Collections.TurboQuantBitSize.Bits1_5)))
                    .build()));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "field_type: geo indexes are not supported",
        () ->
            points.createFieldIndex(
                Points.CreateFieldIndexCollection.newBuilder()
                    .setCollectionName("docs")
                    .setFieldName("location")
                    .setFieldType(Points.FieldType.FieldTypeGeo)
                    .build()));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "payload key 'a[' is malformed",
        () ->
            points.deleteFieldIndex(
                Points.DeleteFieldIndexCollection.newBuilder()
                    .setCollectionName("docs")
                    .setFieldName("a[")
                    .setWait(true)
                    .build()));
    refused(
        Status.Code.NOT_FOUND,
        "snapshot 'x.snapshot' of collection 'docs' does not exist",
        () ->
            SnapshotsGrpc.newBlockingStub(channel)
                .delete(
                    SnapshotsService.DeleteSnapshotRequest.newBuilder()
                        .setCollectionName("docs")
                        .setSnapshotName("x.snapshot")
                        .build()));
    refused(
        Status.Code.INVALID_ARGUMENT,
        "does not exist",
        () ->
            QuiverAdminGrpc.newBlockingStub(channel)
                .publishSnapshot(
                    PublishSnapshotRequest.newBuilder()
                        .setCollectionName("docs")
                        .setUri(tmp.resolve("no-such.snapshot").toString())
                        .build()));
    assertEquals(List.of("docs"), names());
    assertEquals(20, count("docs"));
  }

  @Test
  void whatQuiverDoesNotServeIsUnimplementedByName() {
    refused(
        Status.Code.UNIMPLEMENTED,
        "qdrant.Points/Recommend is not implemented by Quiver",
        () ->
            points.recommend(
                Points.RecommendPoints.newBuilder()
                    .setCollectionName("docs")
                    .addPositive(id(1))
                    .setLimit(3)
                    .build()));
    refused(
        Status.Code.UNIMPLEMENTED,
        "query.fusion is not supported",
        () ->
            points.query(
                Points.QueryPoints.newBuilder()
                    .setCollectionName("docs")
                    .setQuery(QueryFactory.fusion(Points.Fusion.RRF))
                    .build()));
    refused(
        Status.Code.UNIMPLEMENTED,
        "order_by is not supported",
        () ->
            points.scroll(
                Points.ScrollPoints.newBuilder()
                    .setCollectionName("docs")
                    .setOrderBy(Points.OrderBy.newBuilder().setKey("n"))
                    .build()));
    refused(
        Status.Code.UNIMPLEMENTED,
        "qdrant.Snapshots/CreateFull is not implemented by Quiver",
        () ->
            SnapshotsGrpc.newBlockingStub(channel)
                .createFull(SnapshotsService.CreateFullSnapshotRequest.getDefaultInstance()));
    refused(
        Status.Code.UNIMPLEMENTED,
        "qdrant.Collections/CreateShardKey is not implemented by Quiver",
        () ->
            collections.createShardKey(
                Collections.CreateShardKeyRequest.newBuilder().setCollectionName("docs").build()));
    assertEquals(20, count("docs"));
  }

  /**
   * Writes acknowledged without waiting, writes waited for and refused writes, then a restart on
   * the same storage: exactly the acknowledged ones are there.
   */
  @Test
  void acknowledgedWritesSurviveARestart() throws Exception {
    Path storage = tmp.resolve("restart");
    try (QuiverNode first = QuiverNode.start(config(storage))) {
      ManagedChannel ch =
          ManagedChannelBuilder.forAddress("127.0.0.1", first.grpcPort()).usePlaintext().build();
      try {
        PointsGrpc.PointsBlockingStub stub = PointsGrpc.newBlockingStub(ch);
        create(CollectionsGrpc.newBlockingStub(ch), "durable");
        for (int from = 0; from < 300; from += 100) {
          Points.UpdateResult r = upsert(stub, "durable", from, from + 100, false).getResult();
          assertEquals(Points.UpdateStatus.Acknowledged, r.getStatus());
        }
        assertThrows(
            StatusRuntimeException.class,
            () -> stub.upsert(upsertOf("durable", point(500, new float[1]))));
        stub.setPayload(
            Points.SetPayloadPoints.newBuilder()
                .setCollectionName("durable")
                .putPayload("kept", value(true))
                .setPointsSelector(
                    Points.PointsSelector.newBuilder()
                        .setPoints(Points.PointsIdsList.newBuilder().addIds(id(7))))
                .build());
        stub.delete(
            Points.DeletePoints.newBuilder()
                .setCollectionName("durable")
                .setWait(true)
                .setPoints(
                    Points.PointsSelector.newBuilder()
                        .setPoints(Points.PointsIdsList.newBuilder().addIds(id(8)).addIds(id(9))))
                .build());
      } finally {
        ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
    try (QuiverNode second = QuiverNode.start(config(storage))) {
      ManagedChannel ch =
          ManagedChannelBuilder.forAddress("127.0.0.1", second.grpcPort()).usePlaintext().build();
      try {
        PointsGrpc.PointsBlockingStub stub = PointsGrpc.newBlockingStub(ch);
        assertEquals(
            298,
            stub.count(Points.CountPoints.newBuilder().setCollectionName("durable").build())
                .getResult()
                .getCount());
        List<Points.RetrievedPoint> got =
            stub.get(
                    Points.GetPoints.newBuilder()
                        .setCollectionName("durable")
                        .addIds(id(7))
                        .addIds(id(8))
                        .addIds(id(500))
                        .build())
                .getResultList();
        assertEquals(1, got.size());
        assertTrue(got.get(0).getPayloadMap().get("kept").getBoolValue());
      } finally {
        ch.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
      }
    }
  }

  // ---------------------------------------------------------------- helpers

  /** The call fails with {@code code}, its message holding {@code expected}. */
  private static void refused(Status.Code code, String expected, Supplier<?> call) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, call::get);
    String message = e.getStatus().getDescription();
    assertEquals(code, e.getStatus().getCode(), String.valueOf(message));
    assertTrue(message != null && message.contains(expected), message + " lacks: " + expected);
  }

  private static long count(String collection) {
    return points
        .count(Points.CountPoints.newBuilder().setCollectionName(collection).build())
        .getResult()
        .getCount();
  }

  private static List<String> names() {
    return collections
        .list(Collections.ListCollectionsRequest.getDefaultInstance())
        .getCollectionsList()
        .stream()
        .map(Collections.CollectionDescription::getName)
        .toList();
  }

  private static Collections.CreateCollection createOf(
      String name, int size, Collections.Distance distance) {
    return Collections.CreateCollection.newBuilder()
        .setCollectionName(name)
        .setVectorsConfig(
            Collections.VectorsConfig.newBuilder()
                .setParams(
                    Collections.VectorParams.newBuilder().setSize(size).setDistance(distance)))
        .build();
  }

  private static void create(CollectionsGrpc.CollectionsBlockingStub stub, String name) {
    stub.create(createOf(name, DIM, Collections.Distance.Euclid));
  }

  private static Points.PointsOperationResponse upsert(
      PointsGrpc.PointsBlockingStub stub, String collection, int from, int to, boolean wait) {
    Points.UpsertPoints.Builder request =
        Points.UpsertPoints.newBuilder().setCollectionName(collection).setWait(wait);
    for (int i = from; i < to; i++) {
      request.addPoints(point(i, vector(i)));
    }
    return stub.upsert(request.build());
  }

  private static Points.UpsertPoints upsertOf(String collection, Points.PointStruct point) {
    return Points.UpsertPoints.newBuilder()
        .setCollectionName(collection)
        .setWait(true)
        .addPoints(point)
        .build();
  }

  private static Points.PointStruct point(long id, float[] vector) {
    return Points.PointStruct.newBuilder()
        .setId(id(id))
        .setVectors(VectorsFactory.vectors(vector))
        .putPayload("group", value("g" + (id % 3)))
        .build();
  }

  private static float[] vector(int seed) {
    float[] v = new float[DIM];
    for (int i = 0; i < DIM; i++) {
      v[i] = (seed * 31 + i * 7) % 11 / 10f;
    }
    return v;
  }

  private static Points.SearchPoints.Builder search(String collection, float[] query) {
    Points.SearchPoints.Builder b =
        Points.SearchPoints.newBuilder().setCollectionName(collection).setLimit(5);
    for (float f : query) {
      b.addVector(f);
    }
    return b;
  }
}
