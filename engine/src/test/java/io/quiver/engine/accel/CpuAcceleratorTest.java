package io.quiver.engine.accel;

/** The contract on the reference implementation, with more threads than rows in some tests. */
class CpuAcceleratorTest extends AcceleratorContract {

  @Override
  protected Accelerator open() {
    return new CpuAccelerator(3);
  }
}
