package io.quiver.engine.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class VectorOpsTest {

  private static final VectorOps PLAIN = VectorOpsProvider.plain();
  private static final VectorOps CHOSEN = VectorOpsProvider.get();

  @Test
  void chosenImplementationMatchesTheRequestedOne() {
    String requested = System.getProperty(VectorOpsProvider.PROPERTY, "auto");
    if (requested.equals("plain")) {
      assertSame(PLAIN, CHOSEN);
    } else if (requested.equals("panama")) {
      assertTrue(CHOSEN.name().startsWith("panama"), CHOSEN.name());
    }
  }

  @Test
  void unknownImplementationIsRefusedByName() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> VectorOpsProvider.choose("gpu-ish"));
    assertTrue(e.getMessage().contains("'gpu-ish'"), e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 8, 15, 16, 17, 31, 33, 64, 129, 768, 1021})
  void kernelsAgreeWithTheScalarReference(int dim) {
    long seed = TestData.seed() ^ dim;
    SplittableRandom random = new SplittableRandom(seed);
    // Offsets exercise vectors that do not start at the beginning of their array.
    int offA = random.nextInt(5);
    int offB = random.nextInt(5);
    float[] a = randomArray(random, offA + dim);
    float[] b = randomArray(random, offB + dim);
    String why = "dim=" + dim + " seed=" + seed + " impl=" + CHOSEN.name();
    assertClose(PLAIN.dot(a, offA, b, offB, dim), CHOSEN.dot(a, offA, b, offB, dim), dim, why);
    assertClose(
        PLAIN.squareDistance(a, offA, b, offB, dim),
        CHOSEN.squareDistance(a, offA, b, offB, dim),
        dim,
        why);
    assertClose(
        PLAIN.manhattan(a, offA, b, offB, dim), CHOSEN.manhattan(a, offA, b, offB, dim), dim, why);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 8, 15, 16, 17, 33, 129, 768, 1021})
  void byteCodeKernelsAgreeWithExactSums(int dim) {
    long seed = TestData.seed() ^ (dim * 31L);
    SplittableRandom random = new SplittableRandom(seed);
    int offset = random.nextInt(9);
    byte[] codes = new byte[offset + dim];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = (byte) random.nextInt(256);
    }
    float[] q = randomArray(random, dim);
    float[] scale = randomArray(random, dim);
    double dot = 0, l1 = 0, magnitude = 0;
    for (int i = 0; i < dim; i++) {
      dot += (double) q[i] * codes[offset + i];
      l1 += scale[i] * Math.abs((double) q[i] - codes[offset + i]);
      magnitude += Math.abs(q[i] * 128.0);
    }
    float tolerance = (float) (1e-6 * dim * Math.max(1, magnitude));
    String why = "dim=" + dim + " seed=" + seed + " impl=" + CHOSEN.name();
    assertEquals(dot, CHOSEN.dotBytes(q, codes, offset, dim), tolerance, why);
    assertEquals(dot, PLAIN.dotBytes(q, codes, offset, dim), tolerance, why);
    assertEquals(l1, CHOSEN.manhattanBytes(q, scale, codes, offset, dim), tolerance, why);
    assertEquals(l1, PLAIN.manhattanBytes(q, scale, codes, offset, dim), tolerance, why);
    // Many at once: every count, codes in their own arrays and sharing one; each lane exactly as
    // dotBytes scores that code alone.
    byte[][] many = new byte[VectorOps.MAX_MANY][];
    int[] offsets = new int[VectorOps.MAX_MANY];
    for (int i = 0; i < VectorOps.MAX_MANY; i++) {
      many[i] = i % 3 == 0 ? codes : new byte[dim + i];
      offsets[i] = i % 3 == 0 ? offset : i;
      for (int j = offsets[i]; i % 3 != 0 && j < many[i].length; j++) {
        many[i][j] = (byte) random.nextInt(256);
      }
    }
    float[] out = new float[VectorOps.MAX_MANY];
    for (int count = 1; count <= VectorOps.MAX_MANY; count++) {
      CHOSEN.dotBytesMany(q, many, offsets, count, dim, out);
      for (int i = 0; i < count; i++) {
        assertEquals(
            CHOSEN.dotBytes(q, many[i], offsets[i], dim),
            out[i],
            why + ", " + count + " at once, lane " + i);
      }
      assertEquals(dot, out[0], tolerance, why + ", " + count + " at once");
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 24})
  void nibbleKernelAgreesWithExactSums(int blocks) {
    SplittableRandom random = new SplittableRandom(TestData.seed() + blocks);
    int offset = random.nextInt(5);
    byte[] codes = new byte[offset + 16 * blocks];
    for (int i = 0; i < codes.length; i++) {
      codes[i] = (byte) random.nextInt(256);
    }
    float[] q = randomArray(random, 32 * blocks);
    double exact = 0, magnitude = 0;
    for (int b = 0; b < blocks; b++) {
      for (int j = 0; j < 16; j++) {
        int packed = codes[offset + 16 * b + j] & 0xFF;
        exact += q[32 * b + j] * (packed & 0x0F) + q[32 * b + 16 + j] * (packed >>> 4);
        magnitude += 15 * (Math.abs(q[32 * b + j]) + Math.abs(q[32 * b + 16 + j]));
      }
    }
    float tolerance = (float) (1e-6 * 32 * blocks * Math.max(1, magnitude));
    assertEquals(exact, PLAIN.dotNibbles(q, codes, offset, blocks), tolerance);
    assertEquals(exact, CHOSEN.dotNibbles(q, codes, offset, blocks), tolerance, CHOSEN.name());
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 7, 16, 129, 1021})
  void manyAtOnceKernelsEqualSingleCallsForEveryCount(int dim) {
    SplittableRandom random = new SplittableRandom(TestData.seed() + dim);
    float[] q = randomArray(random, dim + 2);
    // Every vector in its own array but the last four, packed into one at odd offsets.
    float[][] vectors = new float[VectorOps.MAX_MANY][];
    int[] offsets = new int[VectorOps.MAX_MANY];
    float[] packed = randomArray(random, 4 * dim + 3);
    for (int i = 0; i < VectorOps.MAX_MANY; i++) {
      boolean inPacked = i >= VectorOps.MAX_MANY - 4;
      vectors[i] = inPacked ? packed : randomArray(random, dim + i);
      offsets[i] = inPacked ? 3 + (i - VectorOps.MAX_MANY + 4) * dim : i;
    }
    float[] out = new float[VectorOps.MAX_MANY];
    for (int count = 1; count <= VectorOps.MAX_MANY; count++) {
      CHOSEN.dotMany(q, 2, vectors, offsets, count, dim, out);
      for (int i = 0; i < count; i++) {
        assertClose(
            PLAIN.dot(q, 2, vectors[i], offsets[i], dim),
            out[i],
            dim,
            "dot, " + count + " at once, lane " + i);
      }
      CHOSEN.squareDistanceMany(q, 2, vectors, offsets, count, dim, out);
      for (int i = 0; i < count; i++) {
        assertClose(
            PLAIN.squareDistance(q, 2, vectors[i], offsets[i], dim),
            out[i],
            dim,
            "l2, " + count + " at once, lane " + i);
      }
    }
  }

  @Test
  void similaritiesScoreHigherForCloserVectors() {
    float[] q = {1, 0};
    float[] near = {0.9f, 0.1f};
    float[] far = {-1, 0};
    for (VectorSimilarity s : VectorSimilarity.values()) {
      float[] qq = Vectors.prepare(s, q);
      float nearScore = s.score(CHOSEN, qq, 0, Vectors.prepare(s, near), 0, 2);
      float farScore = s.score(CHOSEN, qq, 0, Vectors.prepare(s, far), 0, 2);
      assertTrue(nearScore > farScore, s + ": " + nearScore + " vs " + farScore);
    }
    assertEquals(-2f, VectorSimilarity.EUCLID.score(CHOSEN, q, 0, new float[] {0, 1}, 0, 2));
    assertEquals(-2f, VectorSimilarity.MANHATTAN.score(CHOSEN, q, 0, new float[] {0, 1}, 0, 2));
  }

  @Test
  void similarityNamesRoundTripAndUnknownNamesAreRefused() {
    for (VectorSimilarity s : VectorSimilarity.values()) {
      assertSame(s, VectorSimilarity.fromName(s.apiName()));
      assertSame(s, VectorSimilarity.fromId(s.id()));
    }
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> VectorSimilarity.fromName("Hamming"));
    assertTrue(e.getMessage().contains("'Hamming'"), e.getMessage());
  }

  private static float[] randomArray(SplittableRandom random, int n) {
    float[] v = new float[n];
    for (int i = 0; i < n; i++) {
      v[i] = (float) (random.nextDouble() * 2 - 1);
    }
    return v;
  }

  /** Float sums in another order differ by rounding that grows with the dimension. */
  private static void assertClose(float expected, float actual, int dim, String why) {
    float tolerance = 1e-5f * dim * Math.max(1, Math.abs(expected));
    assertEquals(expected, actual, tolerance, why);
  }
}
