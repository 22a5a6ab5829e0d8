package io.quiver.benchmarks.lib;

import java.lang.reflect.InvocationTargetException;
import java.util.List;
import java.util.Locale;

/** The registry of libraries by command-line name. */
public final class Libraries {

  /** Every known name, in the order the report lists them. */
  public static final List<String> NAMES =
      List.of("quiver", "lucene", "jvector", "hnswlib", "exact");

  private static final String LUCENE_CLASS = "io.quiver.benchmarks.lib.LuceneLibrary";

  private Libraries() {}

  public static AnnLibrary create(String name) {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "quiver":
        return new QuiverLibrary();
      case "jvector":
        return new JVectorLibrary();
      case "hnswlib":
        return new HnswlibLibrary();
      case "exact":
        return new ExactLibrary();
      case "lucene":
        return lucene();
      default:
        throw new IllegalArgumentException(
            "unknown library '" + name + "'; expected one of " + String.join(", ", NAMES));
    }
  }

  /**
   * Lucene 10 needs Java 21, so its adapter is compiled only by the {@code peers} profile (JDK 21+)
   * and is found by name here.
   */
  private static AnnLibrary lucene() {
    int feature = Runtime.version().feature();
    if (feature < 21) {
      throw new IllegalArgumentException(
          "library 'lucene' needs JDK 21 or newer; this JVM is " + Runtime.version());
    }
    try {
      return (AnnLibrary) Class.forName(LUCENE_CLASS).getDeclaredConstructor().newInstance();
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "library 'lucene' is not on the classpath: build the benchmarks module on JDK 21+ so the"
              + " 'peers' profile compiles src/peers/java",
          e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("could not start the Lucene adapter", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("could not start the Lucene adapter", e);
    }
  }
}
