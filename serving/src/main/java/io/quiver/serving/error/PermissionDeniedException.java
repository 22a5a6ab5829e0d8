package io.quiver.serving.error;

/**
 * The key is known but may not do this (a read-only key on a write). REST 403, gRPC
 * PERMISSION_DENIED.
 */
public final class PermissionDeniedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public PermissionDeniedException(String message) {
    super(message);
  }
}
