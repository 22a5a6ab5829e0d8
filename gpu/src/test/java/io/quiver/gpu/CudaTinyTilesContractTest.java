package io.quiver.gpu;

import io.quiver.engine.accel.Accelerator;
import io.quiver.engine.accel.AcceleratorContract;

/**
 * The contract again with a 256 KiB device budget, so that the same data runs through many query
 * and vector tiles: the double-buffered uploads, the merge of one tile into lists from earlier
 * ones, partial last tiles. Skipped, with the reason, where there is no device.
 */
@RequiresCudaDevice
class CudaTinyTilesContractTest extends AcceleratorContract {

  @Override
  protected Accelerator open() {
    return CudaTestSupport.openOrFail(CudaTestSupport.TINY_BUDGET);
  }
}
