package io.quiver.serving.grpc;

import com.linecorp.armeria.common.RequestContext;
import com.linecorp.armeria.common.grpc.GrpcExceptionHandlerFunction;
import io.grpc.Metadata;
import io.grpc.Status;
import io.quiver.serving.error.ApiErrors;

/**
 * Turns what a gRPC service throws (or passes to {@code onError}) into a status through {@link
 * ApiErrors}. What {@code ApiErrors} does not know goes to Armeria's own mapping, which knows the
 * transport's failures (a {@code StatusException}'s status, a cancelled stream, a deadline); what
 * neither knows is INTERNAL, logged.
 */
public final class GrpcErrorHandler implements GrpcExceptionHandlerFunction {
  private static final GrpcExceptionHandlerFunction ARMERIA = GrpcExceptionHandlerFunction.of();

  @Override
  public Status apply(RequestContext ctx, Status status, Throwable cause, Metadata metadata) {
    return ApiErrors.mapKnown(cause)
        .map(ApiErrors.ApiError::grpcStatus)
        .orElseGet(
            () -> {
              Status armeria = ARMERIA.apply(ctx, status, cause, metadata);
              return armeria != null && armeria.getCode() != Status.Code.UNKNOWN
                  ? armeria
                  : ApiErrors.map(cause).grpcStatus();
            });
  }
}
