package io.quiver.gpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import io.quiver.engine.accel.Accelerator;
import io.quiver.engine.accel.AcceleratorOptions;
import io.quiver.engine.accel.AcceleratorProvider;
import io.quiver.engine.accel.AcceleratorUnavailableException;
import io.quiver.engine.accel.Accelerators;
import org.junit.jupiter.api.Test;

/**
 * What a machine without CUDA (CI, most laptops) sees: the provider is found, says why it cannot
 * open instead of throwing an {@link Error}, {@code auto} falls back to the CPU and {@code cuda}
 * asked for by name fails with the reason. On a GPU machine the no-device checks skip.
 */
class CudaFallbackTest {

  @Test
  void theProviderIsFoundThroughServiceLoader() {
    assertTrue(
        Accelerators.providers().stream()
            .anyMatch(p -> p.name().equals("cuda") && p instanceof CudaAcceleratorProvider),
        "providers: " + Accelerators.providers().stream().map(AcceleratorProvider::name).toList());
  }

  @Test
  void openingWithoutADeviceSaysWhy() {
    assumeFalse(CudaTestSupport.deviceAvailable(), "a CUDA device is present");
    AcceleratorUnavailableException e =
        assertThrows(
            AcceleratorUnavailableException.class,
            () ->
                new CudaAcceleratorProvider()
                    .open(new AcceleratorOptions("cuda", 0, 0, 2))
                    .close());
    assertFalse(e.getMessage().isBlank());
    assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
    // The same reason on every attempt, not a bare NoClassDefFoundError the second time.
    AcceleratorUnavailableException again =
        assertThrows(
            AcceleratorUnavailableException.class,
            () -> new CudaAcceleratorProvider().open(new AcceleratorOptions("cuda", 0, 0, 2)));
    assertEquals(e.getMessage(), again.getMessage());
  }

  @Test
  void autoFallsBackToTheCpu() {
    assumeFalse(CudaTestSupport.deviceAvailable(), "a CUDA device is present");
    try (Accelerator accelerator = Accelerators.open(new AcceleratorOptions("auto", 0, 0, 2))) {
      assertEquals("cpu", accelerator.name());
    }
  }

  @Test
  void cudaByNameFailsWithTheReason() {
    assumeFalse(CudaTestSupport.deviceAvailable(), "a CUDA device is present");
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> Accelerators.open(new AcceleratorOptions("cuda", 0, 0, 2)));
    assertTrue(e.getMessage().contains("cuda"), e.getMessage());
    assertTrue(e.getMessage().contains(CudaTestSupport.reason()), e.getMessage());
  }
}
