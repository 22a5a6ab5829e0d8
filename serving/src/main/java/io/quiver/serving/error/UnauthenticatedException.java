package io.quiver.serving.error;

/**
 * The request carries no API key, or one the node does not know. REST 401, gRPC UNAUTHENTICATED.
 */
public final class UnauthenticatedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public UnauthenticatedException(String message) {
    super(message);
  }
}
