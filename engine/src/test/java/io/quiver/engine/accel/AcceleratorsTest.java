package io.quiver.engine.accel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Choosing an accelerator in the engine alone, where no provider is on the class path. */
class AcceleratorsTest {

  @Test
  void autoFallsBackToTheCpuAndCpuIsTheCpu() {
    assertTrue(Accelerators.providers().isEmpty(), "the engine itself ships no provider");
    try (Accelerator auto = Accelerators.open(new AcceleratorOptions("auto", 0, 0, 2));
        Accelerator cpu = Accelerators.open(new AcceleratorOptions("CPU", 0, 0, 2))) {
      assertEquals("cpu", auto.name());
      assertEquals("cpu", cpu.name());
    }
  }

  @Test
  void aProviderAskedForByNameMustOpen() {
    IllegalStateException e =
        assertThrows(
            IllegalStateException.class,
            () -> Accelerators.open(new AcceleratorOptions("cuda", 0, 0, 1)));
    assertTrue(e.getMessage().contains("accelerator 'cuda' cannot be opened"), e.getMessage());
    assertTrue(e.getMessage().contains("no provider of that name"), e.getMessage());
  }

  @Test
  void badOptionsAreNamed() {
    IllegalArgumentException e =
        assertThrows(
            IllegalArgumentException.class, () -> new AcceleratorOptions("auto", -1, 0, 1));
    assertEquals("accelerator device must be >= 0; got -1", e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> AcceleratorOptions.parseBytes(AcceleratorOptions.MEMORY_PROPERTY, "8q"));
    assertEquals(
        "quiver.accelerator.memory must be a byte count such as 8g or 512m; got '8q'",
        e.getMessage());
    assertEquals(8L << 30, AcceleratorOptions.parseBytes("m", "8g"));
    assertEquals(512L << 20, AcceleratorOptions.parseBytes("m", " 512M "));
    assertEquals(4096, AcceleratorOptions.parseBytes("m", "4096"));
  }
}
