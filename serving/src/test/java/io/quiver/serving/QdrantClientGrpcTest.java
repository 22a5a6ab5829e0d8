package io.quiver.serving;

import static io.qdrant.client.ConditionFactory.matchKeyword;
import static io.qdrant.client.ConditionFactory.range;
import static io.qdrant.client.PointIdFactory.id;
import static io.qdrant.client.ValueFactory.value;
import static io.qdrant.client.WithPayloadSelectorFactory.enable;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.util.concurrent.ListenableFuture;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import io.qdrant.client.QueryFactory;
import io.qdrant.client.VectorFactory;
import io.qdrant.client.VectorsFactory;
import io.qdrant.client.WithVectorsSelectorFactory;
import io.qdrant.client.grpc.Collections;
import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.JsonWithInt;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.SnapshotsService;
import io.quiver.client.grpc.ListVersionsRequest;
import io.quiver.client.grpc.PublishSnapshotRequest;
import io.quiver.client.grpc.PublishSnapshotResponse;
import io.quiver.client.grpc.QuiverAdminGrpc;
import io.quiver.client.grpc.RollbackRequest;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.QuiverCollection;
import io.quiver.engine.filter.Condition;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.operation.PointSelector;
import io.quiver.engine.payload.JsonPath;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.PointRecord;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.shard.SearchRequest;
import io.quiver.serving.grpc.Protos;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official Qdrant Java client against a Quiver node over gRPC, every answer checked against an
 * embedded collection that received the same writes: exact searches give the same ids in the same
 * order, counts and payloads are equal. The vectors come from a seed printed in every failure.
 */
class QdrantClientGrpcTest {

  private static final long SEED = Long.getLong("tests.seed", 20261121L);
  private static final String WHAT = " (seed " + SEED + ")";
  private static final int DIM = 64;
  private static final int POINTS = 10_000;
  private static final int BATCH = 1_000;
  private static final int GROUPS = 10;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir static Path tmp;

  private static QuiverNode node;
  private static ManagedChannel adminChannel;
  private static QdrantClient client;
  private static QuiverCollection reference;
  private static final Random random = new Random(SEED);

  @BeforeAll
  static void start() throws IOException {
    node = QuiverNode.start(TestServers.config("storage.storage_path=" + tmp.resolve("storage")));
    client =
        new QdrantClient(QdrantGrpcClient.newBuilder("127.0.0.1", node.grpcPort(), false).build());
    adminChannel =
        ManagedChannelBuilder.forAddress("127.0.0.1", node.grpcPort()).usePlaintext().build();
    // The reference never indexes (no threshold, no flush while the test runs): exact answers do
    // not depend on how segments are laid out, and its CPU goes to the node.
    reference =
        QuiverCollection.create(
            tmp.resolve("reference"),
            CollectionConfig.fromJson(
                MAPPER.readTree(
                    "{\"vectors\": {\"size\": "
                        + DIM
                        + ", \"distance\": \"Cosine\"},"
                        + " \"optimizers_config\": {\"indexing_threshold\": 0,"
                        + " \"flush_interval_sec\": 3600}}")));
  }

  @AfterAll
  static void stop() throws Exception {
    client.close();
    adminChannel.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
    node.close();
    reference.close();
  }

  @Test
  void theOfficialClientGetsTheEmbeddedEnginesAnswers() throws Exception {
    createCollection();
    upsertInBatches();
    countsMatch();
    exactSearchesMatch();
    queriesMatch();
    scrollWalksEveryMatchingPoint();
    retrieveReturnsPayloadsAndVectors();
    payloadUpdates();
    fieldIndexes();
    deletesByIdsAndByFilter();
    batchOfUpdates();
    updateCollection();
    aliases();
    snapshotsRecoverAndRollBack();
    namedVectors();
  }

  // ---------------------------------------------------------------- steps

  private void createCollection() throws Exception {
    Collections.CreateCollection create =
        Collections.CreateCollection.newBuilder()
            .setCollectionName("docs")
            .setVectorsConfig(
                Collections.VectorsConfig.newBuilder()
                    .setParams(
                        Collections.VectorParams.newBuilder()
                            .setSize(DIM)
                            .setDistance(Collections.Distance.Cosine)))
            .setHnswConfig(Collections.HnswConfigDiff.newBuilder().setM(12).setEfConstruct(48))
            // Small enough that part of the points get indexed (with quantization) while the test
            // runs, so that reads cross immutable and mutable segments.
            .setOptimizersConfig(
                Collections.OptimizersConfigDiff.newBuilder()
                    .setIndexingThreshold(1_000)
                    .setDeletedThreshold(0.5))
            .setQuantizationConfig(
                Collections.QuantizationConfig.newBuilder()
                    .setScalar(
                        Collections.ScalarQuantization.newBuilder()
                            .setType(Collections.QuantizationType.Int8)
                            .setQuantile(0.99f)))
            .setShardNumber(2)
            .setOnDiskPayload(false)
            .build();
    assertTrue(get(client.createCollectionAsync(create)).getResult());
    assertTrue(get(client.collectionExistsAsync("docs")));
    assertFalse(get(client.collectionExistsAsync("nope")));
    assertEquals(List.of("docs"), get(client.listCollectionsAsync()));

    Collections.CollectionInfo info = get(client.getCollectionInfoAsync("docs"));
    Collections.CollectionParams params = info.getConfig().getParams();
    assertEquals(DIM, params.getVectorsConfig().getParams().getSize());
    assertEquals(Collections.Distance.Cosine, params.getVectorsConfig().getParams().getDistance());
    assertEquals(2, params.getShardNumber());
    assertFalse(params.getOnDiskPayload());
    assertEquals(12, info.getConfig().getHnswConfig().getM());
    assertEquals(48, info.getConfig().getHnswConfig().getEfConstruct());
    assertEquals(0.5, info.getConfig().getOptimizerConfig().getDeletedThreshold());
    assertEquals(1_000, info.getConfig().getOptimizerConfig().getIndexingThreshold());
    assertEquals(0.99f, info.getConfig().getQuantizationConfig().getScalar().getQuantile(), 1e-6);
    assertEquals(0, info.getPointsCount());
    assertEquals(Collections.CollectionStatus.Green, info.getStatus());
  }

  private void upsertInBatches() throws Exception {
    for (int from = 0; from < POINTS; from += BATCH) {
      List<Points.PointStruct> batch = new ArrayList<>();
      for (int i = from; i < from + BATCH; i++) {
        batch.add(point(i, randomVector()));
      }
      boolean wait = from != BATCH; // one batch only acknowledged
      Points.UpdateResult result =
          get(
              client.upsertAsync(
                  Points.UpsertPoints.newBuilder()
                      .setCollectionName("docs")
                      .addAllPoints(batch)
                      .setWait(wait)
                      .build()));
      assertEquals(
          wait ? Points.UpdateStatus.Completed : Points.UpdateStatus.Acknowledged,
          result.getStatus());
      assertTrue(result.getOperationId() > 0);
      List<Point> points = new ArrayList<>();
      for (int i = 0; i < batch.size(); i++) {
        points.add(Protos.point(batch.get(i), "points[" + i + "]"));
      }
      reference.upsert(points, false);
    }
  }

  private void countsMatch() throws Exception {
    assertEquals(POINTS, get(client.countAsync("docs")), WHAT);
    Common.Filter filter = group(3);
    assertEquals(
        reference.shard().count(groupFilter(3)),
        get(client.countAsync("docs", filter, true)),
        WHAT);
    assertEquals(POINTS / GROUPS, get(client.countAsync("docs", filter, false)), WHAT);
  }

  private void exactSearchesMatch() throws Exception {
    for (int q = 0; q < 10; q++) {
      float[] query = randomVector();
      // Without a filter, with a keyword filter, with a keyword and a range filter.
      assertSameHits(searchExact("docs", query, null, 10), exact(query, null, 10));
      assertSameHits(searchExact("docs", query, group(q), 7), exact(query, groupFilter(q), 7));
      Common.Filter both =
          Common.Filter.newBuilder()
              .addMust(matchKeyword("group", "g" + q))
              .addMust(range("n", Common.Range.newBuilder().setLt(5_000).build()))
              .build();
      Filter engineBoth =
          Filter.must(
              keyword("group", "g" + q),
              new Condition.Range(JsonPath.parse("n"), null, null, 5_000.0, null));
      assertSameHits(searchExact("docs", query, both, 5), exact(query, engineBoth, 5));
    }
    // Approximate search, through the graph where points are indexed, finds a stored point.
    PointRecord stored = reference.retrieve(List.of(PointId.of(1234)), false, true).get(0);
    List<Points.ScoredPoint> approximate =
        get(
            client.searchAsync(
                Points.SearchPoints.newBuilder()
                    .setCollectionName("docs")
                    .addAllVector(floats(stored.vectors().get("")))
                    .setLimit(3)
                    .build()));
    assertEquals(1234, approximate.get(0).getId().getNum(), WHAT);
    assertEquals(0, approximate.get(0).getPayloadCount(), "with_payload defaults to none");
  }

  private void queriesMatch() throws Exception {
    float[] query = randomVector();
    Points.SearchParams exactParams = Points.SearchParams.newBuilder().setExact(true).build();
    List<Points.ScoredPoint> byVector =
        get(
            client.queryAsync(
                Points.QueryPoints.newBuilder()
                    .setCollectionName("docs")
                    .setQuery(QueryFactory.nearest(query))
                    .setParams(exactParams)
                    .setLimit(5)
                    .setOffset(2)
                    .setWithPayload(enable(true))
                    .build()));
    assertSameHits(
        byVector,
        reference.search(
            new SearchRequest(
                "", query, 5, 2, SearchParams.DEFAULT.withExact(true), null, true, false, null)));

    // By a point's id: its vector is the query and it is left out of the answer.
    PointRecord stored = reference.retrieve(List.of(PointId.of(42)), false, true).get(0);
    List<Points.ScoredPoint> byId =
        get(
            client.queryAsync(
                Points.QueryPoints.newBuilder()
                    .setCollectionName("docs")
                    .setQuery(QueryFactory.nearest(42))
                    .setFilter(group(2))
                    .setParams(exactParams)
                    .setLimit(5)
                    .setWithPayload(enable(true))
                    .build()));
    Filter notSelf =
        new Filter(
            List.of(groupFilter(2)),
            null,
            List.of(new Condition.HasId(Set.of(PointId.of(42)))),
            null);
    assertSameHits(byId, exact(stored.vectors().get(""), notSelf, 5));

    // score_threshold (a minimum similarity for Cosine) and a batch of two.
    float threshold = byVector.get(2).getScore();
    List<Points.BatchResult> batch =
        get(
            client.queryBatchAsync(
                "docs",
                List.of(
                    Points.QueryPoints.newBuilder()
                        .setCollectionName("docs")
                        .setQuery(QueryFactory.nearest(query))
                        .setParams(exactParams)
                        .setScoreThreshold(threshold)
                        .setLimit(50)
                        .build(),
                    Points.QueryPoints.newBuilder()
                        .setQuery(QueryFactory.nearest(query))
                        .setFilter(group(7))
                        .setParams(exactParams)
                        .setLimit(3)
                        .setWithPayload(enable(true))
                        .build())));
    assertEquals(2, batch.size());
    for (Points.ScoredPoint p : batch.get(0).getResultList()) {
      assertTrue(p.getScore() >= threshold, p + WHAT);
    }
    assertEquals(
        byVector.get(2).getId(),
        batch.get(0).getResult(batch.get(0).getResultCount() - 1).getId(),
        WHAT);
    assertSameHits(batch.get(1).getResultList(), exact(query, groupFilter(7), 3));

    List<Points.BatchResult> searches =
        get(
            client.searchBatchAsync(
                "docs",
                List.of(
                    searchRequest("docs", query, group(1), 4),
                    searchRequest("docs", query, null, 4)),
                null));
    assertSameHits(searches.get(0).getResultList(), exact(query, groupFilter(1), 4));
    assertSameHits(searches.get(1).getResultList(), exact(query, null, 4));

    // Without a query: the points in id order.
    List<Points.ScoredPoint> first =
        get(
            client.queryAsync(
                Points.QueryPoints.newBuilder()
                    .setCollectionName("docs")
                    .setFilter(group(4))
                    .setLimit(3)
                    .build()));
    assertEquals(List.of(4L, 14L, 24L), first.stream().map(p -> p.getId().getNum()).toList());
  }

  private void scrollWalksEveryMatchingPoint() throws Exception {
    List<Long> ids = new ArrayList<>();
    Common.PointId offset = null;
    int pages = 0;
    do {
      Points.ScrollPoints.Builder request =
          Points.ScrollPoints.newBuilder()
              .setCollectionName("docs")
              .setFilter(group(6))
              .setLimit(256);
      if (offset != null) {
        request.setOffset(offset);
      }
      Points.ScrollResponse page = get(client.scrollAsync(request.build()));
      for (Points.RetrievedPoint p : page.getResultList()) {
        ids.add(p.getId().getNum());
        assertEquals("g6", p.getPayloadMap().get("group").getStringValue(), "payload by default");
        assertFalse(p.hasVectors());
      }
      offset = page.hasNextPageOffset() ? page.getNextPageOffset() : null;
      pages++;
    } while (offset != null);
    assertEquals(4, pages);
    List<Long> expected = new ArrayList<>();
    for (PointRecord r :
        reference.shard().scroll(null, POINTS, groupFilter(6), false, false).points()) {
      expected.add(r.id().num());
    }
    assertEquals(expected, ids, WHAT);
  }

  private void retrieveReturnsPayloadsAndVectors() throws Exception {
    List<Common.PointId> ids = List.of(id(7), id(99_999), id(3));
    List<Points.RetrievedPoint> got = get(client.retrieveAsync("docs", ids, true, true, null));
    List<PointRecord> expected =
        reference.retrieve(List.of(PointId.of(7), PointId.of(99_999), PointId.of(3)), true, true);
    assertEquals(2, got.size(), "a missing id is skipped");
    for (int i = 0; i < expected.size(); i++) {
      assertSamePoint(expected.get(i), got.get(i));
      float[] vector = expected.get(i).vectors().get("");
      List<Float> served = got.get(i).getVectors().getVector().getDense().getDataList();
      assertEquals(vector.length, served.size());
      for (int d = 0; d < vector.length; d++) {
        assertEquals(vector[d], served.get(d), 1e-6f);
      }
    }
    List<Points.RetrievedPoint> some =
        get(
            client.retrieveAsync(
                "docs",
                List.of(id(7)),
                io.qdrant.client.WithPayloadSelectorFactory.include(List.of("group")),
                WithVectorsSelectorFactory.enable(false),
                null));
    assertEquals(Set.of("group"), some.get(0).getPayloadMap().keySet());
  }

  private void payloadUpdates() throws Exception {
    Map<String, JsonWithInt.Value> red = Map.of("color", value("red"));
    get(client.setPayloadAsync("docs", red, List.of(id(1), id(2), id(3)), true, null, null));
    reference
        .shard()
        .submit(new Operation.SetPayload(ids(1, 2, 3), json("{\"color\": \"red\"}"), null), false);

    Map<String, JsonWithInt.Value> flag = Map.of("flag", value(true));
    get(client.setPayloadAsync("docs", flag, group(5), true, null, null));
    reference
        .shard()
        .submit(
            new Operation.SetPayload(
                PointSelector.filter(groupFilter(5)), json("{\"flag\": true}"), null),
            false);

    // Under a key: merged into the object at that path.
    get(
        client.setPayloadAsync(
            Points.SetPayloadPoints.newBuilder()
                .setCollectionName("docs")
                .putAllPayload(Map.of("depth", value(2)))
                .setPointsSelector(selector(8))
                .setKey("nested.inner")
                .setWait(true)
                .build(),
            null));
    reference
        .shard()
        .submit(new Operation.SetPayload(ids(8), json("{\"depth\": 2}"), "nested.inner"), false);

    get(
        client.overwritePayloadAsync(
            "docs", Map.of("only", value("this")), List.of(id(4)), true, null, null));
    reference
        .shard()
        .submit(new Operation.OverwritePayload(ids(4), json("{\"only\": \"this\"}")), false);

    get(client.deletePayloadAsync("docs", List.of("n", "tags"), List.of(id(5)), true, null, null));
    reference.shard().submit(new Operation.DeletePayload(ids(5), List.of("n", "tags")), false);

    get(client.clearPayloadAsync("docs", List.of(id(6)), true, null, null));
    reference.shard().submit(new Operation.ClearPayload(ids(6)), false);

    List<Common.PointId> changed = new ArrayList<>();
    List<PointId> engineIds = new ArrayList<>();
    for (long i : new long[] {1, 2, 3, 4, 5, 6, 8, 15, 25}) {
      changed.add(id(i));
      engineIds.add(PointId.of(i));
    }
    List<Points.RetrievedPoint> got = get(client.retrieveAsync("docs", changed, true, false, null));
    List<PointRecord> expected = reference.retrieve(engineIds, true, false);
    assertEquals(expected.size(), got.size());
    for (int i = 0; i < expected.size(); i++) {
      assertSamePoint(expected.get(i), got.get(i));
    }
    assertEquals(0, got.get(5).getPayloadCount(), "cleared");
    assertEquals(Set.of("only"), got.get(3).getPayloadMap().keySet(), "overwritten");
    Common.Filter redOnes =
        Common.Filter.newBuilder().addMust(matchKeyword("color", "red")).build();
    assertEquals(3, get(client.countAsync("docs", redOnes, true)));
  }

  private void fieldIndexes() throws Exception {
    get(
        client.createPayloadIndexAsync(
            "docs", "group", Collections.PayloadSchemaType.Keyword, null, true, null, null));
    get(
        client.createPayloadIndexAsync(
            "docs", "n", Collections.PayloadSchemaType.Integer, null, true, null, null));
    reference.createFieldIndex("group", "keyword", false);
    reference.createFieldIndex("n", "integer", false);
    Map<String, Collections.PayloadSchemaInfo> schema =
        get(client.getCollectionInfoAsync("docs")).getPayloadSchemaMap();
    assertEquals(Collections.PayloadSchemaType.Keyword, schema.get("group").getDataType());
    assertEquals(Collections.PayloadSchemaType.Integer, schema.get("n").getDataType());

    float[] query = randomVector();
    assertSameHits(searchExact("docs", query, group(8), 10), exact(query, groupFilter(8), 10));
    assertEquals(
        reference.shard().count(groupFilter(8)), get(client.countAsync("docs", group(8), true)));

    get(client.deletePayloadIndexAsync("docs", "n", true, null, null));
    reference.deleteFieldIndex("n", false);
    assertEquals(
        Set.of("group"), get(client.getCollectionInfoAsync("docs")).getPayloadSchemaMap().keySet());
  }

  private void deletesByIdsAndByFilter() throws Exception {
    List<Common.PointId> doomed = new ArrayList<>();
    List<PointId> engineDoomed = new ArrayList<>();
    for (long i = 100; i < 150; i++) {
      doomed.add(id(i));
      engineDoomed.add(PointId.of(i));
    }
    get(client.deleteAsync("docs", doomed));
    reference.delete(engineDoomed, false);
    get(client.deleteAsync("docs", group(9)));
    reference
        .shard()
        .submit(new Operation.DeletePoints(PointSelector.filter(groupFilter(9))), false);

    assertEquals(reference.count(), get(client.countAsync("docs")), WHAT);
    assertEquals(POINTS - 45 - POINTS / GROUPS, reference.count());
    assertEquals(0, get(client.countAsync("docs", group(9), true)));
    assertTrue(get(client.retrieveAsync("docs", List.of(id(120)), false, false, null)).isEmpty());
    float[] query = randomVector();
    assertSameHits(searchExact("docs", query, null, 20), exact(query, null, 20));
  }

  private void batchOfUpdates() throws Exception {
    Points.PointStruct fresh = point(POINTS + 1, randomVector());
    List<Points.UpdateResult> results =
        get(
            client.batchUpdateAsync(
                "docs",
                List.of(
                    Points.PointsUpdateOperation.newBuilder()
                        .setUpsert(
                            Points.PointsUpdateOperation.PointStructList.newBuilder()
                                .addPoints(fresh))
                        .build(),
                    Points.PointsUpdateOperation.newBuilder()
                        .setSetPayload(
                            Points.PointsUpdateOperation.SetPayload.newBuilder()
                                .putPayload("batch", value(1))
                                .setPointsSelector(selector(POINTS + 1)))
                        .build(),
                    Points.PointsUpdateOperation.newBuilder()
                        .setDeletePoints(
                            Points.PointsUpdateOperation.DeletePoints.newBuilder()
                                .setPoints(selector(0)))
                        .build()),
                true,
                null,
                null));
    assertEquals(3, results.size());
    for (Points.UpdateResult r : results) {
      assertEquals(Points.UpdateStatus.Completed, r.getStatus());
    }
    reference.upsert(List.of(Protos.point(fresh, "fresh")), false);
    reference
        .shard()
        .submit(new Operation.SetPayload(ids(POINTS + 1), json("{\"batch\": 1}"), null), false);
    reference.delete(List.of(PointId.of(0)), false);
    assertEquals(reference.count(), get(client.countAsync("docs")));
    List<Points.RetrievedPoint> got =
        get(client.retrieveAsync("docs", List.of(id(POINTS + 1), id(0)), true, false, null));
    assertEquals(1, got.size());
    assertSamePoint(
        reference.retrieve(List.of(PointId.of(POINTS + 1)), true, false).get(0), got.get(0));
  }

  private void updateCollection() throws Exception {
    get(
        client.updateCollectionAsync(
            Collections.UpdateCollection.newBuilder()
                .setCollectionName("docs")
                .setOptimizersConfig(
                    Collections.OptimizersConfigDiff.newBuilder().setIndexingThreshold(2_000))
                .setHnswConfig(Collections.HnswConfigDiff.newBuilder().setEfConstruct(40))
                .setQuantizationConfig(
                    Collections.QuantizationConfigDiff.newBuilder()
                        .setDisabled(Collections.Disabled.getDefaultInstance()))
                .setParams(Collections.CollectionParamsDiff.newBuilder().setReplicationFactor(2))
                .build()));
    Collections.CollectionConfig config = get(client.getCollectionInfoAsync("docs")).getConfig();
    assertEquals(2_000, config.getOptimizerConfig().getIndexingThreshold());
    assertEquals(40, config.getHnswConfig().getEfConstruct());
    assertEquals(12, config.getHnswConfig().getM(), "what the update left alone stays");
    assertFalse(config.hasQuantizationConfig());
    assertEquals(2, config.getParams().getReplicationFactor());
    assertEquals(2, config.getParams().getShardNumber());

    Collections.CollectionClusterInfoResponse cluster =
        get(client.getCollectionClusterInfoAsync("docs"));
    assertEquals(1, cluster.getShardCount());
    assertEquals(reference.count(), cluster.getLocalShards(0).getPointsCount());
    float[] query = randomVector();
    assertSameHits(searchExact("docs", query, group(3), 6), exact(query, groupFilter(3), 6));
  }

  private void aliases() throws Exception {
    get(client.createAliasAsync("docs-live", "docs"));
    float[] query = randomVector();
    assertSameHits(searchExact("docs-live", query, group(2), 5), exact(query, groupFilter(2), 5));
    get(client.renameAliasAsync("docs-live", "docs-current"));
    List<Collections.AliasDescription> all = get(client.listAliasesAsync());
    assertEquals(1, all.size());
    assertEquals("docs-current", all.get(0).getAliasName());
    assertEquals("docs", all.get(0).getCollectionName());
    assertEquals(List.of("docs-current"), get(client.listCollectionAliasesAsync("docs")));
    assertEquals(reference.count(), get(client.countAsync("docs-current")));
    get(client.deleteAliasAsync("docs-current"));
    assertTrue(get(client.listAliasesAsync()).isEmpty());
    assertFalse(get(client.collectionExistsAsync("docs-current")));
  }

  private void snapshotsRecoverAndRollBack() throws Exception {
    SnapshotsService.SnapshotDescription snapshot = get(client.createSnapshotAsync("docs"));
    assertTrue(snapshot.getSize() > 0);
    assertTrue(snapshot.hasChecksum());
    List<SnapshotsService.SnapshotDescription> listed = get(client.listSnapshotAsync("docs"));
    assertEquals(List.of(snapshot.getName()), listed.stream().map(s -> s.getName()).toList());
    Path file = node.collections().snapshotFile("docs", snapshot.getName());

    QuiverAdminGrpc.QuiverAdminBlockingStub admin =
        QuiverAdminGrpc.newBlockingStub(adminChannel).withDeadlineAfter(60, TimeUnit.SECONDS);
    PublishSnapshotResponse restored =
        admin.publishSnapshot(
            PublishSnapshotRequest.newBuilder()
                .setCollectionName("docs-restored")
                .setUri(file.toString())
                .build());
    assertEquals(1, restored.getVersion().getVersion());
    assertTrue(restored.getVersion().getActive());
    assertEquals(reference.count(), get(client.countAsync("docs-restored")));
    float[] query = randomVector();
    assertSameHits(
        searchExact("docs-restored", query, group(1), 8), exact(query, groupFilter(1), 8));

    // Published over the live collection: a new version, then back to the first.
    get(client.deleteAsync("docs", List.of(id(1))));
    PublishSnapshotResponse second =
        admin.publishSnapshot(
            PublishSnapshotRequest.newBuilder()
                .setCollectionName("docs")
                .setUri(file.toUri().toString())
                .build());
    assertEquals(2, second.getVersion().getVersion());
    assertEquals(reference.count(), get(client.countAsync("docs")), "the snapshot's points");
    List<io.quiver.client.grpc.SnapshotVersion> versions =
        admin
            .listVersions(ListVersionsRequest.newBuilder().setCollectionName("docs").build())
            .getVersionsList();
    assertEquals(List.of(2L, 1L), versions.stream().map(v -> v.getVersion()).toList());
    assertTrue(versions.get(0).getActive());
    assertEquals(file.toUri().toString(), versions.get(0).getUri());
    assertEquals(
        1,
        admin
            .rollback(RollbackRequest.newBuilder().setCollectionName("docs").build())
            .getActive()
            .getVersion());
    assertEquals(reference.count() - 1, get(client.countAsync("docs")), "version 1 again");

    get(client.deleteSnapshotAsync("docs", snapshot.getName()));
    assertTrue(get(client.listSnapshotAsync("docs")).isEmpty());
    assertTrue(get(client.deleteCollectionAsync("docs-restored")).getResult());
    assertEquals(List.of("docs"), get(client.listCollectionsAsync()));
  }

  private void namedVectors() throws Exception {
    get(
        client.createCollectionAsync(
            "multi",
            Map.of(
                "image",
                Collections.VectorParams.newBuilder()
                    .setSize(8)
                    .setDistance(Collections.Distance.Dot)
                    .build(),
                "text",
                Collections.VectorParams.newBuilder()
                    .setSize(4)
                    .setDistance(Collections.Distance.Euclid)
                    .build())));
    List<Points.PointStruct> points = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      points.add(
          Points.PointStruct.newBuilder()
              .setId(id(i))
              .setVectors(
                  VectorsFactory.namedVectors(
                      Map.of(
                          "image", VectorFactory.vector(randomVector(8)),
                          "text", VectorFactory.vector(randomVector(4)))))
              .putPayload("i", value(i))
              .build());
    }
    get(client.upsertAsync("multi", points));
    Collections.CollectionInfo info = get(client.getCollectionInfoAsync("multi"));
    assertEquals(
        Set.of("image", "text"),
        info.getConfig().getParams().getVectorsConfig().getParamsMap().getMapMap().keySet());

    float[] text = randomVector(4);
    List<Points.ScoredPoint> hits =
        get(
            client.searchAsync(
                Points.SearchPoints.newBuilder()
                    .setCollectionName("multi")
                    .setVectorName("text")
                    .addAllVector(floats(text))
                    .setLimit(5)
                    .setWithVectors(WithVectorsSelectorFactory.include(List.of("text")))
                    .build()));
    // Euclid: the nearest by a brute-force check over what was sent.
    long nearest = -1;
    double best = Double.MAX_VALUE;
    for (Points.PointStruct p : points) {
      List<Float> t =
          p.getVectors().getVectors().getVectorsMap().get("text").getDense().getDataList();
      double d = 0;
      for (int k = 0; k < 4; k++) {
        d += (t.get(k) - text[k]) * (t.get(k) - text[k]);
      }
      if (d < best) {
        best = d;
        nearest = p.getId().getNum();
      }
    }
    assertEquals(nearest, hits.get(0).getId().getNum(), WHAT);
    assertEquals(Set.of("text"), hits.get(0).getVectors().getVectors().getVectorsMap().keySet());

    List<Points.ScoredPoint> viaQuery =
        get(
            client.queryAsync(
                Points.QueryPoints.newBuilder()
                    .setCollectionName("multi")
                    .setQuery(QueryFactory.nearest(text))
                    .setUsing("text")
                    .setLimit(5)
                    .build()));
    assertEquals(
        hits.stream().map(p -> p.getId().getNum()).toList(),
        viaQuery.stream().map(p -> p.getId().getNum()).toList());
    assertTrue(get(client.deleteCollectionAsync("multi")).getResult());
  }

  // ---------------------------------------------------------------- helpers

  static <T> T get(ListenableFuture<T> future) throws Exception {
    return future.get(60, TimeUnit.SECONDS);
  }

  private static float[] randomVector() {
    return randomVector(DIM);
  }

  private static float[] randomVector(int dim) {
    float[] v = new float[dim];
    for (int i = 0; i < dim; i++) {
      v[i] = (float) random.nextGaussian();
    }
    return v;
  }

  private static List<Float> floats(float[] v) {
    List<Float> out = new ArrayList<>(v.length);
    for (float f : v) {
      out.add(f);
    }
    return out;
  }

  /** Point {@code i}: a keyword group, an integer, a float, a bool and a list in its payload. */
  private static Points.PointStruct point(long i, float[] vector) {
    Map<String, JsonWithInt.Value> payload = new HashMap<>();
    payload.put("group", value("g" + (i % GROUPS)));
    payload.put("n", value(i));
    payload.put("score", value(i / 7.0));
    payload.put("even", value(i % 2 == 0));
    payload.put("tags", io.qdrant.client.ValueFactory.list(List.of(value("a"), value(i % 3))));
    return Points.PointStruct.newBuilder()
        .setId(id(i))
        .setVectors(VectorsFactory.vectors(vector))
        .putAllPayload(payload)
        .build();
  }

  private static Common.Filter group(int g) {
    return Common.Filter.newBuilder().addMust(matchKeyword("group", "g" + g)).build();
  }

  private static Filter groupFilter(int g) {
    return Filter.must(keyword("group", "g" + g));
  }

  private static Condition keyword(String key, String value) {
    return new Condition.MatchKeyword(JsonPath.parse(key), value);
  }

  private static PointSelector ids(long... ids) {
    List<PointId> out = new ArrayList<>();
    for (long i : ids) {
      out.add(PointId.of(i));
    }
    return PointSelector.ids(out);
  }

  private static Points.PointsSelector selector(long id) {
    return Points.PointsSelector.newBuilder()
        .setPoints(Points.PointsIdsList.newBuilder().addIds(id(id)))
        .build();
  }

  private static ObjectNode json(String text) throws IOException {
    return (ObjectNode) MAPPER.readTree(text);
  }

  private static Points.SearchPoints searchRequest(
      String collection, float[] query, Common.Filter filter, int limit) {
    Points.SearchPoints.Builder search =
        Points.SearchPoints.newBuilder()
            .setCollectionName(collection)
            .addAllVector(floats(query))
            .setLimit(limit)
            .setParams(Points.SearchParams.newBuilder().setExact(true))
            .setWithPayload(enable(true));
    if (filter != null) {
      search.setFilter(filter);
    }
    return search.build();
  }

  private static List<Points.ScoredPoint> searchExact(
      String collection, float[] query, Common.Filter filter, int limit) throws Exception {
    return get(client.searchAsync(searchRequest(collection, query, filter, limit)));
  }

  private static List<ScoredPoint> exact(float[] query, Filter filter, int limit) {
    return reference.search(
        new SearchRequest(
            "", query, limit, 0, SearchParams.DEFAULT.withExact(true), null, true, false, filter));
  }

  private static void assertSameHits(List<Points.ScoredPoint> served, List<ScoredPoint> expected) {
    List<Long> servedIds = served.stream().map(p -> p.getId().getNum()).toList();
    List<Long> expectedIds = expected.stream().map(p -> p.id().num()).toList();
    assertEquals(expectedIds, servedIds, WHAT);
    for (int i = 0; i < expected.size(); i++) {
      assertEquals(expected.get(i).score(), served.get(i).getScore(), 1e-5f, WHAT);
      if (served.get(i).getPayloadCount() > 0) {
        assertEquals(
            Protos.payloadFields(expected.get(i).payload()), served.get(i).getPayloadMap(), WHAT);
      }
    }
  }

  private static void assertSamePoint(PointRecord expected, Points.RetrievedPoint served) {
    assertEquals(expected.id().num(), served.getId().getNum(), WHAT);
    assertNotNull(expected.payload());
    // Compared as Qdrant values: the engine may hold 2 as an int where the wire says integer.
    assertEquals(Protos.payloadFields(expected.payload()), served.getPayloadMap(), WHAT);
  }
}
