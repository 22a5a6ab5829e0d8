package io.quiver.spark.packaging;

/**
 * Prints which implementation the shaded jar's relocated lz4-java picks when the jar is on the
 * JVM's system classpath ({@code --driver-class-path}, {@code spark.executor.extraClassPath}, a jar
 * dropped into {@code $SPARK_HOME/jars}). Only there does {@code LZ4Factory.fastestInstance()} try
 * its JNI binding; from a {@code --jars} class loader it goes straight to the Java one. Run by
 * {@link SparkSubmitIT} with a classpath of the shaded jar and this class only.
 */
public final class RelocatedLz4Probe {

  private RelocatedLz4Probe() {}

  public static void main(String[] args) throws ReflectiveOperationException {
    ClassLoader loader = RelocatedLz4Probe.class.getClassLoader();
    if (loader != ClassLoader.getSystemClassLoader()) {
      throw new IllegalStateException(
          "expected to run from the system class loader; got " + loader);
    }
    Class<?> factory = Class.forName("io.quiver.shaded.net.jpountz.lz4.LZ4Factory", true, loader);
    // Not RoundTripJob.report: that class needs Spark, which this classpath does not have.
    System.out.println(
        "quiver-packaging: quiver-lz4=" + factory.getMethod("fastestInstance").invoke(null));
  }
}
