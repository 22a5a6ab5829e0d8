package io.quiver.gpu;

import io.quiver.engine.accel.Accelerator;
import io.quiver.engine.accel.AcceleratorOptions;
import io.quiver.engine.accel.AcceleratorUnavailableException;

/**
 * Whether this machine has a usable CUDA device, found once per test JVM by opening the provider,
 * and why not when it has none: GPU tests skip with that reason, the fallback test checks it.
 */
final class CudaTestSupport {

  /** A device budget small enough that the contract's data runs through many tiles. */
  static final long TINY_BUDGET = 256 << 10;

  private static final String REASON;
  private static final boolean AVAILABLE;

  static {
    String reason;
    boolean available;
    try (Accelerator accelerator = open(0)) {
      reason = accelerator.name();
      available = true;
    } catch (AcceleratorUnavailableException e) {
      reason = e.getMessage();
      available = false;
    }
    REASON = reason;
    AVAILABLE = available;
  }

  private CudaTestSupport() {}

  static boolean deviceAvailable() {
    return AVAILABLE;
  }

  /** Why no device is available, or the device's name when one is. */
  static String reason() {
    return REASON;
  }

  /** The cuda accelerator on device 0 with {@code memoryBytes} of device memory (0: default). */
  static CudaAccelerator open(long memoryBytes) throws AcceleratorUnavailableException {
    return (CudaAccelerator)
        new CudaAcceleratorProvider().open(new AcceleratorOptions("cuda", 0, memoryBytes, 2));
  }

  /** {@link #open(long)} for tests that have already assumed a device. */
  static CudaAccelerator openOrFail(long memoryBytes) {
    try {
      return open(memoryBytes);
    } catch (AcceleratorUnavailableException e) {
      throw new AssertionError("the CUDA device went away: " + e.getMessage(), e);
    }
  }
}
