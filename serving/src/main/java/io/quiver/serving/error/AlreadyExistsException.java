package io.quiver.serving.error;

/**
 * What a request would create exists already (a collection, an alias). REST 409, gRPC
 * ALREADY_EXISTS.
 */
public class AlreadyExistsException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public AlreadyExistsException(String message) {
    super(message);
  }
}
