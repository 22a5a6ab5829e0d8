package io.quiver.serving.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.linecorp.armeria.common.AggregatedHttpResponse;
import com.linecorp.armeria.common.HttpRequest;
import com.linecorp.armeria.common.HttpResponse;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.common.MediaType;
import com.linecorp.armeria.common.RequestHeaders;
import com.linecorp.armeria.server.HttpResponseException;
import com.linecorp.armeria.server.ServerErrorHandler;
import com.linecorp.armeria.server.ServiceConfig;
import com.linecorp.armeria.server.ServiceRequestContext;
import com.linecorp.armeria.server.annotation.ExceptionHandlerFunction;
import io.quiver.serving.error.ApiErrors;
import io.quiver.serving.error.ApiErrors.ApiError;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Writes every REST failure in Qdrant's shape, {@code {"status": {"error": "..."}, "time": 0.0}},
 * with the HTTP status {@link ApiErrors} picks: exceptions thrown by handlers and decorators, and
 * the refusals Armeria makes itself (unknown path 404, wrong method 405, body over the limit 413,
 * request timeout).
 */
public final class RestErrorHandler implements ServerErrorHandler, ExceptionHandlerFunction {

  @Override
  public HttpResponse handleException(ServiceRequestContext ctx, HttpRequest req, Throwable cause) {
    return onServiceException(ctx, cause);
  }

  @Override
  public HttpResponse onServiceException(ServiceRequestContext ctx, Throwable cause) {
    if (cause instanceof HttpResponseException response) {
      return response.httpResponse();
    }
    ApiError error = ApiErrors.map(cause);
    return errorResponse(ctx, error.httpStatus(), error.message()).toHttpResponse();
  }

  @Override
  public AggregatedHttpResponse renderStatus(
      ServiceRequestContext ctx,
      ServiceConfig config,
      RequestHeaders headers,
      HttpStatus status,
      String description,
      Throwable cause) {
    Optional<ApiError> known = cause == null ? Optional.empty() : ApiErrors.mapKnown(cause);
    if (known.isPresent()) {
      return errorResponse(ctx, known.get().httpStatus(), known.get().message());
    }
    String message;
    if (status.equals(HttpStatus.REQUEST_ENTITY_TOO_LARGE)) {
      message = ApiErrors.tooLargeMessage(config.maxRequestLength());
    } else if (status.equals(HttpStatus.NOT_FOUND) && headers != null) {
      message = "Not found: no endpoint " + headers.method() + " " + headers.path();
    } else if (status.equals(HttpStatus.METHOD_NOT_ALLOWED) && headers != null) {
      message = "Method not allowed: " + headers.method() + " " + headers.path();
    } else {
      message = description != null ? description : status.reasonPhrase();
    }
    return errorResponse(ctx, status, message);
  }

  /** A Qdrant-shaped error response. */
  public static AggregatedHttpResponse errorResponse(
      ServiceRequestContext ctx, HttpStatus status, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("status", Map.of("error", message));
    body.put("time", Elapsed.seconds(ctx));
    try {
      return AggregatedHttpResponse.of(
          status, MediaType.JSON_UTF_8, RestJson.MAPPER.writeValueAsBytes(body));
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }
}
