package io.quiver.serving.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qdrant.client.grpc.Collections;
import io.quiver.cluster.CollectionInfo;
import io.quiver.cluster.CollectionSettings;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.HnswParams;
import io.quiver.engine.collection.OptimizerParams;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.quant.QuantizationConfig;
import io.quiver.engine.segment.SegmentMeta;
import java.math.BigInteger;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Qdrant's gRPC collection messages and Quiver's collection configuration. Requests are converted
 * to Qdrant's REST JSON shape, so that one parser ({@link io.quiver.serving.api.CreateCollection},
 * {@link io.quiver.cluster.ConfigPatch}) decides for both protocols; a field Quiver does not
 * implement is carried over and refused there by name. Answers are built from the engine's values.
 *
 * <p>Qdrant's {@code turboquant} quantization (a random rotation, then a few bits per dimension) is
 * Quiver's {@code rotational} quantization.
 */
final class CollectionProtos {

  private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

  private CollectionProtos() {}

  // ---------------------------------------------------------------- create and update

  /** A create request as the REST body {@code CreateCollection.fromJson} reads. */
  static ObjectNode createJson(Collections.CreateCollection c) {
    ObjectNode out = JSON.objectNode();
    if (c.hasVectorsConfig()) {
      out.set("vectors", vectorsConfig(c.getVectorsConfig(), "vectors_config"));
    }
    if (c.hasHnswConfig()) {
      out.set("hnsw_config", hnsw(c.getHnswConfig()));
    }
    if (c.hasWalConfig()) {
      out.set("wal_config", wal(c.getWalConfig()));
    }
    if (c.hasOptimizersConfig()) {
      out.set("optimizers_config", optimizers(c.getOptimizersConfig()));
    }
    if (c.hasQuantizationConfig()) {
      out.set(
          "quantization_config", quantization(c.getQuantizationConfig(), "quantization_config"));
    }
    if (c.hasShardNumber()) {
      out.set("shard_number", unsigned(c.getShardNumber() & 0xFFFFFFFFL));
    }
    if (c.hasReplicationFactor()) {
      out.set("replication_factor", unsigned(c.getReplicationFactor() & 0xFFFFFFFFL));
    }
    if (c.hasWriteConsistencyFactor()) {
      out.set("write_consistency_factor", unsigned(c.getWriteConsistencyFactor() & 0xFFFFFFFFL));
    }
    if (c.hasOnDiskPayload()) {
      out.put("on_disk_payload", c.getOnDiskPayload());
    }
    if (c.hasShardingMethod()) {
      out.put("sharding_method", c.getShardingMethod().name().toLowerCase(Locale.ROOT));
    }
    if (c.hasSparseVectorsConfig() && c.getSparseVectorsConfig().getMapCount() > 0) {
      ObjectNode sparse = out.putObject("sparse_vectors");
      c.getSparseVectorsConfig().getMapMap().keySet().forEach(name -> sparse.putObject(name));
    }
    if (c.hasStrictModeConfig() && !c.getStrictModeConfig().getAllFields().isEmpty()) {
      out.putObject("strict_mode_config").put("enabled", c.getStrictModeConfig().getEnabled());
    }
    return out;
  }

  /** An update request as the patch {@code CollectionService.updateCollection} applies. */
  static ObjectNode updateJson(Collections.UpdateCollection u) {
    ObjectNode out = JSON.objectNode();
    if (u.hasOptimizersConfig()) {
      out.set("optimizers_config", optimizers(u.getOptimizersConfig()));
    }
    if (u.hasHnswConfig()) {
      out.set("hnsw_config", hnsw(u.getHnswConfig()));
    }
    if (u.hasQuantizationConfig()) {
      out.set(
          "quantization_config",
          quantizationDiff(u.getQuantizationConfig(), "quantization_config"));
    }
    if (u.hasVectorsConfig()) {
      ObjectNode vectors = out.putObject("vectors");
      Collections.VectorsConfigDiff diff = u.getVectorsConfig();
      switch (diff.getConfigCase()) {
        case PARAMS:
          vectors.set("", vectorDiff(diff.getParams(), "vectors_config.params"));
          break;
        case PARAMS_MAP:
          diff.getParamsMap()
              .getMapMap()
              .forEach(
                  (name, v) ->
                      vectors.set(name, vectorDiff(v, "vectors_config.params_map." + name)));
          break;
        default:
          throw new IllegalArgumentException("vectors_config: set params or params_map");
      }
    }
    if (u.hasParams()) {
      Collections.CollectionParamsDiff p = u.getParams();
      ObjectNode params = out.putObject("params");
      if (p.hasReplicationFactor()) {
        params.set("replication_factor", unsigned(p.getReplicationFactor() & 0xFFFFFFFFL));
      }
      if (p.hasWriteConsistencyFactor()) {
        params.set(
            "write_consistency_factor", unsigned(p.getWriteConsistencyFactor() & 0xFFFFFFFFL));
      }
      if (p.hasOnDiskPayload()) {
        params.put("on_disk_payload", p.getOnDiskPayload());
      }
    }
    if (u.hasSparseVectorsConfig() && u.getSparseVectorsConfig().getMapCount() > 0) {
      throw new IllegalArgumentException(
          "sparse_vectors_config: sparse vectors are not supported by Quiver");
    }
    if (u.hasStrictModeConfig() && !u.getStrictModeConfig().getAllFields().isEmpty()) {
      throw new IllegalArgumentException(
          "strict_mode_config: per-collection strict mode is not supported; the node's"
              + " strict_mode settings apply");
    }
    return out;
  }

  private static JsonNode vectorsConfig(Collections.VectorsConfig config, String field) {
    switch (config.getConfigCase()) {
      case PARAMS:
        return vectorParams(config.getParams(), field + ".params");
      case PARAMS_MAP:
        ObjectNode named = JSON.objectNode();
        config
            .getParamsMap()
            .getMapMap()
            .forEach((name, v) -> named.set(name, vectorParams(v, field + ".params_map." + name)));
        return named;
      default:
        throw new IllegalArgumentException(field + ": set params or params_map");
    }
  }

  private static ObjectNode vectorParams(Collections.VectorParams p, String field) {
    ObjectNode out = JSON.objectNode();
    out.set("size", unsigned(p.getSize()));
    if (p.getDistance() == Collections.Distance.UnknownDistance) {
      throw new IllegalArgumentException(
          field + ".distance must be Cosine, Euclid, Dot or Manhattan; got " + p.getDistance());
    }
    out.put("distance", p.getDistance().name());
    if (p.hasHnswConfig()) {
      out.set("hnsw_config", hnsw(p.getHnswConfig()));
    }
    if (p.hasQuantizationConfig()) {
      out.set(
          "quantization_config",
          quantization(p.getQuantizationConfig(), field + ".quantization_config"));
    }
    if (p.hasOnDisk()) {
      out.put("on_disk", p.getOnDisk());
    }
    if (p.hasDatatype() && p.getDatatype() != Collections.Datatype.Default) {
      out.put("datatype", p.getDatatype().name().toLowerCase(Locale.ROOT));
    }
    if (p.hasMultivectorConfig()) {
      out.putObject("multivector_config")
          .put("comparator", p.getMultivectorConfig().getComparator().name());
    }
    return out;
  }

  private static ObjectNode vectorDiff(Collections.VectorParamsDiff d, String field) {
    ObjectNode out = JSON.objectNode();
    if (d.hasHnswConfig()) {
      out.set("hnsw_config", hnsw(d.getHnswConfig()));
    }
    if (d.hasQuantizationConfig()) {
      out.set(
          "quantization_config",
          quantizationDiff(d.getQuantizationConfig(), field + ".quantization_config"));
    }
    if (d.hasOnDisk()) {
      out.put("on_disk", d.getOnDisk());
    }
    return out;
  }

  private static ObjectNode hnsw(Collections.HnswConfigDiff h) {
    ObjectNode out = JSON.objectNode();
    if (h.hasM()) {
      out.set("m", unsigned(h.getM()));
    }
    if (h.hasEfConstruct()) {
      out.set("ef_construct", unsigned(h.getEfConstruct()));
    }
    if (h.hasFullScanThreshold()) {
      out.set("full_scan_threshold", unsigned(h.getFullScanThreshold()));
    }
    if (h.hasMaxIndexingThreads()) {
      out.set("max_indexing_threads", unsigned(h.getMaxIndexingThreads()));
    }
    if (h.hasOnDisk()) {
      out.put("on_disk", h.getOnDisk());
    }
    if (h.hasPayloadM()) {
      out.set("payload_m", unsigned(h.getPayloadM()));
    }
    if (h.hasInlineStorage()) {
      out.put("inline_storage", h.getInlineStorage());
    }
    return out;
  }

  private static ObjectNode wal(Collections.WalConfigDiff w) {
    ObjectNode out = JSON.objectNode();
    if (w.hasWalCapacityMb()) {
      out.set("wal_capacity_mb", unsigned(w.getWalCapacityMb()));
    }
    if (w.hasWalSegmentsAhead()) {
      out.set("wal_segments_ahead", unsigned(w.getWalSegmentsAhead()));
    }
    if (w.hasWalRetainClosed()) {
      out.set("wal_retain_closed", unsigned(w.getWalRetainClosed()));
    }
    return out;
  }

  private static ObjectNode optimizers(Collections.OptimizersConfigDiff o) {
    ObjectNode out = JSON.objectNode();
    if (o.hasDeletedThreshold()) {
      out.put("deleted_threshold", o.getDeletedThreshold());
    }
    if (o.hasVacuumMinVectorNumber()) {
      out.set("vacuum_min_vector_number", unsigned(o.getVacuumMinVectorNumber()));
    }
    if (o.hasDefaultSegmentNumber()) {
      out.set("default_segment_number", unsigned(o.getDefaultSegmentNumber()));
    }
    if (o.hasMaxSegmentSize()) {
      out.set("max_segment_size", unsigned(o.getMaxSegmentSize()));
    }
    if (o.hasMemmapThreshold()) {
      out.set("memmap_threshold", unsigned(o.getMemmapThreshold()));
    }
    if (o.hasIndexingThreshold()) {
      out.set("indexing_threshold", unsigned(o.getIndexingThreshold()));
    }
    if (o.hasFlushIntervalSec()) {
      out.set("flush_interval_sec", unsigned(o.getFlushIntervalSec()));
    }
    if (o.hasMaxOptimizationThreads()) {
      Collections.MaxOptimizationThreads threads = o.getMaxOptimizationThreads();
      // "auto" is the engine's 0: as many threads as cores.
      out.set(
          "max_optimization_threads",
          threads.hasValue() ? unsigned(threads.getValue()) : JSON.numberNode(0));
    } else if (o.hasDeprecatedMaxOptimizationThreads()) {
      out.set("max_optimization_threads", unsigned(o.getDeprecatedMaxOptimizationThreads()));
    }
    if (o.hasPreventUnoptimized()) {
      out.put("prevent_unoptimized", o.getPreventUnoptimized());
    }
    return out;
  }

  private static JsonNode quantization(Collections.QuantizationConfig q, String field) {
    switch (q.getQuantizationCase()) {
      case SCALAR:
        return wrap("scalar", scalar(q.getScalar()));
      case PRODUCT:
        return wrap("product", product(q.getProduct()));
      case BINARY:
        return wrap("binary", binary(q.getBinary()));
      case TURBOQUANT:
        return wrap("rotational", turbo(q.getTurboquant(), field + ".turboquant"));
      default:
        throw new IllegalArgumentException(
            field + ": set one of scalar, product, binary, turboquant");
    }
  }

  private static JsonNode quantizationDiff(Collections.QuantizationConfigDiff q, String field) {
    switch (q.getQuantizationCase()) {
      case SCALAR:
        return wrap("scalar", scalar(q.getScalar()));
      case PRODUCT:
        return wrap("product", product(q.getProduct()));
      case BINARY:
        return wrap("binary", binary(q.getBinary()));
      case TURBOQUANT:
        return wrap("rotational", turbo(q.getTurboquant(), field + ".turboquant"));
      case DISABLED:
        return JSON.textNode("Disabled");
      default:
        throw new IllegalArgumentException(
            field + ": set one of scalar, product, binary, turboquant, disabled");
    }
  }

  private static ObjectNode scalar(Collections.ScalarQuantization s) {
    ObjectNode out = JSON.objectNode();
    // UnknownQuantization is the unset enum: the default type, int8.
    if (s.getType() != Collections.QuantizationType.UnknownQuantization) {
      out.put("type", s.getType().name().toLowerCase(Locale.ROOT));
    }
    if (s.hasQuantile()) {
      out.put("quantile", s.getQuantile());
    }
    if (s.hasAlwaysRam()) {
      out.put("always_ram", s.getAlwaysRam());
    }
    return out;
  }

  private static ObjectNode product(Collections.ProductQuantization p) {
    ObjectNode out = JSON.objectNode().put("compression", p.getCompression().name());
    if (p.hasAlwaysRam()) {
      out.put("always_ram", p.getAlwaysRam());
    }
    return out;
  }

  private static ObjectNode binary(Collections.BinaryQuantization b) {
    ObjectNode out = JSON.objectNode();
    if (b.hasEncoding()) {
      out.put(
          "encoding",
          switch (b.getEncoding()) {
            case OneBit -> "one_bit";
            case TwoBits -> "two_bits";
            case OneAndHalfBits -> "one_and_half_bits";
            default -> b.getEncoding().name();
          });
    }
    if (b.hasQueryEncoding() && b.getQueryEncoding().hasSetting()) {
      out.put("query_encoding", b.getQueryEncoding().getSetting().name().toLowerCase(Locale.ROOT));
    }
    if (b.hasAlwaysRam()) {
      out.put("always_ram", b.getAlwaysRam());
    }
    return out;
  }

  private static ObjectNode turbo(Collections.TurboQuantization t, String field) {
    ObjectNode out = JSON.objectNode();
    if (t.hasBits()) {
      int bits =
          switch (t.getBits()) {
            case Bits1 -> 1;
            case Bits2 -> 2;
            case Bits4 -> 4;
            default ->
                throw new IllegalArgumentException(
                    field + ".bits: " + t.getBits() + " is not supported by Quiver; use 1, 2 or 4");
          };
      out.put("bits", bits);
    }
    if (t.hasAlwaysRam()) {
      out.put("always_ram", t.getAlwaysRam());
    }
    return out;
  }

  private static ObjectNode wrap(String kind, ObjectNode body) {
    ObjectNode out = JSON.objectNode();
    out.set(kind, body);
    return out;
  }

  /** A uint64 as JSON; those past 2^63 stay exact, so that range checks name the real value. */
  private static JsonNode unsigned(long value) {
    return value >= 0
        ? JSON.numberNode(value)
        : JSON.numberNode(new BigInteger(Long.toUnsignedString(value)));
  }

  // ---------------------------------------------------------------- info

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
