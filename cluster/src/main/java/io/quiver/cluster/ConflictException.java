package io.quiver.cluster;

/**
 * A request that contradicts what exists: a collection or alias that is already there. The API
 * layer answers 409 / ALREADY_EXISTS.
 */
public final class ConflictException extends RuntimeException {

  public ConflictException(String message) {
    super(message);
  }
}
