package io.quiver.flink;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.MessageLite;
import io.qdrant.client.grpc.Common;
import io.qdrant.client.grpc.Points;
import io.quiver.client.grpc.VersionedId;
import io.quiver.client.grpc.VersionedPoint;
import java.util.Map;
import java.util.UUID;

/**
 * Turns a {@link QuiverRecord} into the message it is sent as: a {@link VersionedPoint} for an
 * upsert, a {@link VersionedId} for a delete. Vectors are checked here, before anything is sent: a
 * NaN or an infinity fails the job naming the point, the vector and the position (the node refuses
 * them too, but only after a round trip and without this record's context). The dimension is left
 * to the node, which knows the collection's; its refusal names the point and both dimensions.
 */
final class RecordConverter {

  private RecordConverter() {}

  /** One converted write: its id, version, kind, message and encoded size within a request. */
  record Write(
      Common.PointId id, long version, boolean delete, MessageLite message, int encodedSize) {

    VersionedPoint point() {
      return (VersionedPoint) message;
    }

    VersionedId versionedId() {
      return (VersionedId) message;
    }
  }

  static Write convert(QuiverRecord record) {
    Common.PointId id = pointId(record.id());
    if (record.operation() == QuiverRecord.Operation.DELETE) {
      VersionedId message = VersionedId.newBuilder().setId(id).setVersion(record.version()).build();
      // VersionedDelete.ids is field 3, as VersionedUpsert.points.
      return new Write(
          id, record.version(), true, message, CodedOutputStream.computeMessageSize(3, message));
    }
    String what = describe(record);
    Points.PointStruct.Builder point = Points.PointStruct.newBuilder().setId(id);
    if (record.vector() != null) {
      point.setVectors(
          Points.Vectors.newBuilder().setVector(dense(record.vector(), "vector", what)));
    } else {
      Points.NamedVectors.Builder named = Points.NamedVectors.newBuilder();
      for (Map.Entry<String, float[]> e : record.vectors().entrySet()) {
        String field = "vector '" + e.getKey() + "'";
        if (e.getKey() == null || e.getValue() == null) {
          throw new IllegalArgumentException(
              "quiver sink: "
                  + what
                  + ": "
                  + field
                  + (e.getKey() == null ? " has no name" : " is null"));
        }
        named.putVectors(e.getKey(), dense(e.getValue(), field, what));
      }
      point.setVectors(Points.Vectors.newBuilder().setVectors(named));
    }
    if (record.payload() != null) {
      point.putAllPayload(record.payload().getFieldsMap());
    }
    VersionedPoint message =
        VersionedPoint.newBuilder().setPoint(point).setVersion(record.version()).build();
    return new Write(
        id, record.version(), false, message, CodedOutputStream.computeMessageSize(3, message));
  }

  /** "point 17 (version 4)", as messages name a record. */
  static String describe(QuiverRecord record) {
    return "point "
        + QuiverRecord.idText(record.id())
        + " (version "
        + Long.toUnsignedString(record.version())
        + ")";
  }

  static Common.PointId pointId(Object id) {
    return id instanceof UUID
        ? Common.PointId.newBuilder().setUuid(id.toString()).build()
        : Common.PointId.newBuilder().setNum((Long) id).build();
  }

  static String idText(Common.PointId id) {
    return id.hasUuid() ? id.getUuid() : Long.toUnsignedString(id.getNum());
  }

  private static Points.Vector dense(float[] values, String field, String what) {
    Points.DenseVector.Builder dense = Points.DenseVector.newBuilder();
    for (int i = 0; i < values.length; i++) {
      float f = values[i];
      if (!Float.isFinite(f)) {
        throw new IllegalArgumentException(
            "quiver sink: "
                + what
                + ": "
                + field
                + "["
                + i
                + "] is "
                + f
                + "; vector values must be finite");
      }
      dense.addData(f);
    }
    return Points.Vector.newBuilder().setDense(dense).build();
  }
}
