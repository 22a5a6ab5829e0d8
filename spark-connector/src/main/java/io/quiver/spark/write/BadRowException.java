package io.quiver.spark.write;

/**
 * A row the write cannot take: a null or invalid id, a missing, misshapen or non-finite vector, or
 * a payload value without a JSON form. The message names the column, the row's id (or its position
 * when the id itself is bad) and the value. The job fails with it unless {@code on_error=skip}.
 */
public final class BadRowException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  BadRowException(String message) {
    super(message);
  }
}
