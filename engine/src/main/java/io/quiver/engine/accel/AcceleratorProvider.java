package io.quiver.engine.accel;

/**
 * A kind of accelerator, found through {@link java.util.ServiceLoader} (a module lists its provider
 * in {@code META-INF/services/io.quiver.engine.accel.AcceleratorProvider}). Opening it must not
 * take the JVM down when its device or driver is missing: it throws {@link
 * AcceleratorUnavailableException} saying why, and {@link Accelerators} also treats a {@link
 * LinkageError} (a native library that does not load) as "unavailable".
 */
public interface AcceleratorProvider {

  /** The name a user asks for it by, e.g. {@code "cuda"}. */
  String name();

  /** Opens the accelerator on the device {@code options} name. */
  Accelerator open(AcceleratorOptions options) throws AcceleratorUnavailableException;
}
