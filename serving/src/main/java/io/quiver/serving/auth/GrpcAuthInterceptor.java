package io.quiver.serving.auth;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quiver.serving.error.ApiErrors;

/**
 * Checks the API key of every gRPC call against {@link AccessTable} before the service sees it;
 * refusals close the call with UNAUTHENTICATED or PERMISSION_DENIED.
 */
public final class GrpcAuthInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> API_KEY =
      Metadata.Key.of("api-key", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final AccessTable table;
  private final ApiKeyAuthorizer authorizer;

  public GrpcAuthInterceptor(AccessTable table, ApiKeyAuthorizer authorizer) {
    this.table = table;
    this.authorizer = authorizer;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String method = call.getMethodDescriptor().getFullMethodName();
    try {
      // Every served method was checked against the table when the server was built.
      Access access =
          table
              .grpc(method)
              .orElseThrow(() -> new IllegalStateException("Unclassified gRPC method " + method));
      authorizer.authorize(access, headers.get(API_KEY), headers.get(AUTHORIZATION), method);
    } catch (RuntimeException refused) {
      call.close(ApiErrors.map(refused).grpcStatus(), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }
}
