package io.quiver.engine.quant;

import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.VectorValues;
import io.quiver.engine.vector.Vectors;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.SplittableRandom;

/** Training entry points and the file-reading dispatch shared by the quantizers. */
public final class Quantizers {

  private Quantizers() {}

  /** Trains the quantizer {@code config} describes on {@code vectors} (prepared). */
  public static VectorQuantizer train(
      QuantizationConfig config, VectorSimilarity similarity, VectorValues vectors, long seed) {
    return config.train(similarity, vectors, seed);
  }

  static VectorQuantizer trainBinary(
      VectorSimilarity similarity,
      VectorValues vectors,
      int bits,
      QuantizationConfig.QueryEncoding queryEncoding,
      long seed) {
    return BinaryQuantizer.train(similarity, vectors, bits, queryEncoding, seed);
  }

  static VectorQuantizer trainProduct(
      VectorSimilarity similarity, VectorValues vectors, int compression, long seed) {
    return ProductQuantizer.train(similarity, vectors, compression, seed);
  }

  static VectorQuantizer trainRotational(
      VectorSimilarity similarity, VectorValues vectors, int bits, long seed) {
    return RotationalQuantizer.train(similarity, vectors, bits, seed);
  }

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
