package io.quiver.benchmarks.lib;

import java.lang.reflect.InvocationTargetException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The registry of libraries by command-line name. */
public final class Libraries {

  /** The full-precision libraries, in the order the report lists them. */
  public static final List<String> FLOAT_NAMES =
      List.of("quiver", "lucene", "jvector", "hnswlib", "exact");

  /** Every known name: the float libraries, then the {@link QuantizedVariant}s. */
  public static final List<String> NAMES = allNames();

  private static final String LUCENE_CLASS = "io.quiver.benchmarks.lib.LuceneLibrary";

  private Libraries() {}

  /** Fails, naming the known libraries, when {@code name} is none of them. */
  public static void checkName(String name) {
    if (!NAMES.contains(name.toLowerCase(Locale.ROOT))) {
      throw unknown(name);
    }
  }

  public static AnnLibrary create(String name) {
    Optional<QuantizedVariant> variant = QuantizedVariant.byName(name);
    if (variant.isPresent()) {
      QuantizedVariant v = variant.get();
      return v.family().equals("lucene") ? lucene(v.libraryName()) : new QuiverQuantizedLibrary(v);
    }
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
        return lucene("lucene");
      default:
        throw unknown(name);
    }
  }

  private static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException(
        "unknown library '" + name + "'; expected one of " + String.join(", ", NAMES));
  }

  /**
   * Lucene 10 needs Java 21, so its adapter is compiled only by the {@code peers} profile (JDK 21+)
   * and is found by name here; it is given the library name ({@code lucene}, {@code lucene-sq7})
   * and picks its vectors format from it.
   */
  private static AnnLibrary lucene(String name) {
    int feature = Runtime.version().feature();
    if (feature < 21) {
      throw new IllegalArgumentException(
          "library '" + name + "' needs JDK 21 or newer; this JVM is " + Runtime.version());
    }
    try {
      return (AnnLibrary)
          Class.forName(LUCENE_CLASS).getDeclaredConstructor(String.class).newInstance(name);
    } catch (ClassNotFoundException e) {
      throw new IllegalArgumentException(
          "library '"
              + name
              + "' is not on the classpath: build the benchmarks module on JDK 21+ so the"
              + " 'peers' profile compiles src/peers/java",
          e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException("could not start the Lucene adapter", e.getCause());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("could not start the Lucene adapter", e);
    }
  }

  private static List<String> allNames() {
    List<String> names = new ArrayList<>(FLOAT_NAMES);
    for (QuantizedVariant v : QuantizedVariant.values()) {
      names.add(v.libraryName());
    }
    return Collections.unmodifiableList(names);
  }
}
