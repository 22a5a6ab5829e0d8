package io.quiver.benchmarks.measure;

import io.quiver.benchmarks.data.Dataset;
import io.quiver.engine.quant.QuantizationConfig;
import io.quiver.engine.quant.QuantizedVectors;
import io.quiver.engine.quant.VectorQuantizer;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.RandomVectorScorer;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.Vectors;
import java.io.PrintStream;
import java.util.Map;

/**
 * How far apart a data set's true neighbours are, against how far a code's estimated score strays
 * from the exact one: what decides how many candidates a quantized search must rescore.
 *
 * <p>Per query, the gap is the exact score of the 10th true neighbour minus that of the 20th, 50th
 * and 100th (or the deepest known). The error is the code's estimate minus the exact score over the
 * query's true neighbours; a shift that every candidate of a query shares does not change their
 * order, so it is removed per query and reported apart (as its root mean square). When the error's
 * standard deviation is as large as the gap from the 10th to the 100th neighbour, the codes cannot
 * tell the true top 10 from the next 90, and only rescoring well beyond 10 x 10 candidates finds
 * them.
 */
public final class CodeError {

  private static final int[] DEPTHS = {20, 50, 100};

  private CodeError() {}

  /**
   * Prints the gaps of {@code data} and, for each named configuration, the error of its codes
   * trained with {@code seed} on all of {@code data}'s vectors.
   */
  public static void report(
      Dataset data,
      VectorSimilarity similarity,
      Map<String, QuantizationConfig> configs,
      long seed,
      int threads,
      PrintStream out) {
    ArrayVectorValues vectors = ArrayVectorValues.of(data.base());
    float[][] queries = new float[data.queries().length][];
    for (int q = 0; q < queries.length; q++) {
      queries[q] = Vectors.prepare(similarity, data.queries()[q]);
    }
    int depth = data.groundTruthDepth();
    double[] gaps = new double[DEPTHS.length];
    for (int q = 0; q < queries.length; q++) {
      RandomVectorScorer exact = vectors.scorer(similarity, queries[q]);
      int[] truth = data.groundTruth()[q];
      float tenth = exact.score(truth[9]);
      for (int j = 0; j < DEPTHS.length; j++) {
        gaps[j] += tenth - exact.score(truth[Math.min(DEPTHS[j], depth) - 1]);
      }
    }
    out.printf(
        "%s (%,d x %d, %s): mean score gap from the 10th true neighbour to the 20th %.4g, 50th"
            + " %.4g, %dth %.4g%n",
        data.name(),
        data.size(),
        data.dimension(),
        similarity,
        gaps[0] / queries.length,
        gaps[1] / queries.length,
        Math.min(DEPTHS[2], depth),
        gaps[2] / queries.length);
    for (Map.Entry<String, QuantizationConfig> e : configs.entrySet()) {
      VectorQuantizer quantizer;
      try {
        quantizer = e.getValue().train(similarity, vectors, seed);
      } catch (IllegalArgumentException refused) {
        out.printf("  %-12s refused: %s%n", e.getKey(), refused.getMessage());
        continue;
      }
      QuantizedVectors codes = QuantizedVectors.encode(quantizer, vectors, threads);
      double spread = 0;
      double shift = 0;
      long n = 0;
      for (int q = 0; q < queries.length; q++) {
        RandomVectorScorer exact = vectors.scorer(similarity, queries[q]);
        RandomVectorScorer estimate = codes.scorer(queries[q]);
        int[] truth = data.groundTruth()[q];
        double[] error = new double[depth];
        double mean = 0;
        for (int j = 0; j < depth; j++) {
          error[j] = estimate.score(truth[j]) - exact.score(truth[j]);
          mean += error[j] / depth;
        }
        for (int j = 0; j < depth; j++) {
          spread += (error[j] - mean) * (error[j] - mean);
        }
        shift += mean * mean;
        n += depth;
      }
      out.printf(
          "  %-12s %-32s error std over the true top %d %.4g (shared shift per query, rms %.4g)%n",
          e.getKey(),
          quantizer.describe(),
          depth,
          Math.sqrt(spread / n),
          Math.sqrt(shift / queries.length));
    }
  }
}
