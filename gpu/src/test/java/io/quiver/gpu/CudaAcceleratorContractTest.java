package io.quiver.gpu;

import io.quiver.engine.accel.Accelerator;
import io.quiver.engine.accel.AcceleratorContract;

/**
 * The engine's accelerator contract on the CUDA device, with the default memory budget (every test
 * fits one tile). Skipped, with the reason, where there is no device.
 */
@RequiresCudaDevice
class CudaAcceleratorContractTest extends AcceleratorContract {

  @Override
  protected Accelerator open() {
    return CudaTestSupport.openOrFail(0);
  }
}
