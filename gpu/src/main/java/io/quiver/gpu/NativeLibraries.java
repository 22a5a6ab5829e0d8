package io.quiver.gpu;

import jcuda.driver.JCudaDriver;
import jcuda.nvrtc.JNvrtc;

/**
 * Loads jcuda's native libraries (its driver binding, which needs the driver's {@code
 * libcuda.so.1}, and its NVRTC binding, which needs {@code libnvrtc.so.12}) once per JVM, and
 * remembers why one did not load. The JVM reports a failed native load only the first time; later
 * uses of the class get a bare "Could not initialize class", so the reason has to be kept to be
 * given on every attempt to open.
 */
final class NativeLibraries {

  private NativeLibraries() {}

  /** Why the CUDA driver binding did not load, or null when it did. */
  static String driverFailure() {
    return Driver.FAILURE;
  }

  /** Why the NVRTC binding did not load, or null when it did. */
  static String nvrtcFailure() {
    return Nvrtc.FAILURE;
  }

  /** Holders, so that each library is tried when first needed, once. */
  private static final class Driver {
    static final String FAILURE = load(() -> JCudaDriver.setExceptionsEnabled(true));
  }

  private static final class Nvrtc {
    static final String FAILURE = load(() -> JNvrtc.setExceptionsEnabled(true));
  }

  private static String load(Runnable touch) {
    try {
      touch.run();
      return null;
    } catch (LinkageError e) {
      return summary(e);
    }
  }

  /**
   * The line of {@code e}'s messages (its own, then its causes') that names what failed to load,
   * such as {@code libcuda.so.1: cannot open shared object file}; else the first line of the first
   * message; else the error's class.
   */
  static String summary(Throwable e) {
    String first = null;
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String message = t.getMessage();
      if (message == null || message.isBlank()) {
        continue;
      }
      for (String line : message.split("\\R")) {
        String l = line.strip();
        if (l.contains("cannot open shared object file") || l.contains("undefined symbol")) {
          return l;
        }
        if (first == null && !l.isEmpty()) {
          first = l;
        }
      }
    }
    return first != null ? first : e.getClass().getName();
  }
}
