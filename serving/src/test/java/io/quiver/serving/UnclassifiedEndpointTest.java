package io.quiver.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.linecorp.armeria.server.annotation.Get;
import io.grpc.BindableService;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.protobuf.ProtoUtils;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckReply;
import io.qdrant.client.grpc.QdrantOuterClass.HealthCheckRequest;
import io.quiver.serving.auth.UnclassifiedEndpointException;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The server refuses to build when it would serve an endpoint the access table does not name. */
class UnclassifiedEndpointTest {

  /** A REST service whose route is in no table. */
  public static final class Unlisted {
    @Get("/unlisted/{id}")
    public String get() {
      return "never served";
    }
  }

  /** A gRPC service whose method is in no table. */
  static final class UnlistedGrpc implements BindableService {
    @Override
    public ServerServiceDefinition bindService() {
      MethodDescriptor<HealthCheckRequest, HealthCheckReply> method =
          MethodDescriptor.<HealthCheckRequest, HealthCheckReply>newBuilder()
              .setType(MethodDescriptor.MethodType.UNARY)
              .setFullMethodName("test.Unlisted/Call")
              .setRequestMarshaller(ProtoUtils.marshaller(HealthCheckRequest.getDefaultInstance()))
              .setResponseMarshaller(ProtoUtils.marshaller(HealthCheckReply.getDefaultInstance()))
              .build();
      return ServerServiceDefinition.builder("test.Unlisted")
          .addMethod(method, (call, headers) -> null)
          .build();
    }
  }

  @Test
  void unclassifiedRestRouteFailsTheBuild() {
    UnclassifiedEndpointException e =
        assertThrows(
            UnclassifiedEndpointException.class,
            () -> TestServers.builder(TestServers.config()).restService(new Unlisted()).build());
    assertEquals(List.of("REST GET /unlisted/{}"), e.endpoints());
  }

  @Test
  void unclassifiedGrpcMethodFailsTheBuild() {
    UnclassifiedEndpointException e =
        assertThrows(
            UnclassifiedEndpointException.class,
            () ->
                TestServers.builder(TestServers.config()).grpcService(new UnlistedGrpc()).build());
    assertEquals(List.of("gRPC test.Unlisted/Call"), e.endpoints());
  }

  @Test
  void theStandardServerBuildsWithTheStandardTable() {
    QuiverServer server = TestServers.builder(TestServers.config()).build();
    try {
      assertEquals(
          Set.of("GET /", "GET /healthz", "GET /livez", "GET /readyz", "GET /metrics"),
          Set.copyOf(server.restEndpoints()));
      assertTrue(server.grpcMethods().contains("qdrant.Qdrant/HealthCheck"));
      assertTrue(server.grpcMethods().contains("grpc.health.v1.Health/Check"));
    } finally {
      server.close();
    }
  }
}
