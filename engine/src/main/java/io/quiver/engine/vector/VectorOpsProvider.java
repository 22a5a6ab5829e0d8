package io.quiver.engine.vector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses the {@link VectorOps} implementation once per JVM and logs why.
 *
 * <p>The Vector API path is used when the {@code jdk.incubator.vector} module is in the boot layer
 * (the JVM was started with {@code --add-modules jdk.incubator.vector}) and the platform's
 * preferred vector holds at least four floats. Setting the system property {@value #PROPERTY} to
 * {@code plain} forces the scalar path; {@code panama} demands the Vector API and fails loudly when
 * it is missing, so a test run that means to exercise it cannot silently fall back.
 */
public final class VectorOpsProvider {

  /**
   * System property naming the implementation: {@code auto} (default), {@code plain}, {@code
   * panama}.
   */
  public static final String PROPERTY = "quiver.vector.impl";

  private static final Logger LOG = LoggerFactory.getLogger(VectorOpsProvider.class);
  private static final VectorOps INSTANCE = choose(System.getProperty(PROPERTY, "auto"));

  private VectorOpsProvider() {}

  /** The implementation chosen for this JVM. */
  public static VectorOps get() {
    return INSTANCE;
  }

  /** The scalar reference implementation, whatever was chosen. */
  public static VectorOps plain() {
    return PlainVectorOps.INSTANCE;
  }

  static VectorOps choose(String requested) {
    switch (requested.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "plain":
        LOG.info("Vector kernels: plain Java ({}={})", PROPERTY, requested);
        return PlainVectorOps.INSTANCE;
      case "panama":
        {
          VectorOps ops = loadPanama();
          if (ops == null) {
            throw new IllegalStateException(
                PROPERTY
                    + "=panama but the Vector API is unavailable; start the JVM with"
                    + " --add-modules jdk.incubator.vector");
          }
          LOG.info("Vector kernels: {} ({}=panama)", ops.name(), PROPERTY);
          return ops;
        }
      case "auto":
        {
          VectorOps ops = loadPanama();
          if (ops == null) {
            LOG.info(
                "Vector kernels: plain Java (the jdk.incubator.vector module is not enabled;"
                    + " add --add-modules jdk.incubator.vector for SIMD)");
            return PlainVectorOps.INSTANCE;
          }
          LOG.info("Vector kernels: {}", ops.name());
          return ops;
        }
      default:
        throw new IllegalArgumentException(
            PROPERTY + " must be one of auto, plain, panama; got '" + requested + "'");
    }
  }

  private static VectorOps loadPanama() {
    if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
      return null;
    }
    try {
      if (PanamaVectorOps.lanes() < 4) {
        LOG.info("Vector API present but the preferred species holds fewer than 4 floats");
        return null;
      }
      return new PanamaVectorOps();
    } catch (LinkageError e) {
      LOG.warn("Vector API present but unusable: {}", e.toString());
      return null;
    }
  }
}
