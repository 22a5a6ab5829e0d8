package io.quiver.cluster;

/** A collection, alias or snapshot that does not exist; the API layer answers 404 / NOT_FOUND. */
public final class NotFoundException extends RuntimeException {

  public NotFoundException(String message) {
    super(message);
  }
}
