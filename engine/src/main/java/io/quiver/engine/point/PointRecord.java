package io.quiver.engine.point;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** A point as read back: id, version, and payload and vectors when asked for (else null). */
public record PointRecord(
    PointId id, long version, ObjectNode payload, Map<String, float[]> vectors) {}
