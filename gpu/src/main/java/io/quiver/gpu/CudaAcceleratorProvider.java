package io.quiver.gpu;

import io.quiver.engine.accel.Accelerator;
import io.quiver.engine.accel.AcceleratorOptions;
import io.quiver.engine.accel.AcceleratorProvider;
import io.quiver.engine.accel.AcceleratorUnavailableException;

/**
 * The {@code cuda} accelerator, found by {@link io.quiver.engine.accel.Accelerators} through {@link
 * java.util.ServiceLoader}. Opening it on a machine without the CUDA driver, a device or NVRTC
 * throws {@link AcceleratorUnavailableException} saying which, never an {@link Error}: the engine
 * then falls back to the CPU (or, when {@code cuda} was asked for by name, fails with the reason).
 */
public final class CudaAcceleratorProvider implements AcceleratorProvider {

  @Override
  public String name() {
    return "cuda";
  }

  @Override
  public Accelerator open(AcceleratorOptions options) throws AcceleratorUnavailableException {
    try {
      return CudaAccelerator.open(options);
    } catch (LinkageError e) {
      // NativeLibraries names the library that failed to load; this catches any other.
      throw new AcceleratorUnavailableException(
          "CUDA native libraries did not load: " + NativeLibraries.summary(e), e);
    }
  }
}
