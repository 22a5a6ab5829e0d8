package io.quiver.engine.quant;

import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.VectorValues;
import io.quiver.engine.vector.Vectors;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Sampling and the file-reading dispatch shared by the quantizers. */
public final class Quantizers {

  private Quantizers() {}

  /** Rebuilds a quantizer from the parameters {@link VectorQuantizer#writeParameters} wrote. */
  static VectorQuantizer readParameters(
      QuantizationKind kind,
      VectorSimilarity similarity,
      int dimension,
      ByteBuffer parameters,
      Path file)
      throws CorruptFileException {
    try {
      switch (kind) {
        case SCALAR:
          return ScalarQuantizer.read(similarity, dimension, parameters, file);
        case BINARY:
          return BinaryQuantizer.read(similarity, dimension, parameters, file);
        case PRODUCT:
          return ProductQuantizer.read(similarity, dimension, parameters, file);
        case ROTATIONAL:
          return RotationalQuantizer.read(similarity, dimension, parameters, file);
        default:
          throw new CorruptFileException(file, "unknown quantization kind " + kind);
      }
    } catch (java.nio.BufferUnderflowException e) {
      throw new CorruptFileException(file, kind.configName() + " parameters are truncated");
    }
  }

  /** The mean of the vectors at {@code sample} (zeros for an empty sample). */
  static float[] sampleMean(VectorValues vectors, int[] sample) {
    int dimension = vectors.dimension();
    double[] sums = new double[dimension];
    float[] v = new float[dimension];
    for (int ord : sample) {
      vectors.vector(ord, v);
      for (int i = 0; i < dimension; i++) {
        sums[i] += v[i];
      }
    }
    float[] mean = new float[dimension];
    for (int i = 0; sample.length > 0 && i < dimension; i++) {
      mean[i] = (float) (sums[i] / sample.length);
    }
    return mean;
  }

  /**
   * Up to {@code max} distinct ordinals of {@code 0..size-1}, drawn with {@code seed}, in
   * increasing order (all of them when {@code size <= max}).
   */
  public static int[] sample(int size, int max, long seed) {
    if (size <= max) {
      int[] all = new int[size];
      for (int i = 0; i < size; i++) {
        all[i] = i;
      }
      return all;
    }
    // Selection sampling (Knuth's algorithm S): one pass, sorted output, exactly max picks.
    SplittableRandom random = new SplittableRandom(seed);
    int[] picked = new int[max];
    int n = 0;
    for (int i = 0; i < size && n < max; i++) {
      if (random.nextInt(size - i) < max - n) {
        picked[n++] = i;
      }
    }
    return picked;
  }

  static void checkQuery(float[] query, int dimension) {
    Vectors.checkValid(query, dimension, "query vector");
  }

  /** Refuses a similarity a quantizer cannot estimate, naming both. */
  static void refuse(String quantizer, VectorSimilarity similarity, String why) {
    throw new IllegalArgumentException(
        quantizer + " quantization does not support distance " + similarity.apiName() + ": " + why);
  }
}
