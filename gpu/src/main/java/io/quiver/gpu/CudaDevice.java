package io.quiver.gpu;

import static jcuda.driver.JCudaDriver.cuCtxSetCurrent;
import static jcuda.driver.JCudaDriver.cuDeviceGet;
import static jcuda.driver.JCudaDriver.cuDeviceGetAttribute;
import static jcuda.driver.JCudaDriver.cuDeviceGetCount;
import static jcuda.driver.JCudaDriver.cuDeviceGetName;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRelease;
import static jcuda.driver.JCudaDriver.cuDevicePrimaryCtxRetain;
import static jcuda.driver.JCudaDriver.cuInit;
import static jcuda.driver.JCudaDriver.cuMemGetInfo;
import static jcuda.driver.JCudaDriver.cuStreamCreate;
import static jcuda.driver.JCudaDriver.cuStreamDestroy;

import io.quiver.engine.accel.AcceleratorOptions;
import io.quiver.engine.accel.AcceleratorUnavailableException;
import java.nio.charset.StandardCharsets;
import jcuda.CudaException;
import jcuda.driver.CUcontext;
import jcuda.driver.CUdevice;
import jcuda.driver.CUdevice_attribute;
import jcuda.driver.CUstream;
import jcuda.driver.CUstream_flags;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One CUDA device as an accelerator holds it: the device's primary context (retained, so that
 * accelerators and other CUDA users in the JVM share one context per device instead of paying for
 * one each), the kernels compiled for it, a compute stream and a copy stream, and the memory
 * budget. Every call that touches the device makes the context current on its thread first ({@link
 * #makeCurrent()}): an accelerator may be used from one thread at a time, not always the same one.
 */
final class CudaDevice implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(CudaDevice.class);

  /** The share of free device memory a budget of 0 takes. */
  static final double DEFAULT_MEMORY_SHARE = 0.8;

  private final int ordinal;
  private final String name;
  private final CUdevice device;
  private final CUcontext context;
  private final CudaKernels kernels;
  private final CUstream compute;
  private final CUstream copy;
  private final long budget;

  private CudaDevice(
      int ordinal,
      String name,
      CUdevice device,
      CUcontext context,
      CudaKernels kernels,
      CUstream compute,
      CUstream copy,
      long budget) {
    this.ordinal = ordinal;
    this.name = name;
    this.device = device;
    this.context = context;
    this.kernels = kernels;
    this.compute = compute;
    this.copy = copy;
    this.budget = budget;
  }

  /**
   * Opens device {@code options.deviceId()}: driver, device, context, kernels, streams, budget.
   * Whatever is missing is an {@link AcceleratorUnavailableException} saying what; what was taken
   * before the failure is released.
   */
  static CudaDevice open(AcceleratorOptions options) throws AcceleratorUnavailableException {
    int ordinal = options.deviceId();
    CUdevice device = new CUdevice();
    int count;
    String name;
    int major;
    int minor;
    String driverFailure = NativeLibraries.driverFailure();
    if (driverFailure != null) {
      throw new AcceleratorUnavailableException("CUDA driver not found: " + driverFailure);
    }
    try {
      try {
        cuInit(0);
      } catch (CudaException e) {
        throw new AcceleratorUnavailableException(
            e.getMessage().contains("NO_DEVICE")
                ? "no CUDA device (cuInit: " + e.getMessage() + ")"
                : "the CUDA driver did not initialise: " + e.getMessage(),
            e);
      }
      int[] n = new int[1];
      cuDeviceGetCount(n);
      count = n[0];
      if (count == 0) {
        throw new AcceleratorUnavailableException("no CUDA device (cuDeviceGetCount = 0)");
      }
      if (ordinal >= count) {
        throw new AcceleratorUnavailableException(
            "CUDA device " + ordinal + " does not exist: cuDeviceGetCount = " + count);
      }
      cuDeviceGet(device, ordinal);
      name = deviceName(device);
      major = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR);
      minor = attribute(device, CUdevice_attribute.CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR);
    } catch (CudaException e) {
      throw new AcceleratorUnavailableException("CUDA device query failed: " + e.getMessage(), e);
    }

    CUcontext context = new CUcontext();
    CudaKernels kernels = null;
    CUstream compute = null;
    CUstream copy = null;
    boolean retained = false;
    boolean success = false;
    try {
      cuDevicePrimaryCtxRetain(context, device);
      retained = true;
      cuCtxSetCurrent(context);
      long started = System.nanoTime();
      kernels = CudaKernels.load(major, minor);
      long compileMillis = (System.nanoTime() - started) / 1_000_000;
      compute = stream();
      copy = stream();
      long[] free = new long[1];
      long[] total = new long[1];
      cuMemGetInfo(free, total);
      long budget =
          options.memoryBytes() == 0
              ? (long) (free[0] * DEFAULT_MEMORY_SHARE)
              : Math.min(options.memoryBytes(), free[0]);
      LOG.debug(
          "cuda:{} {}: compute capability {}.{}, kernels compiled for {} in {} ms, memory budget"
              + " {} of {} bytes free",
          ordinal,
          name,
          major,
          minor,
          kernels.architecture(),
          compileMillis,
          budget,
          free[0]);
      CudaDevice opened =
          new CudaDevice(ordinal, name, device, context, kernels, compute, copy, budget);
      success = true;
      return opened;
    } catch (CudaException e) {
      throw new AcceleratorUnavailableException(
          "CUDA device " + ordinal + " (" + name + ") could not be set up: " + e.getMessage(), e);
    } finally {
      if (!success && retained) {
        try {
          release(device, kernels, compute, copy);
        } catch (RuntimeException e) {
          LOG.warn("releasing CUDA device {} after it failed to open: {}", ordinal, e.toString());
        }
      }
    }
  }

  int ordinal() {
    return ordinal;
  }

  String name() {
    return name;
  }

  CudaKernels kernels() {
    return kernels;
  }

  CUstream compute() {
    return compute;
  }

  CUstream copy() {
    return copy;
  }

  /** Device bytes one call may allocate. */
  long budget() {
    return budget;
  }

  void makeCurrent() {
    cuCtxSetCurrent(context);
  }

  @Override
  public void close() {
    makeCurrent();
    release(device, kernels, compute, copy);
  }

  /** Releases what {@link #open} took, in reverse, going on past failures; rethrows the first. */
  private static void release(
      CUdevice device, CudaKernels kernels, CUstream compute, CUstream copy) {
    RuntimeException failure = null;
    if (copy != null) {
      failure = DeviceWorkspace.attempt(() -> cuStreamDestroy(copy), failure);
    }
    if (compute != null) {
      failure = DeviceWorkspace.attempt(() -> cuStreamDestroy(compute), failure);
    }
    if (kernels != null) {
      failure = DeviceWorkspace.attempt(kernels::close, failure);
    }
    // Retained first, so released last.
    failure = DeviceWorkspace.attempt(() -> cuDevicePrimaryCtxRelease(device), failure);
    if (failure != null) {
      throw failure;
    }
  }

  private static CUstream stream() {
    CUstream stream = new CUstream();
    // Non-blocking: neither stream waits on work other code queues on the legacy default stream.
    cuStreamCreate(stream, CUstream_flags.CU_STREAM_NON_BLOCKING);
    return stream;
  }

  private static int attribute(CUdevice device, int attribute) {
    int[] value = new int[1];
    cuDeviceGetAttribute(value, attribute, device);
    return value[0];
  }

  private static String deviceName(CUdevice device) {
    byte[] bytes = new byte[256];
    cuDeviceGetName(bytes, bytes.length, device);
    int end = 0;
    while (end < bytes.length && bytes[end] != 0) {
      end++;
    }
    return new String(bytes, 0, end, StandardCharsets.UTF_8);
  }
}
