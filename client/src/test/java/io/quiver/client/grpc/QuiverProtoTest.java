package io.quiver.client.grpc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.MethodDescriptor;
import io.qdrant.client.grpc.Common.PointId;
import io.qdrant.client.grpc.Points.PointStruct;
import io.qdrant.client.grpc.Points.Vector;
import io.qdrant.client.grpc.Points.Vectors;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class QuiverProtoTest {

  @Test
  void versionedPointCarriesQdrantPointStruct() throws Exception {
    PointStruct point =
        PointStruct.newBuilder()
            .setId(PointId.newBuilder().setNum(7))
            .setVectors(
                Vectors.newBuilder().setVector(Vector.newBuilder().addAllData(List.of(1f, 2f))))
            .build();
    VersionedUpsert upsert =
        VersionedUpsert.newBuilder()
            .setCollectionName("docs")
            .setWait(true)
            .addPoints(VersionedPoint.newBuilder().setPoint(point).setVersion(42))
            .build();

    VersionedUpsert parsed = VersionedUpsert.parseFrom(upsert.toByteArray());

    assertEquals(upsert, parsed);
    assertEquals(7, parsed.getPoints(0).getPoint().getId().getNum());
    assertEquals(42, parsed.getPoints(0).getVersion());
    // The descriptor links against the one compiled into io.qdrant:client.
    assertEquals(
        PointStruct.getDescriptor(),
        VersionedPoint.getDescriptor().findFieldByName("point").getMessageType());
  }

  @Test
  void grpcStubsAreGeneratedForBothServices() {
    assertEquals(
        List.of(
            "quiver.QuiverAdmin/ListVersions",
            "quiver.QuiverAdmin/PublishSnapshot",
            "quiver.QuiverAdmin/Rollback"),
        methodNames(QuiverAdminGrpc.getServiceDescriptor().getMethods()));
    assertEquals(
        List.of(
            "quiver.QuiverPoints/Delete",
            "quiver.QuiverPoints/PurgeTombstones",
            "quiver.QuiverPoints/Upsert"),
        methodNames(QuiverPointsGrpc.getServiceDescriptor().getMethods()));
  }

  private static List<String> methodNames(java.util.Collection<MethodDescriptor<?, ?>> methods) {
    return methods.stream()
        .map(MethodDescriptor::getFullMethodName)
        .sorted()
        .collect(Collectors.toList());
  }
}
