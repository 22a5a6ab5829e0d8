package io.quiver.cluster;

import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.segment.SegmentMeta;
import java.util.List;

/**
 * What a node reports about a collection.
 *
 * @param name the collection's name (not an alias)
 * @param status {@code green} (nothing to do), {@code yellow} (an optimization is running) or
 *     {@code grey} (points wait for indexing)
 * @param pointsCount live points
 * @param indexedVectorsCount vectors in indexed (immutable) segments: points there times the
 *     collection's vectors per point, as Qdrant counts them
 * @param segmentsCount segments, the mutable one included
 * @param version the snapshot version serving now (1 for a collection created empty)
 * @param payloadSchema the payload field indexes
 */
public record CollectionInfo(
    String name,
    String status,
    long pointsCount,
    long indexedVectorsCount,
    int segmentsCount,
    long version,
    CollectionConfig config,
    CollectionSettings settings,
    List<SegmentMeta.IndexedField> payloadSchema) {}
