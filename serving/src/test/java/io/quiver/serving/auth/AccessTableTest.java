package io.quiver.serving.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.linecorp.armeria.common.HttpMethod;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import io.qdrant.client.grpc.CollectionsGrpc;
import io.qdrant.client.grpc.PointsGrpc;
import io.qdrant.client.grpc.QdrantGrpc;
import io.qdrant.client.grpc.SnapshotsGrpc;
import io.quiver.client.grpc.QuiverAdminGrpc;
import io.quiver.client.grpc.QuiverPointsGrpc;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class AccessTableTest {
  private final AccessTable standard = AccessTable.standard();

  /**
   * Every method of the gRPC services Quiver serves or will serve is classified, so a newer
   * io.qdrant:client (or a new rpc in quiver.proto) cannot add an unclassified method unnoticed.
   */
  @Test
  void standardTableClassifiesEveryMethodOfTheServedServices() {
    List<String> unclassified = new ArrayList<>();
    for (ServiceDescriptor service :
        List.of(
            QdrantGrpc.getServiceDescriptor(),
            CollectionsGrpc.getServiceDescriptor(),
            PointsGrpc.getServiceDescriptor(),
            SnapshotsGrpc.getServiceDescriptor(),
            QuiverAdminGrpc.getServiceDescriptor(),
            QuiverPointsGrpc.getServiceDescriptor())) {
      for (MethodDescriptor<?, ?> method : service.getMethods()) {
        if (standard.grpc(method.getFullMethodName()).isEmpty()) {
          unclassified.add(method.getFullMethodName());
        }
      }
    }
    assertEquals(List.of(), unclassified);
  }

  @Test
  void qdrantReadsAndWritesAreClassifiedAsQdrantDoes() {
    assertEquals(Optional.of(Access.READ), standard.grpc("qdrant.Points/Search"));
    assertEquals(Optional.of(Access.WRITE), standard.grpc("qdrant.Points/Upsert"));
    assertEquals(Optional.of(Access.PUBLIC), standard.grpc("qdrant.Qdrant/HealthCheck"));
    assertEquals(
        Optional.of(Access.READ),
        standard.rest(HttpMethod.POST, "/collections/{name}/points/search"));
    assertEquals(
        Optional.of(Access.WRITE), standard.rest(HttpMethod.PUT, "/collections/:name/points"));
    assertEquals(Optional.of(Access.READ), standard.rest(HttpMethod.GET, "/metrics"));
    assertEquals(Optional.empty(), standard.rest(HttpMethod.GET, "/nowhere"));
  }

  @Test
  void restKeysIgnoreParameterNames() {
    assertEquals(
        "GET /collections/{}/points/{}",
        AccessTable.restEndpoint(HttpMethod.GET, "/collections/{collection_name}/points/:id"));
    assertEquals("GET /", AccessTable.restEndpoint(HttpMethod.GET, "/"));
  }

  @Test
  void anEndpointIsClassifiedOnce() {
    AccessTable.Builder builder = AccessTable.builder().rest(HttpMethod.GET, "/a/{x}", Access.READ);
    IllegalArgumentException twice =
        assertThrows(
            IllegalArgumentException.class,
            () -> builder.rest(HttpMethod.GET, "/a/:y", Access.WRITE));
    assertEquals("REST endpoint classified twice: GET /a/{}", twice.getMessage());
    assertThrows(IllegalArgumentException.class, () -> builder.grpc("NoSlash", Access.READ));
  }

  @Test
  void requireClassifiedNamesEveryMissingEndpoint() {
    UnclassifiedEndpointException e =
        assertThrows(
            UnclassifiedEndpointException.class,
            () ->
                standard.requireClassified(
                    List.of("GET /healthz", "POST /test/x"),
                    List.of("qdrant.Points/Upsert", "test.Svc/Call")));
    assertEquals(List.of("REST POST /test/x", "gRPC test.Svc/Call"), e.endpoints());
    assertTrue(e.getMessage().contains("AccessTable.standard()"), e.getMessage());
  }
}
