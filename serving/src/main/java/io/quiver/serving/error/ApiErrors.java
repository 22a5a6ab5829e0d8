package io.quiver.serving.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.linecorp.armeria.common.ContentTooLargeException;
import com.linecorp.armeria.common.HttpStatus;
import com.linecorp.armeria.server.HttpStatusException;
import io.grpc.Status;
import io.quiver.cluster.ConflictException;
import io.quiver.cluster.NotFoundException;
import io.quiver.engine.snapshot.InvalidSnapshotException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that decides how a failure looks to a client, over REST and gRPC alike. Endpoint
 * code throws; the REST error handler and the gRPC exception handler both ask {@link #map}.
 *
 * <table>
 *   <caption>Mapping (first matching row wins)</caption>
 *   <tr><th>thrown</th><th>REST</th><th>gRPC</th></tr>
 *   <tr><td>{@link UnauthenticatedException}</td><td>401</td><td>UNAUTHENTICATED</td></tr>
 *   <tr><td>{@link PermissionDeniedException}</td><td>403</td><td>PERMISSION_DENIED</td></tr>
 *   <tr><td>{@link NotFoundException}</td><td>404</td><td>NOT_FOUND</td></tr>
 *   <tr><td>{@link ConflictException}</td><td>409</td><td>ALREADY_EXISTS</td></tr>
 *   <tr><td>{@link ContentTooLargeException}</td><td>413</td><td>RESOURCE_EXHAUSTED</td></tr>
 *   <tr><td>a timeout</td><td>408</td><td>DEADLINE_EXCEEDED</td></tr>
 *   <tr><td>malformed JSON</td><td>400</td><td>INVALID_ARGUMENT</td></tr>
 *   <tr><td>{@link IllegalArgumentException} (e.g. {@code InvalidFilterException}), {@link
 *       InvalidSnapshotException}</td><td>400</td><td>INVALID_ARGUMENT</td></tr>
 *   <tr><td>{@link UnsupportedOperationException}</td><td>501</td><td>UNIMPLEMENTED</td></tr>
 *   <tr><td>anything else</td><td>500</td><td>INTERNAL</td></tr>
 * </table>
 *
 * <p>Clients see the exception's message, never a stack trace; the unexpected ones (500) are logged
 * here with theirs.
 */
public final class ApiErrors {
  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  /** How one failure is answered. */
  public record ApiError(HttpStatus httpStatus, Status.Code grpcCode, String message) {
    public Status grpcStatus() {
      return Status.fromCode(grpcCode).withDescription(message);
    }
  }

  private record Rule(Class<? extends Throwable> type, HttpStatus http, Status.Code grpc) {}

  private static final List<Rule> RULES =
      List.of(
          new Rule(
              UnauthenticatedException.class, HttpStatus.UNAUTHORIZED, Status.Code.UNAUTHENTICATED),
          new Rule(
              PermissionDeniedException.class, HttpStatus.FORBIDDEN, Status.Code.PERMISSION_DENIED),
          new Rule(NotFoundException.class, HttpStatus.NOT_FOUND, Status.Code.NOT_FOUND),
          new Rule(ConflictException.class, HttpStatus.CONFLICT, Status.Code.ALREADY_EXISTS),
          new Rule(
              ContentTooLargeException.class,
              HttpStatus.REQUEST_ENTITY_TOO_LARGE,
              Status.Code.RESOURCE_EXHAUSTED),
          new Rule(
              com.linecorp.armeria.common.TimeoutException.class,
              HttpStatus.REQUEST_TIMEOUT,
              Status.Code.DEADLINE_EXCEEDED),
          new Rule(
              TimeoutException.class, HttpStatus.REQUEST_TIMEOUT, Status.Code.DEADLINE_EXCEEDED),
          new Rule(
              IllegalArgumentException.class, HttpStatus.BAD_REQUEST, Status.Code.INVALID_ARGUMENT),
          new Rule(
              InvalidSnapshotException.class, HttpStatus.BAD_REQUEST, Status.Code.INVALID_ARGUMENT),
          new Rule(
              UnsupportedOperationException.class,
              HttpStatus.NOT_IMPLEMENTED,
              Status.Code.UNIMPLEMENTED));

  private ApiErrors() {}

  /** How {@code failure} is answered; anything this class does not know is a 500 / INTERNAL. */
  public static ApiError map(Throwable failure) {
    return mapKnown(failure).orElseGet(() -> internal(unwrap(failure)));
  }

  /**
   * How {@code failure} is answered if it is one of the failures in the table above; empty for the
   * unexpected ones, so that a protocol layer may keep its own answer for those (a cancelled gRPC
   * stream, a closed connection).
   */
  public static Optional<ApiError> mapKnown(Throwable failure) {
    Throwable cause = unwrap(failure);
    IllegalArgumentException refused = refusedByConstructor(cause);
    if (refused != null) {
      cause = refused;
    }
    JsonProcessingException json = malformedJson(cause);
    if (json != null) {
      return Optional.of(
          new ApiError(
              HttpStatus.BAD_REQUEST,
              Status.Code.INVALID_ARGUMENT,
              "Format error in JSON body: " + describe(json)));
    }
    if (cause instanceof HttpStatusException statusException) {
      // Armeria's own refusal; its cause (e.g. the ContentTooLargeException of a 413) says more.
      Throwable inner = statusException.getCause();
      Optional<ApiError> detailed = inner == null ? Optional.empty() : mapKnown(inner);
      if (detailed.isPresent()) {
        return detailed;
      }
      HttpStatus status = statusException.httpStatus();
      return Optional.of(new ApiError(status, grpcCodeOf(status), status.reasonPhrase()));
    }
    for (Rule rule : RULES) {
      if (rule.type.isInstance(cause)) {
        return Optional.of(new ApiError(rule.http, rule.grpc, messageOf(cause, rule)));
      }
    }
    return Optional.empty();
  }

  private static ApiError internal(Throwable cause) {
    log.error("Unexpected failure answered with 500 / INTERNAL", cause);
    String message = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getName();
    return new ApiError(
        HttpStatus.INTERNAL_SERVER_ERROR,
        Status.Code.INTERNAL,
        "Service internal error: " + message);
  }

  /**
   * The gRPC code for an HTTP status Armeria produced itself (e.g. a 413 before any service ran).
   */
  public static Status.Code grpcCodeOf(HttpStatus status) {
    return switch (status.code()) {
      case 400 -> Status.Code.INVALID_ARGUMENT;
      case 401 -> Status.Code.UNAUTHENTICATED;
      case 403 -> Status.Code.PERMISSION_DENIED;
      case 404 -> Status.Code.NOT_FOUND;
      case 408 -> Status.Code.DEADLINE_EXCEEDED;
      case 409 -> Status.Code.ALREADY_EXISTS;
      case 413, 429 -> Status.Code.RESOURCE_EXHAUSTED;
      case 501 -> Status.Code.UNIMPLEMENTED;
      case 503 -> Status.Code.UNAVAILABLE;
      default -> status.isClientError() ? Status.Code.INVALID_ARGUMENT : Status.Code.INTERNAL;
    };
  }

  private static String messageOf(Throwable cause, Rule rule) {
    if (cause instanceof ContentTooLargeException tooLarge) {
      return tooLargeMessage(tooLarge.maxContentLength());
    }
    if (rule.grpc == Status.Code.DEADLINE_EXCEEDED) {
      return "Timeout error: the request did not finish in time (the client's deadline or"
          + " strict_mode.max_timeout)";
    }
    String message = cause.getMessage();
    return message != null ? message : cause.getClass().getSimpleName();
  }

  /** The message for a request body over the limit; {@code limit} in bytes, or -1 if unknown. */
  public static String tooLargeMessage(long limit) {
    return "Payload too large: the request body is larger than the limit"
        + (limit > 0 ? " of " + limit + " bytes" : "")
        + " (service.max_request_size_mb)";
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable cause = failure;
    while ((cause instanceof CompletionException || cause instanceof ExecutionException)
        && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }

  /** A request record's constructor refused a value while the body was bound. */
  private static IllegalArgumentException refusedByConstructor(Throwable cause) {
    for (Throwable t = cause; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof ValueInstantiationException
          && t.getCause() instanceof IllegalArgumentException invalid) {
        return invalid;
      }
    }
    return null;
  }

  /**
   * The parse or binding failure of a request body, if that is what this is; Armeria wraps it in an
   * IllegalArgumentException. A failure to serialize a response is not the client's fault and stays
   * a 500.
   */
  private static JsonProcessingException malformedJson(Throwable cause) {
    for (Throwable t = cause; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof StreamReadException || t instanceof MismatchedInputException) {
        return (JsonProcessingException) t;
      }
    }
    return null;
  }

  private static String describe(JsonProcessingException e) {
    StringBuilder field = new StringBuilder();
    if (e instanceof JsonMappingException mapping) {
      for (JsonMappingException.Reference reference : mapping.getPath()) {
        if (reference.getFieldName() != null) {
          field.append(field.length() == 0 ? "" : ".").append(reference.getFieldName());
        } else if (reference.getIndex() >= 0) {
          field.append('[').append(reference.getIndex()).append(']');
        }
      }
    }
    String where =
        e.getLocation() == null
            ? ""
            : " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr();
    return (field.length() == 0 ? "" : field + ": ") + e.getOriginalMessage() + where;
  }
}
