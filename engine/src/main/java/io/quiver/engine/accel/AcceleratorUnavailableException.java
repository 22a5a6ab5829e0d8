package io.quiver.engine.accel;

/** Thrown when an accelerator cannot be opened here: no driver, no device, too little memory. */
public final class AcceleratorUnavailableException extends Exception {

  public AcceleratorUnavailableException(String reason) {
    super(reason);
  }

  public AcceleratorUnavailableException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
