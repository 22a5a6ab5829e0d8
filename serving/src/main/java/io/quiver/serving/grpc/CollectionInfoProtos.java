package io.quiver.serving.grpc;

import io.qdrant.client.grpc.Collections;
import io.quiver.cluster.CollectionInfo;
import io.quiver.cluster.CollectionSettings;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.HnswParams;
import io.quiver.engine.collection.OptimizerParams;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.quant.QuantizationConfig;
import io.quiver.engine.segment.SegmentMeta;
import java.util.Map;
import java.util.Objects;

/**
 * A collection's info and configuration as Qdrant's {@code CollectionInfo} message. The HNSW and
 * quantization settings shared by every vector are reported at the collection's level, a vector's
 * own only where it differs; Quiver's {@code rotational} quantization is Qdrant's {@code
 * turboquant} (except at 3 bits, which Qdrant's messages cannot say: it is left out).
 */
final class CollectionInfoProtos {

  private CollectionInfoProtos() {}

  static Collections.CollectionInfo info(CollectionInfo info) {
    CollectionConfig config = info.config();
    VectorParams first = config.vectors().values().iterator().next();
    HnswParams hnsw = first.hnsw();
    QuantizationConfig quantization = first.quantization();
    for (VectorParams v : config.vectors().values()) {
      if (!Objects.equals(v.quantization(), quantization)) {
        quantization = null; // they differ: each vector reports its own
        break;
      }
    }
    Collections.CollectionConfig.Builder out =
        Collections.CollectionConfig.newBuilder()
            .setParams(params(config, info.settings(), hnsw, quantization))
            .setHnswConfig(hnsw(hnsw))
            .setOptimizerConfig(optimizers(config.optimizer()))
            .setWalConfig(
                Collections.WalConfigDiff.newBuilder().setWalCapacityMb(config.walCapacityMb()));
    Collections.QuantizationConfig q = quantization(quantization);
    if (q != null) {
      out.setQuantizationConfig(q);
    }
    Collections.CollectionInfo.Builder result =
        Collections.CollectionInfo.newBuilder()
            .setStatus(status(info.status()))
            .setOptimizerStatus(Collections.OptimizerStatus.newBuilder().setOk(true))
            .setSegmentsCount(info.segmentsCount())
            .setPointsCount(info.pointsCount())
            .setIndexedVectorsCount(info.indexedVectorsCount())
            .setConfig(out)
            .setUpdateQueue(Collections.UpdateQueueInfo.newBuilder().setLength(0));
    for (SegmentMeta.IndexedField f : info.payloadSchema()) {
      result.putPayloadSchema(
          f.key(),
          Collections.PayloadSchemaInfo.newBuilder().setDataType(schema(f.schema())).build());
    }
    return result.build();
  }

  private static Collections.CollectionParams params(
      CollectionConfig config,
      CollectionSettings settings,
      HnswParams collectionHnsw,
      QuantizationConfig collectionQuantization) {
    Collections.VectorsConfig.Builder vectors = Collections.VectorsConfig.newBuilder();
    Map<String, VectorParams> all = config.vectors();
    if (all.size() == 1 && all.containsKey("")) {
      vectors.setParams(vector(all.get(""), collectionHnsw, collectionQuantization));
    } else {
      Collections.VectorParamsMap.Builder map = Collections.VectorParamsMap.newBuilder();
      all.forEach((name, v) -> map.putMap(name, vector(v, collectionHnsw, collectionQuantization)));
      vectors.setParamsMap(map);
    }
    return Collections.CollectionParams.newBuilder()
        .setShardNumber(settings.shardNumber())
        .setReplicationFactor(settings.replicationFactor())
        .setWriteConsistencyFactor(settings.writeConsistencyFactor())
        .setOnDiskPayload(settings.onDiskPayload())
        .setShardingMethod(Collections.ShardingMethod.Auto)
        .setVectorsConfig(vectors)
        .build();
  }

  /**
   * A vector's parameters; its HNSW and quantization only where they differ from the collection's.
   */
  private static Collections.VectorParams vector(
      VectorParams v, HnswParams collectionHnsw, QuantizationConfig collectionQuantization) {
    Collections.VectorParams.Builder out =
        Collections.VectorParams.newBuilder()
            .setSize(v.size())
            .setDistance(Collections.Distance.valueOf(v.distance().apiName()))
            .setDatatype(Collections.Datatype.Float32);
    if (!v.hnsw().equals(collectionHnsw)) {
      out.setHnswConfig(hnsw(v.hnsw()));
    }
    if (collectionQuantization == null) {
      Collections.QuantizationConfig q = quantization(v.quantization());
      if (q != null) {
        out.setQuantizationConfig(q);
      }
    }
    return out.build();
  }

  private static Collections.HnswConfigDiff hnsw(HnswParams h) {
    return Collections.HnswConfigDiff.newBuilder()
        .setM(h.m())
        .setEfConstruct(h.efConstruct())
        .setFullScanThreshold(h.fullScanThresholdKb())
        .setMaxIndexingThreads(h.maxIndexingThreads())
        .setOnDisk(false)
        .build();
  }

  private static Collections.OptimizersConfigDiff optimizers(OptimizerParams o) {
    Collections.MaxOptimizationThreads.Builder threads =
        Collections.MaxOptimizationThreads.newBuilder();
    if (o.maxOptimizationThreads() == 0) {
      threads.setSetting(Collections.MaxOptimizationThreads.Setting.Auto);
    } else {
      threads.setValue(o.maxOptimizationThreads());
    }
    return Collections.OptimizersConfigDiff.newBuilder()
        .setDeletedThreshold(o.deletedThreshold())
        .setVacuumMinVectorNumber(o.vacuumMinVectorNumber())
        .setDefaultSegmentNumber(o.defaultSegmentNumber())
        .setMaxSegmentSize(o.maxSegmentSizeKb())
        .setIndexingThreshold(o.indexingThresholdKb())
        .setFlushIntervalSec(o.flushIntervalSec())
        .setMaxOptimizationThreads(threads)
        .build();
  }

  /** The gRPC form of a quantization; null for none, or for one Qdrant's messages cannot say. */
  private static Collections.QuantizationConfig quantization(QuantizationConfig q) {
    Collections.QuantizationConfig.Builder out = Collections.QuantizationConfig.newBuilder();
    if (q instanceof QuantizationConfig.Scalar s) {
      out.setScalar(
          Collections.ScalarQuantization.newBuilder()
              .setType(Collections.QuantizationType.Int8)
              .setQuantile(s.quantile())
              .setAlwaysRam(true));
    } else if (q instanceof QuantizationConfig.Product p) {
      out.setProduct(
          Collections.ProductQuantization.newBuilder()
              .setCompression(Collections.CompressionRatio.valueOf("x" + p.compression()))
              .setAlwaysRam(true));
    } else if (q instanceof QuantizationConfig.Binary b) {
      Collections.BinaryQuantizationQueryEncoding.Setting query =
          switch (b.queryEncoding()) {
            case DEFAULT -> Collections.BinaryQuantizationQueryEncoding.Setting.Default;
            case BINARY -> Collections.BinaryQuantizationQueryEncoding.Setting.Binary;
            case SCALAR4BITS -> Collections.BinaryQuantizationQueryEncoding.Setting.Scalar4Bits;
            case SCALAR8BITS -> Collections.BinaryQuantizationQueryEncoding.Setting.Scalar8Bits;
          };
      out.setBinary(
          Collections.BinaryQuantization.newBuilder()
              .setEncoding(
                  b.bits() == 1
                      ? Collections.BinaryQuantizationEncoding.OneBit
                      : Collections.BinaryQuantizationEncoding.TwoBits)
              .setQueryEncoding(
                  Collections.BinaryQuantizationQueryEncoding.newBuilder().setSetting(query))
              .setAlwaysRam(true));
    } else if (q instanceof QuantizationConfig.Rotational r) {
      Collections.TurboQuantBitSize bits =
          switch (r.bits()) {
            case 1 -> Collections.TurboQuantBitSize.Bits1;
            case 2 -> Collections.TurboQuantBitSize.Bits2;
            case 4 -> Collections.TurboQuantBitSize.Bits4;
            default -> null; // 3 bits: no word for it in Qdrant's messages
          };
      if (bits == null) {
        return null;
      }
      out.setTurboquant(
          Collections.TurboQuantization.newBuilder().setBits(bits).setAlwaysRam(true));
    } else {
      return null;
    }
    return out.build();
  }

  private static Collections.CollectionStatus status(String status) {
    return switch (status) {
      case "green" -> Collections.CollectionStatus.Green;
      case "yellow" -> Collections.CollectionStatus.Yellow;
      case "grey" -> Collections.CollectionStatus.Grey;
      case "red" -> Collections.CollectionStatus.Red;
      default -> Collections.CollectionStatus.UnknownCollectionStatus;
    };
  }

  private static Collections.PayloadSchemaType schema(String schema) {
    return switch (schema) {
      case "keyword" -> Collections.PayloadSchemaType.Keyword;
      case "integer" -> Collections.PayloadSchemaType.Integer;
      case "float" -> Collections.PayloadSchemaType.Float;
      case "bool" -> Collections.PayloadSchemaType.Bool;
      case "datetime" -> Collections.PayloadSchemaType.Datetime;
      case "uuid" -> Collections.PayloadSchemaType.Uuid;
      default -> Collections.PayloadSchemaType.UnknownType;
    };
  }
}
