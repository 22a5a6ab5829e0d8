package io.quiver.serving.grpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.qdrant.client.grpc.Collections;
import java.math.BigInteger;
import java.util.Locale;

/**
 * Qdrant's gRPC create and update requests for collections. Requests are converted to Qdrant's REST
 * JSON shape, so that one parser ({@link io.quiver.serving.api.CreateCollection}, {@link
 * io.quiver.cluster.ConfigPatch}) decides for both protocols; a field Quiver does not implement is
 * carried over and refused there by name ({@link CollectionInfoProtos} builds the answers).
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
}
