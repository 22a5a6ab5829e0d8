package io.quiver.flink;

import java.io.IOException;

/**
 * The node refused a write (a bad vector, a missing collection, a wrong api key), or no node took
 * it in the attempts the sink's retries allow. The message names the node, the collection and what
 * the node said; the job fails with it.
 */
public final class QuiverSinkException extends IOException {

  private static final long serialVersionUID = 1L;

  private final String status;

  QuiverSinkException(String message, String status, Throwable cause) {
    super(message, cause);
    this.status = status;
  }

  /**
   * The gRPC status code of the last attempt, by name ({@code "INVALID_ARGUMENT"}); a name, not
   * grpc-java's type, which the shaded jar relocates.
   */
  public String status() {
    return status;
  }
}
