package io.quiver.gpu;

import static jcuda.driver.JCudaDriver.cuEventCreate;
import static jcuda.driver.JCudaDriver.cuEventDestroy;
import static jcuda.driver.JCudaDriver.cuMemAlloc;
import static jcuda.driver.JCudaDriver.cuMemAllocHost;
import static jcuda.driver.JCudaDriver.cuMemFree;
import static jcuda.driver.JCudaDriver.cuMemFreeHost;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;
import jcuda.Pointer;
import jcuda.driver.CUdeviceptr;
import jcuda.driver.CUevent;
import jcuda.driver.CUevent_flags;
import jcuda.driver.CUstream;

/**
 * The device buffers, pinned host buffers and events of one call, allocated against the
 * accelerator's memory budget and all released by {@link #close()}: after the streams have drained,
 * so that no copy or kernel still in flight (after a failure) touches freed memory.
 */
final class DeviceWorkspace implements AutoCloseable {

  /** A page-locked host buffer: the source or target of an asynchronous copy. */
  record Pinned(Pointer pointer, ByteBuffer bytes) {
    FloatBuffer floats() {
      return bytes.asFloatBuffer();
    }

    IntBuffer ints() {
      return bytes.asIntBuffer();
    }
  }

  private final long budget;
  private final CUstream[] streams;
  private final List<CUdeviceptr> device = new ArrayList<>();
  private final List<Pointer> pinned = new ArrayList<>();
  private final List<CUevent> events = new ArrayList<>();
  private long deviceBytes;

  DeviceWorkspace(long budget, CUstream... streams) {
    this.budget = budget;
    this.streams = streams;
  }

  /** {@code bytes} (> 0) of device memory; refused when it would pass the budget. */
  CUdeviceptr alloc(long bytes) {
    if (bytes <= 0 || deviceBytes + bytes > budget) {
      // TilePlan sizes every call to its budget; getting here is a bug, not a user error.
      throw new IllegalStateException(
          "device allocation of "
              + bytes
              + " bytes with "
              + deviceBytes
              + " of the "
              + budget
              + "-byte budget in use");
    }
    CUdeviceptr ptr = new CUdeviceptr();
    cuMemAlloc(ptr, bytes);
    device.add(ptr);
    deviceBytes += bytes;
    return ptr;
  }

  Pinned pinned(long bytes) {
    Pointer ptr = new Pointer();
    cuMemAllocHost(ptr, bytes);
    pinned.add(ptr);
    return new Pinned(ptr, ptr.getByteBuffer(0, bytes).order(ByteOrder.nativeOrder()));
  }

  CUevent event() {
    CUevent event = new CUevent();
    cuEventCreate(event, CUevent_flags.CU_EVENT_DISABLE_TIMING);
    events.add(event);
    return event;
  }

  long deviceBytes() {
    return deviceBytes;
  }

  @Override
  public void close() {
    RuntimeException failure = null;
    for (CUstream stream : streams) {
      failure = attempt(() -> cuStreamSynchronize(stream), failure);
    }
    for (CUevent event : events) {
      failure = attempt(() -> cuEventDestroy(event), failure);
    }
    for (CUdeviceptr ptr : device) {
      failure = attempt(() -> cuMemFree(ptr), failure);
    }
    for (Pointer ptr : pinned) {
      failure = attempt(() -> cuMemFreeHost(ptr), failure);
    }
    device.clear();
    pinned.clear();
    events.clear();
    deviceBytes = 0;
    if (failure != null) {
      throw failure;
    }
  }

  /** Runs {@code release}, keeping the first failure and going on with the rest. */
  static RuntimeException attempt(Runnable release, RuntimeException failure) {
    try {
      release.run();
    } catch (RuntimeException e) {
      if (failure == null) {
        return e;
      }
      failure.addSuppressed(e);
    }
    return failure;
  }
}
