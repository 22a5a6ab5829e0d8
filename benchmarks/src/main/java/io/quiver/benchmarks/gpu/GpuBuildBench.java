package io.quiver.benchmarks.gpu;

import io.quiver.benchmarks.data.GaussianMixture;
import io.quiver.engine.accel.Accelerator;
import io.quiver.engine.accel.AcceleratorOptions;
import io.quiver.engine.accel.Accelerators;
import io.quiver.engine.accel.Neighbors;
import io.quiver.engine.hnsw.AcceptOrds;
import io.quiver.engine.hnsw.HnswConfig;
import io.quiver.engine.hnsw.HnswIndex;
import io.quiver.engine.hnsw.SearchResults;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.Vectors;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 8's benchmark: a segment graph built on the accelerator against the same graph built by
 * insertion on every CPU core, at equal recall, and the accelerator's exact top-k against the
 * bounds of the device's memory bandwidth and float throughput.
 *
 * <p>For each {@code <points>x<dim>} set (the harness's seeded Gaussian mixture, Euclid): ground
 * truth for {@code --queries} queries from the accelerator's exact top-k; the CPU build ({@link
 * HnswIndex#build(io.quiver.engine.vector.VectorValues, VectorSimilarity, HnswConfig, int)} with
 * {@code --threads}); the accelerated build (its k-NN graph, then levels assembled on the CPU),
 * each phase timed; recall@10 of both over an ef sweep; then {@code --exact-queries} queries' exact
 * top-10 on the accelerator, timed, beside the time the device needs at least to read the vectors
 * once ({@code --hbm-gbps}) and to do the multiply-adds ({@code --fp32-tflops}).
 *
 * <p>Without a device the accelerator is the CPU reference; its k-NN graph costs {@code n^2}
 * distances, so the accelerated build then runs only up to {@code --cpu-graph-limit} points and the
 * figures say {@code cpu}: the harness can be tried anywhere, the GPU figures come only from a GPU.
 */
public final class GpuBuildBench {

  private record Size(int points, int dim) {}

  private final List<Size> sizes = new ArrayList<>();
  private String kind = "auto";
  private int threads = Runtime.getRuntime().availableProcessors();
  private int queries = 1000;
  private int exactQueries = 10_000;
  private int[] efs = {16, 32, 64, 100, 200, 400};
  private long seed = 42;
  private long memory = 0;
  private int cpuGraphLimit = 50_000;
  private double hbmGbps = 4800;
  private double fp32Tflops = 67;
  private int m = 16;
  private int efConstruct = 100;

  public static void main(String[] args) throws Exception {
    GpuBuildBench bench = new GpuBuildBench();
    bench.parse(args);
    bench.run();
  }

  private void parse(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String key = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException(key + " needs a value");
      }
      String value = args[++i];
      switch (key) {
        case "--sizes" -> parseSizes(value);
        case "--accelerator" -> kind = value;
        case "--threads" -> threads = Integer.parseInt(value);
        case "--queries" -> queries = Integer.parseInt(value);
        case "--exact-queries" -> exactQueries = Integer.parseInt(value);
        case "--ef" ->
            efs =
                java.util.Arrays.stream(value.split(","))
                    .mapToInt(s -> Integer.parseInt(s.trim()))
                    .toArray();
        case "--seed" -> seed = Long.parseLong(value);
        case "--memory" -> memory = AcceleratorOptions.parseBytes("--memory", value);
        case "--cpu-graph-limit" -> cpuGraphLimit = Integer.parseInt(value);
        case "--hbm-gbps" -> hbmGbps = Double.parseDouble(value);
        case "--fp32-tflops" -> fp32Tflops = Double.parseDouble(value);
        case "--m" -> m = Integer.parseInt(value);
        case "--ef-construct" -> efConstruct = Integer.parseInt(value);
        default -> throw new IllegalArgumentException("unknown option " + key);
      }
    }
    if (sizes.isEmpty()) {
      sizes.add(new Size(1_000_000, 128));
      sizes.add(new Size(1_000_000, 768));
    }
  }

  private void parseSizes(String value) {
    for (String s : value.split(",")) {
      String[] p = s.trim().toLowerCase(Locale.ROOT).split("x");
      if (p.length != 2) {
        throw new IllegalArgumentException("--sizes takes <points>x<dim>,...; got '" + s + "'");
      }
      sizes.add(new Size(Integer.parseInt(p[0]), Integer.parseInt(p[1])));
    }
  }

  private void run() {
    AcceleratorOptions options = new AcceleratorOptions(kind, 0, memory, threads);
    try (Accelerator accelerator = Accelerators.open(options)) {
      System.out.printf(
          "accelerator: %s; CPU builds on %d threads; JDK %s; m=%d ef_construct=%d%n%n",
          accelerator.name(), threads, Runtime.version(), m, efConstruct);
      for (Size size : sizes) {
        runSize(accelerator, size);
      }
    }
  }

  private void runSize(Accelerator accelerator, Size size) {
    GaussianMixture mixture = new GaussianMixture(seed, size.dim(), 64, false);
    ArrayVectorValues values = ArrayVectorValues.of(mixture.base(size.points()));
    float[][] queryRows = mixture.queries(queries);
    VectorSimilarity euclid = VectorSimilarity.EUCLID;
    HnswConfig config = HnswConfig.builder().m(m).efConstruct(efConstruct).build();
    System.out.printf("## %,d x %d (gmm, seed %d, Euclid)%n%n", size.points(), size.dim(), seed);

    long t0 = System.nanoTime();
    Neighbors truth = accelerator.topK(Vectors.pack(queryRows), queries, values, euclid, 10);
    double truthSeconds = seconds(t0);

    t0 = System.nanoTime();
    HnswIndex cpu = HnswIndex.build(values, euclid, config, threads);
    double cpuSeconds = seconds(t0);

    HnswIndex accelerated = null;
    double graphSeconds = Double.NaN;
    double assembleSeconds = Double.NaN;
    if (accelerator.buildsGraphs() || size.points() <= cpuGraphLimit) {
      t0 = System.nanoTime();
      Neighbors knn =
          accelerator.knnGraph(values, euclid, Math.min(efConstruct, size.points() - 1));
      graphSeconds = seconds(t0);
      t0 = System.nanoTime();
      accelerated = HnswIndex.build(values, euclid, config, threads, knn);
      assembleSeconds = seconds(t0);
    }

    System.out.println("| build | k-NN graph s | levels s | total s | speed-up vs CPU |");
    System.out.println("|---|---:|---:|---:|---:|");
    System.out.printf("| CPU insertion, %d threads | | | %.1f | 1.00x |%n", threads, cpuSeconds);
    if (accelerated != null) {
      double total = graphSeconds + assembleSeconds;
      System.out.printf(
          "| %s k-NN graph + CPU levels | %.1f | %.1f | %.1f | %.2fx |%n",
          accelerator.name(), graphSeconds, assembleSeconds, total, cpuSeconds / total);
    } else {
      System.out.printf(
          "| %s | skipped: no device, and %,d points exceed --cpu-graph-limit | | | |%n",
          accelerator.name(), size.points());
    }
    System.out.println();
    System.out.println("| ef | recall@10 CPU-built | recall@10 accelerated |");
    System.out.println("|---:|---:|---:|");
    for (int ef : efs) {
      System.out.printf(
          "| %d | %.4f | %s |%n",
          ef,
          recall(cpu, queryRows, truth, ef),
          accelerated == null
              ? "—"
              : String.format("%.4f", recall(accelerated, queryRows, truth, ef)));
    }

    float[][] exact = mixture.queries(exactQueries);
    t0 = System.nanoTime();
    accelerator.topK(Vectors.pack(exact), exactQueries, values, euclid, 10);
    double exactSeconds = seconds(t0);
    double bytes = 4.0 * size.points() * size.dim();
    double bandwidthBound = bytes / (hbmGbps * 1e9);
    double computeBound = 3.0 * exactQueries * size.points() * size.dim() / (fp32Tflops * 1e12);
    System.out.println();
    System.out.printf(
        "exact top-10, %,d queries x %,d vectors: %.3f s (%,.0f queries/s); ground truth for %d"
            + " queries took %.2f s%n",
        exactQueries,
        size.points(),
        exactSeconds,
        exactQueries / exactSeconds,
        queries,
        truthSeconds);
    System.out.printf(
        "bounds on this device's figures (--hbm-gbps %.0f, --fp32-tflops %.0f): reading the"
            + " vectors once %.4f s; 3 flops per dimension per pair (subtract, multiply, add)"
            + " %.3f s; measured / larger bound = %.2f%n%n",
        hbmGbps,
        fp32Tflops,
        bandwidthBound,
        computeBound,
        exactSeconds / Math.max(bandwidthBound, computeBound));
  }

  /** recall@10 with ann-benchmarks' rule: a hit is anything as close as the 10th true neighbour. */
  private static double recall(HnswIndex index, float[][] queries, Neighbors truth, int ef) {
    long hits = 0;
    for (int q = 0; q < queries.length; q++) {
      SearchResults got = index.search(queries[q], 10, Math.max(10, ef), AcceptOrds.ALL);
      float kth = truth.score(q, 9);
      for (int i = 0; i < got.size(); i++) {
        if (got.score(i) >= kth - 1e-6f * Math.abs(kth)) {
          hits++;
        }
      }
    }
    return hits / (10.0 * queries.length);
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }
}
