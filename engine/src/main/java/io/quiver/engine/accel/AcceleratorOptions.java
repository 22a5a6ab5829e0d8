package io.quiver.engine.accel;

import java.util.Locale;

/**
 * What to open: which accelerator ({@code auto}, {@code cpu} or a provider's name such as {@code
 * cuda}), on which device, with how much of its memory, and how many CPU threads the CPU parts (and
 * the CPU fallback) may use.
 *
 * @param kind {@code auto} tries every provider and falls back to the CPU; {@code cpu} uses the
 *     CPU; a provider's name demands it and fails when it cannot open
 * @param deviceId the device ordinal, {@code >= 0}
 * @param memoryBytes the device memory an accelerator may allocate; 0 lets it take most of what is
 *     free
 * @param threads CPU threads, {@code >= 1}
 */
public record AcceleratorOptions(String kind, int deviceId, long memoryBytes, int threads) {

  /** System property: the default {@link #kind}. */
  public static final String KIND_PROPERTY = "quiver.accelerator";

  /** System property: the default {@link #deviceId}. */
  public static final String DEVICE_PROPERTY = "quiver.accelerator.device";

  /** System property: the default {@link #memoryBytes}, in bytes or with a k/m/g suffix. */
  public static final String MEMORY_PROPERTY = "quiver.accelerator.memory";

  public AcceleratorOptions {
    kind = kind.trim().toLowerCase(Locale.ROOT);
    if (kind.isEmpty()) {
      throw new IllegalArgumentException(
          "accelerator must be auto, cpu or a provider's name; got ''");
    }
    if (deviceId < 0) {
      throw new IllegalArgumentException("accelerator device must be >= 0; got " + deviceId);
    }
    if (memoryBytes < 0) {
      throw new IllegalArgumentException("accelerator memory must be >= 0; got " + memoryBytes);
    }
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1; got " + threads);
    }
  }

  /** The options the system properties give, with {@code threads} CPU threads. */
  public static AcceleratorOptions fromSystemProperties(int threads) {
    String device = System.getProperty(DEVICE_PROPERTY, "0");
    int deviceId;
    try {
      deviceId = Integer.parseInt(device.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          DEVICE_PROPERTY + " must be a device number; got '" + device + "'");
    }
    return new AcceleratorOptions(
        System.getProperty(KIND_PROPERTY, "auto"),
        deviceId,
        parseBytes(MEMORY_PROPERTY, System.getProperty(MEMORY_PROPERTY, "0")),
        threads);
  }

  /** This with another device, as a Spark task's GPU address gives it. */
  public AcceleratorOptions onDevice(int device) {
    return new AcceleratorOptions(kind, device, memoryBytes, threads);
  }

  /**
   * Parses {@code 123}, {@code 512m}, {@code 8g} (binary units); names {@code field} when wrong.
   */
  public static long parseBytes(String field, String value) {
    String v = value.trim().toLowerCase(Locale.ROOT);
    long unit = 1;
    if (v.endsWith("k") || v.endsWith("m") || v.endsWith("g")) {
      unit = v.endsWith("k") ? 1L << 10 : v.endsWith("m") ? 1L << 20 : 1L << 30;
      v = v.substring(0, v.length() - 1);
    }
    try {
      long n = Long.parseLong(v);
      if (n < 0) {
        throw new NumberFormatException();
      }
      return Math.multiplyExact(n, unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          field + " must be a byte count such as 8g or 512m; got '" + value + "'");
    }
  }
}
