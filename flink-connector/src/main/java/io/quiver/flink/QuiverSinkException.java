package io.quiver.flink;

import io.grpc.Status;
import java.io.IOException;

/**
 * The node refused a write (a bad vector, a missing collection, a wrong api key), or no node took
 * it in the attempts the sink's retries allow. The message names the node, the collection and what
 * the node said; the job fails with it.
 */
public final class QuiverSinkException extends IOException {

  private static final long serialVersionUID = 1L;

  private final Status.Code code;

  QuiverSinkException(String message, Status.Code code, Throwable cause) {
    super(message, cause);
    this.code = code;
  }

  /** The gRPC status of the last attempt. */
  public Status.Code code() {
    return code;
  }
}
