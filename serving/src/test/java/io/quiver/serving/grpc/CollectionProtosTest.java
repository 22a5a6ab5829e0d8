package io.quiver.serving.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.qdrant.client.grpc.Collections;
import io.quiver.cluster.CollectionInfo;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.quant.QuantizationConfig;
import io.quiver.engine.segment.SegmentMeta;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.serving.api.CreateCollection;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Qdrant's gRPC collection messages through the REST parser and back: every quantization kind,
 * per-vector settings, and what Quiver refuses by name.
 */
class CollectionProtosTest {

  private static Collections.VectorParams.Builder vector(int size, Collections.Distance d) {
    return Collections.VectorParams.newBuilder().setSize(size).setDistance(d);
  }

  private static CreateCollection parse(Collections.CreateCollection request) {
    return CreateCollection.fromJson(CollectionProtos.createJson(request));
  }

  @Test
  void namedVectorsWithTheirOwnSettingsRoundTrip() {
    Collections.CreateCollection request =
        Collections.CreateCollection.newBuilder()
            .setCollectionName("c")
            .setVectorsConfig(
                Collections.VectorsConfig.newBuilder()
                    .setParamsMap(
                        Collections.VectorParamsMap.newBuilder()
                            .putMap(
                                "pq",
                                vector(32, Collections.Distance.Dot)
                                    .setQuantizationConfig(
                                        Collections.QuantizationConfig.newBuilder()
                                            .setProduct(
                                                Collections.ProductQuantization.newBuilder()
                                                    .setCompression(
                                                        Collections.CompressionRatio.x8)))
                                    .build())
                            .putMap(
                                "bq",
                                vector(16, Collections.Distance.Cosine)
                                    .setHnswConfig(Collections.HnswConfigDiff.newBuilder().setM(32))
                                    .setQuantizationConfig(
                                        Collections.QuantizationConfig.newBuilder()
                                            .setBinary(
                                                Collections.BinaryQuantization.newBuilder()
                                                    .setEncoding(
                                                        Collections.BinaryQuantizationEncoding
                                                            .TwoBits)
                                                    .setQueryEncoding(
                                                        Collections.BinaryQuantizationQueryEncoding
                                                            .newBuilder()
                                                            .setSetting(
                                                                Collections
                                                                    .BinaryQuantizationQueryEncoding
                                                                    .Setting.Scalar8Bits))))
                                    .build())
                            .putMap(
                                "rq",
                                vector(8, Collections.Distance.Manhattan)
                                    .setQuantizationConfig(
                                        Collections.QuantizationConfig.newBuilder()
                                            .setTurboquant(
                                                Collections.TurboQuantization.newBuilder()
                                                    .setBits(Collections.TurboQuantBitSize.Bits4)))
                                    .build())))
            .setHnswConfig(Collections.HnswConfigDiff.newBuilder().setM(8).setEfConstruct(40))
            .setWalConfig(Collections.WalConfigDiff.newBuilder().setWalCapacityMb(4))
            .setOptimizersConfig(
                Collections.OptimizersConfigDiff.newBuilder()
                    .setMaxOptimizationThreads(
                        Collections.MaxOptimizationThreads.newBuilder().setValue(2))
                    .setDefaultSegmentNumber(3))
            .setReplicationFactor(2)
            .setWriteConsistencyFactor(1)
            .build();
    CreateCollection created = parse(request);
    CollectionConfig config = created.config();
    assertEquals(new QuantizationConfig.Product(8), config.vector("pq").quantization());
    assertEquals(
        new QuantizationConfig.Binary(2, QuantizationConfig.QueryEncoding.SCALAR8BITS),
        config.vector("bq").quantization());
    assertEquals(new QuantizationConfig.Rotational(4), config.vector("rq").quantization());
    assertEquals(32, config.vector("bq").hnsw().m());
    assertEquals(8, config.vector("pq").hnsw().m());
    assertEquals(40, config.vector("bq").hnsw().efConstruct(), "the collection's, kept");
    assertEquals(VectorSimilarity.MANHATTAN, config.vector("rq").distance());
    assertEquals(4, config.walCapacityMb());
    assertEquals(2, config.optimizer().maxOptimizationThreads());
    assertEquals(3, config.optimizer().defaultSegmentNumber());
    assertEquals(2, created.settings().replicationFactor());

    Collections.CollectionInfo info =
        CollectionInfoProtos.info(
            new CollectionInfo(
                "c",
                "yellow",
                10,
                4,
                2,
                1,
                config,
                created.settings(),
                List.of(new SegmentMeta.IndexedField("tag", "keyword"))));
    assertEquals(Collections.CollectionStatus.Yellow, info.getStatus());
    assertEquals(10, info.getPointsCount());
    assertEquals(2, info.getSegmentsCount());
    assertEquals(
        Collections.PayloadSchemaType.Keyword, info.getPayloadSchemaMap().get("tag").getDataType());
    Collections.CollectionConfig out = info.getConfig();
    assertFalse(out.hasQuantizationConfig(), "the vectors' quantizations differ");
    assertEquals(2, out.getOptimizerConfig().getMaxOptimizationThreads().getValue());
    assertEquals(4, out.getWalConfig().getWalCapacityMb());
    var vectors = out.getParams().getVectorsConfig().getParamsMap().getMapMap();
    assertEquals(
        Collections.CompressionRatio.x8,
        vectors.get("pq").getQuantizationConfig().getProduct().getCompression());
    assertEquals(
        Collections.BinaryQuantizationEncoding.TwoBits,
        vectors.get("bq").getQuantizationConfig().getBinary().getEncoding());
    assertEquals(
        Collections.TurboQuantBitSize.Bits4,
        vectors.get("rq").getQuantizationConfig().getTurboquant().getBits());
    assertEquals(32, vectors.get("bq").getHnswConfig().getM(), "its own graph settings");
    assertFalse(vectors.get("pq").hasHnswConfig(), "the collection's graph settings");
    assertEquals(Collections.Distance.Manhattan, vectors.get("rq").getDistance());
  }

  @Test
  void updatesBecomeTheRestPatch() {
    var patch =
        CollectionProtos.updateJson(
            Collections.UpdateCollection.newBuilder()
                .setCollectionName("c")
                .setVectorsConfig(
                    Collections.VectorsConfigDiff.newBuilder()
                        .setParams(
                            Collections.VectorParamsDiff.newBuilder()
                                .setHnswConfig(
                                    Collections.HnswConfigDiff.newBuilder().setEfConstruct(99))))
                .setQuantizationConfig(
                    Collections.QuantizationConfigDiff.newBuilder()
                        .setDisabled(Collections.Disabled.getDefaultInstance()))
                .setParams(Collections.CollectionParamsDiff.newBuilder().setOnDiskPayload(true))
                .build());
    assertEquals(99, patch.at("/vectors//hnsw_config/ef_construct").asInt());
    assertEquals("Disabled", patch.get("quantization_config").asText());
    assertTrue(patch.at("/params/on_disk_payload").asBoolean());
  }

  @Test
  void whatQuiverDoesNotHaveIsRefusedByName() {
    Collections.CreateCollection.Builder base =
        Collections.CreateCollection.newBuilder()
            .setCollectionName("c")
            .setVectorsConfig(
                Collections.VectorsConfig.newBuilder()
                    .setParams(vector(4, Collections.Distance.Dot)));
    assertRefused(
        "sharding_method",
        base.clone().setShardingMethod(Collections.ShardingMethod.Custom).build());
    assertRefused(
        "datatype",
        base.clone()
            .setVectorsConfig(
                Collections.VectorsConfig.newBuilder()
                    .setParams(
                        vector(4, Collections.Distance.Dot)
                            .setDatatype(Collections.Datatype.Uint8)))
            .build());
    assertRefused(
        "multivector",
        base.clone()
            .setVectorsConfig(
                Collections.VectorsConfig.newBuilder()
                    .setParams(
                        vector(4, Collections.Distance.Dot)
                            .setMultivectorConfig(
                                Collections.MultiVectorConfig.getDefaultInstance())))
            .build());
    assertRefused(
        "one_and_half_bits",
        base.clone()
            .setQuantizationConfig(
                Collections.QuantizationConfig.newBuilder()
                    .setBinary(
                        Collections.BinaryQuantization.newBuilder()
                            .setEncoding(Collections.BinaryQuantizationEncoding.OneAndHalfBits)))
            .build());
    assertRefused(
        "vectors", Collections.CreateCollection.newBuilder().setCollectionName("c").build());
    // The unnamed vector with defaults: no quantization, Quiver's HNSW defaults.
    CollectionConfig plain = parse(base.build()).config();
    VectorParams only = plain.vector("");
    assertNull(only.quantization());
    assertEquals(VectorSimilarity.DOT, only.distance());
  }

  private static void assertRefused(String word, Collections.CreateCollection request) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(request));
    assertTrue(e.getMessage().contains(word), e.getMessage());
  }
}
