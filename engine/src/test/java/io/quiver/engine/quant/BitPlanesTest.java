package io.quiver.engine.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class BitPlanesTest {

  private static final int[] DIMENSIONS = {1, 2, 63, 64, 65, 127, 128, 129, 1021};

  @Test
  void popcountKernelEqualsTheNaiveSum() {
    long seed = TestData.seed();
    SplittableRandom random = new SplittableRandom(seed);
    for (int d : DIMENSIONS) {
      for (int codeBits = 1; codeBits <= 4; codeBits++) {
        for (int queryBits : new int[] {1, 2, 3, 4, 8}) {
          int[] k = levels(random, d, codeBits);
          int[] u = levels(random, d, queryBits);
          long naive = 0;
          for (int i = 0; i < d; i++) {
            naive += (long) u[i] * k[i];
          }
          int at = 13; // codes need not start aligned
          byte[] codes = new byte[at + BitPlanes.bytes(d, codeBits) + 5];
          BitPlanes.write(k, d, codeBits, codes, at);
          long[] query = new long[BitPlanes.words(d) * queryBits];
          BitPlanes.transpose(u, d, queryBits, query);
          String why = "d=" + d + " B=" + codeBits + " Bq=" + queryBits + " seed=" + seed;
          assertEquals(
              naive, BitPlanes.dot(query, queryBits, codes, at, codeBits, BitPlanes.words(d)), why);
          assertArrayEquals(k, BitPlanes.read(codes, at, d, codeBits, new int[d]), why);
        }
      }
    }
  }

  @Test
  void extremeLevelsDoNotOverflow() {
    int d = 65536;
    int[] k = new int[d];
    int[] u = new int[d];
    Arrays.fill(k, 15);
    Arrays.fill(u, 255);
    byte[] codes = new byte[BitPlanes.bytes(d, 4)];
    BitPlanes.write(k, d, 4, codes, 0);
    long[] query = new long[BitPlanes.words(d) * 8];
    BitPlanes.transpose(u, d, 8, query);
    assertEquals(15L * 255 * d, BitPlanes.dot(query, 8, codes, 0, 4, BitPlanes.words(d)));
  }

  @Test
  void quantizedQueryIsWithinHalfAStepAndCentredDotMatches() {
    long seed = TestData.seed();
    SplittableRandom random = new SplittableRandom(seed + 1);
    for (int d : DIMENSIONS) {
      for (int queryBits : new int[] {1, 4, 8}) {
        float[] values = new float[d];
        for (int i = 0; i < d; i++) {
          values[i] = (float) (random.nextDouble() * 6 - 2);
        }
        BitPlanes.Query query = new BitPlanes.Query(d, queryBits).set(values);
        int codeBits = 2;
        int[] k = levels(random, d, codeBits);
        byte[] codes = new byte[BitPlanes.bytes(d, codeBits)];
        BitPlanes.write(k, d, codeBits, codes, 0);
        double exact = 0;
        double bound = 0;
        int levelSum = 0;
        float offset = 1.5f;
        for (int i = 0; i < d; i++) {
          exact += values[i] * (k[i] - offset);
          bound += Math.abs(k[i] - offset) * query.width / 2;
          levelSum += k[i];
        }
        float estimate = query.centeredDot(codes, 0, codeBits, levelSum, offset);
        String why = "d=" + d + " Bq=" + queryBits + " seed=" + seed;
        assertTrue(
            Math.abs(estimate - exact) <= bound * 1.0001 + 1e-3,
            why + ": |" + estimate + " - " + exact + "| > " + bound);
      }
    }
  }

  @Test
  void constantQueryIsExact() {
    float[] values = new float[70];
    Arrays.fill(values, 0.25f);
    BitPlanes.Query query = new BitPlanes.Query(70, 4).set(values);
    int[] k = new int[70];
    k[3] = 1;
    k[69] = 1;
    byte[] codes = new byte[BitPlanes.bytes(70, 1)];
    BitPlanes.write(k, 70, 1, codes, 0);
    // sum 0.25 * (k_i - 0.5) = 0.25 * (2 - 35)
    assertEquals(0.25f * (2 - 35), query.centeredDot(codes, 0, 1, 2, 0.5f), 1e-5f);
  }

  private static int[] levels(SplittableRandom random, int d, int bits) {
    int[] out = new int[d];
    for (int i = 0; i < d; i++) {
      out[i] = random.nextInt(1 << bits);
    }
    return out;
  }
}
