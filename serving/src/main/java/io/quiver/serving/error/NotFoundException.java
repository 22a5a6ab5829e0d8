package io.quiver.serving.error;

/**
 * What a request names does not exist: a collection, an alias, a snapshot, a point. REST 404, gRPC
 * NOT_FOUND. The message says what and which, e.g. {@code Collection `docs` doesn't exist!}.
 */
public class NotFoundException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message) {
    super(message);
  }
}
