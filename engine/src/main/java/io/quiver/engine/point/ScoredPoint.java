package io.quiver.engine.point;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A search hit: the point's id, its version (the sequence of the operation that last wrote it), its
 * score as the API reports it, and its payload and vectors when asked for (else null).
 */
public record ScoredPoint(
    PointId id, long version, float score, ObjectNode payload, Map<String, float[]> vectors) {}
