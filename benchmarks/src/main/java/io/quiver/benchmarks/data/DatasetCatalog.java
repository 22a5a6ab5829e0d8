package io.quiver.benchmarks.data;

import io.quiver.engine.vector.VecFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns a dataset name into a {@link Dataset}. Known names:
 *
 * <ul>
 *   <li>{@code sift5k}: 5,000 real SIFT descriptors (128d), 100 queries, L2;
 *   <li>{@code cohere1k}: 900 Cohere Wikipedia embeddings (768d, not normalised), 100 queries,
 *       inner product;
 *   <li>{@code gmm-<n>-<dim>[-l2|-dot]}: {@code n} points (suffix {@code k} or {@code m} allowed)
 *       from a seeded {@link GaussianMixture}; L2 by default when {@code dim < 512}, otherwise
 *       inner product over unit-length vectors; {@code -spec} gives the noise a decaying spectrum
 *       like real embeddings' (see {@link GaussianMixture}). Ground truth is computed once and
 *       cached.
 * </ul>
 */
public final class DatasetCatalog {

  private static final Pattern GMM =
      Pattern.compile("gmm-(\\d+)([km]?)-(\\d+)(?:-(l2|dot))?(-spec)?", Pattern.CASE_INSENSITIVE);

  /** The ground-truth depth computed for generated datasets. */
  public static final int GENERATED_DEPTH = 100;

  private final Path dataDir;
  private final GroundTruthCache cache;
  private final long seed;
  private final int generatedQueries;
  private final int components;

  public DatasetCatalog(
      Path dataDir, Path cacheDir, long seed, int generatedQueries, int components) {
    this.dataDir = dataDir;
    this.cache = new GroundTruthCache(cacheDir);
    this.seed = seed;
    this.generatedQueries = generatedQueries;
    this.components = components;
  }

  /** Throws when {@code name} names no dataset, so a bad list fails before any work is done. */
  public static void checkName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    if (!lower.equals("sift5k") && !lower.equals("cohere1k") && !GMM.matcher(name).matches()) {
      throw unknown(name);
    }
  }

  private static IllegalArgumentException unknown(String name) {
    return new IllegalArgumentException(
        "unknown dataset '"
            + name
            + "'; expected sift5k, cohere1k or gmm-<n>-<dim>[-l2|-dot][-spec]"
            + " (for example gmm-20k-128, gmm-200k-768-dot or gmm-200k-768-spec)");
  }

  public Dataset load(String name) throws IOException {
    switch (name.toLowerCase(Locale.ROOT)) {
      case "sift5k":
        return fromFiles(
            "sift5k",
            "5,000 SIFT descriptors (yahoojapan/NGT), 128d, 100 TEXMEX siftsmall queries, L2",
            Metric.L2,
            "sift5k-ngt/sift5k_base.fvecs",
            "sift5k-ngt/sift5k_query.fvecs",
            "sift5k-ngt/sift5k_groundtruth_l2_top100.ivecs");
      case "cohere1k":
        return fromFiles(
            "cohere1k",
            "900 Cohere Wikipedia embeddings, 768d, not normalised, 100 held-out queries, inner"
                + " product",
            Metric.DOT,
            "cohere-wiki-768-1k/cohere1k_base.fvecs",
            "cohere-wiki-768-1k/cohere1k_query.fvecs",
            "cohere-wiki-768-1k/cohere1k_groundtruth_ip_top100.ivecs");
      default:
        Matcher m = GMM.matcher(name);
        if (m.matches()) {
          return generated(name, m);
        }
        throw unknown(name);
    }
  }

  private Dataset fromFiles(
      String name, String description, Metric metric, String base, String queries, String gt)
      throws IOException {
    return new Dataset(
        name,
        description,
        metric,
        VecFiles.readFvecs(existing(name, base)),
        VecFiles.readFvecs(existing(name, queries)),
        VecFiles.readIvecs(existing(name, gt)));
  }

  private Path existing(String dataset, String relative) throws NoSuchFileException {
    Path file = dataDir.resolve(relative);
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(
          file.toAbsolutePath().normalize().toString(),
          null,
          "dataset " + dataset + " needs this file; is --data-dir (now " + dataDir + ") right?");
    }
    return file;
  }

  private Dataset generated(String name, Matcher m) throws IOException {
    long n = Long.parseLong(m.group(1)) * multiplier(m.group(2));
    int dim = Integer.parseInt(m.group(3));
    if (n <= 0 || n > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "dataset " + name + ": size must be in [1, 2^31); got " + n);
    }
    if (dim <= 0) {
      throw new IllegalArgumentException("dataset " + name + ": dimension must be > 0; got " + dim);
    }
    Metric metric =
        m.group(4) != null ? Metric.parse(m.group(4)) : dim < 512 ? Metric.L2 : Metric.DOT;
    boolean normalize = metric == Metric.DOT;
    boolean spectrum = m.group(5) != null;
    GaussianMixture mixture =
        spectrum
            ? GaussianMixture.withSpectrum(seed, dim, components, normalize)
            : new GaussianMixture(seed, dim, components, normalize);
    float[][] base = mixture.base((int) n);
    float[][] queries = mixture.queries(generatedQueries);
    int depth = (int) Math.min(GENERATED_DEPTH, n);
    String key =
        String.format(
            Locale.ROOT,
            "gmm-v%d-s%d-n%d-d%d-%s%s-c%d-q%d-k%d",
            GaussianMixture.VERSION,
            seed,
            n,
            dim,
            metric.label(),
            spectrum ? "-spec" : "",
            components,
            generatedQueries,
            depth);
    int threads = Runtime.getRuntime().availableProcessors();
    int[][] gt =
        cache.getOrCompute(
            key,
            queries.length,
            depth,
            () -> GroundTruth.compute(base, queries, metric, depth, threads));
    String description =
        String.format(
            Locale.ROOT,
            "Gaussian mixture%s, %d components, seed %d, %s%s, %d queries from the same mixture",
            spectrum ? " with a 1/j noise spectrum" : "",
            components,
            seed,
            metric.label(),
            normalize ? " over unit vectors" : "",
            queries.length);
    return new Dataset(name, description, metric, base, queries, gt);
  }

  private static long multiplier(String suffix) {
    switch (suffix.toLowerCase(Locale.ROOT)) {
      case "k":
        return 1_000L;
      case "m":
        return 1_000_000L;
      default:
        return 1L;
    }
  }
}
