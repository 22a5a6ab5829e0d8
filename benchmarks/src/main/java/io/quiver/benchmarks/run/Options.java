package io.quiver.benchmarks.run;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Command-line options, {@code --name value} or {@code --name=value}. Unknown names and malformed
 * values are rejected with the offending text in the message.
 */
public final class Options {

  static final String DEFAULT_EFS = "10,16,24,32,48,64,96,128,192,256,384,512,768,1024";

  private static final Map<String, String> DEFAULTS = new LinkedHashMap<>();

  static {
    DEFAULTS.put("datasets", "sift5k,cohere1k");
    DEFAULTS.put("libs", "quiver,lucene,jvector,hnswlib,exact");
    DEFAULTS.put("only-libs", "");
    DEFAULTS.put("threads", "1,2");
    DEFAULTS.put("k", "10");
    DEFAULTS.put("ef", DEFAULT_EFS);
    DEFAULTS.put("oversampling", ""); // empty: each quantized variant's own factors
    DEFAULTS.put("data-dir", "");
    DEFAULTS.put("cache-dir", "");
    DEFAULTS.put("results", "");
    DEFAULTS.put("warmup-ms", "2000");
    DEFAULTS.put("min-time-ms", "500");
    DEFAULTS.put("build-warmup", "2000");
    DEFAULTS.put("seed", "42");
    DEFAULTS.put("queries", "1000");
    DEFAULTS.put("components", "64");
    DEFAULTS.put("in", "");
    DEFAULTS.put("results-md", "");
    DEFAULTS.put("command", "");
  }

  private final Map<String, String> values;

  private Options(Map<String, String> defaults) {
    this.values = new LinkedHashMap<>(defaults);
  }

  /** The ANN harness's options ({@code Main}). */
  public static Options parse(String[] args) {
    return parse(args, DEFAULTS);
  }

  /**
   * Options of another command of this module: {@code defaults} names every option it knows, with
   * its default value.
   */
  public static Options parse(String[] args, Map<String, String> defaults) {
    Options o = new Options(defaults);
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("expected an option like --datasets; got '" + arg + "'");
      }
      String name = arg.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq >= 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException("option --" + name + " needs a value");
      }
      if (!defaults.containsKey(name)) {
        throw new IllegalArgumentException(
            "unknown option --" + name + "; known: --" + String.join(", --", defaults.keySet()));
      }
      o.values.put(name, value);
    }
    return o;
  }

  public String string(String name) {
    return values.get(name);
  }

  public List<String> list(String name) {
    List<String> out = new ArrayList<>();
    for (String s : values.get(name).split(",")) {
      if (!s.isBlank()) {
        out.add(s.trim());
      }
    }
    return out;
  }

  public List<Integer> ints(String name) {
    List<Integer> out = new ArrayList<>();
    for (String s : list(name)) {
      out.add(positive(name, s));
    }
    if (out.isEmpty()) {
      throw new IllegalArgumentException("--" + name + " needs at least one value");
    }
    return out;
  }

  /**
   * A comma list of numbers in {@code [min, max]}; empty when the option is empty (for options
   * whose default is "decided elsewhere").
   */
  public List<Double> doubles(String name, double min, double max) {
    List<Double> out = new ArrayList<>();
    for (String s : list(name)) {
      double v;
      try {
        v = Double.parseDouble(s);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("--" + name + " must hold numbers; got '" + s + "'");
      }
      if (!(v >= min && v <= max)) {
        throw new IllegalArgumentException(
            "--" + name + " values must be in [" + min + ", " + max + "]; got " + s);
      }
      out.add(v);
    }
    return out;
  }

  public int integer(String name) {
    return positive(name, values.get(name));
  }

  public long longValue(String name) {
    try {
      return Long.parseLong(values.get(name).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + name + " must be an integer; got '" + values.get(name) + "'");
    }
  }

  /** A non-negative integer option (0 allowed, for "off"). */
  public int nonNegative(String name) {
    long v = longValue(name);
    if (v < 0 || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("--" + name + " must be >= 0; got " + v);
    }
    return (int) v;
  }

  private static int positive(String name, String s) {
    try {
      int v = Integer.parseInt(s.trim());
      if (v <= 0) {
        throw new IllegalArgumentException("--" + name + " values must be > 0; got " + v);
      }
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + name + " must hold integers; got '" + s + "'");
    }
  }

  /** The Quiver checkout: the nearest directory up from here holding {@code benchmarks/pom.xml}. */
  public static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      if (Files.isRegularFile(p.resolve("benchmarks/pom.xml"))
          && Files.isRegularFile(p.resolve("pom.xml"))) {
        return p;
      }
    }
    return dir;
  }

  /** --data-dir, else $QUIVER_BENCH_DATA, else ../shared/data (or shared/data) next to the repo. */
  public Path dataDir() {
    String given = values.get("data-dir");
    if (!given.isBlank()) {
      return Path.of(given);
    }
    String env = System.getenv("QUIVER_BENCH_DATA");
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    Path root = repoRoot();
    for (Path candidate :
        Arrays.asList(root.resolve("../shared/data"), root.resolve("shared/data"))) {
      if (Files.isDirectory(candidate)) {
        return candidate.normalize();
      }
    }
    return root.resolve("../shared/data").normalize();
  }

  public Path cacheDir() {
    String given = values.get("cache-dir");
    return given.isBlank() ? repoRoot().resolve("benchmarks/cache") : Path.of(given);
  }
}
