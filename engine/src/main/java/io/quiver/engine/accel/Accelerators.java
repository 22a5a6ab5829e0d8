package io.quiver.engine.accel;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the accelerator that options ask for. Providers are found once per JVM through {@link
 * ServiceLoader}. With {@code auto}, the first provider that opens wins, and when none does the CPU
 * reference is used and the reason is logged in one line (once per JVM and reason, so a thousand
 * Spark tasks do not log it a thousand times). A provider asked for by name must open, or the call
 * fails saying why: a job that means to use the GPU should not silently run on the CPU.
 */
public final class Accelerators {

  private static final Logger LOG = LoggerFactory.getLogger(Accelerators.class);
  private static final Set<String> LOGGED = ConcurrentHashMap.newKeySet();

  private static volatile List<AcceleratorProvider> providers;

  private Accelerators() {}

  /** The providers on the class path, in {@link ServiceLoader} order. */
  public static List<AcceleratorProvider> providers() {
    List<AcceleratorProvider> found = providers;
    if (found == null) {
      found = new ArrayList<>();
      for (AcceleratorProvider p :
          ServiceLoader.load(AcceleratorProvider.class, Accelerators.class.getClassLoader())) {
        found.add(p);
      }
      providers = found = List.copyOf(found);
    }
    return found;
  }

  /** Opens the accelerator {@code options} ask for; see the class comment. */
  public static Accelerator open(AcceleratorOptions options) {
    String kind = options.kind();
    if (kind.equals("cpu")) {
      return new CpuAccelerator(options.threads());
    }
    List<String> reasons = new ArrayList<>();
    for (AcceleratorProvider provider : providers()) {
      if (!kind.equals("auto") && !kind.equals(provider.name())) {
        continue;
      }
      try {
        Accelerator accelerator = provider.open(options);
        logOnce("Accelerator: " + accelerator.name());
        return accelerator;
      } catch (AcceleratorUnavailableException e) {
        reasons.add(provider.name() + ": " + e.getMessage());
      } catch (LinkageError e) {
        // UnsatisfiedLinkError when a native library or its driver is missing: an Error, not an
        // Exception, and no reason to stop the build.
        reasons.add(provider.name() + ": native library did not load (" + e + ")");
      }
    }
    if (!kind.equals("auto")) {
      throw new IllegalStateException(
          "accelerator '"
              + kind
              + "' cannot be opened: "
              + (reasons.isEmpty()
                  ? "no provider of that name on the class path (found "
                      + providers().stream().map(AcceleratorProvider::name).toList()
                      + ")"
                  : String.join("; ", reasons)));
    }
    logOnce(
        "Accelerator: cpu ("
            + (reasons.isEmpty()
                ? "no accelerator provider on the class path"
                : String.join("; ", reasons))
            + ")");
    return new CpuAccelerator(options.threads());
  }

  private static void logOnce(String line) {
    if (LOGGED.add(line)) {
      LOG.info(line);
    }
  }
}
