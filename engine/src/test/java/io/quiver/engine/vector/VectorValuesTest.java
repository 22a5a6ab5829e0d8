package io.quiver.engine.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import io.quiver.engine.store.CorruptFileException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VectorValuesTest {

  @TempDir Path dir;

  @Test
  void arrayValuesStoreCopiesAcrossChunks() {
    float[][] data = TestData.gaussianMixture(300, 7, 4, TestData.seed());
    // An expected size of 1 forces many small chunks.
    ArrayVectorValues values = new ArrayVectorValues(7, 1);
    for (float[] v : data) {
      values.add(v);
    }
    assertEquals(300, values.size());
    float[] scratch = new float[7];
    for (int i = 0; i < data.length; i++) {
      assertArrayEquals(data[i], values.vector(i, scratch));
    }
  }

  @Test
  void badVectorsAreRefusedWithTheValueNamed() {
    ArrayVectorValues values = new ArrayVectorValues(3, 10);
    IllegalArgumentException dim =
        assertThrows(IllegalArgumentException.class, () -> values.add(new float[] {1, 2}));
    assertTrue(dim.getMessage().contains("dimension 2; expected 3"), dim.getMessage());
    IllegalArgumentException nan =
        assertThrows(
            IllegalArgumentException.class, () -> values.add(new float[] {1, Float.NaN, 2}));
    assertTrue(nan.getMessage().contains("NaN at index 1"), nan.getMessage());
    IllegalArgumentException inf =
        assertThrows(
            IllegalArgumentException.class,
            () -> values.add(new float[] {Float.POSITIVE_INFINITY, 0, 2}));
    assertTrue(inf.getMessage().contains("Infinity at index 0"), inf.getMessage());
    IllegalArgumentException zero =
        assertThrows(IllegalArgumentException.class, () -> new ArrayVectorValues(0, 10));
    assertTrue(zero.getMessage().contains("got 0"), zero.getMessage());
    assertEquals(0, values.size(), "rejected vectors must not be stored");
  }

  @Test
  void mappedValuesRoundTripAndScoreLikeTheHeapOnes() throws IOException {
    float[][] data = TestData.gaussianMixture(500, 129, 8, TestData.seed());
    ArrayVectorValues heap = ArrayVectorValues.of(data);
    MappedVectorValues mapped = mappedCopy(heap, "vectors.qv");
    assertEquals(500, mapped.size());
    assertEquals(129, mapped.dimension());
    float[] scratch = new float[129];
    for (int i = 0; i < data.length; i++) {
      assertArrayEquals(data[i], mapped.vector(i, scratch));
    }
    int[] ords = {3, 1, 4, 1, 5, 9, 2, 6, 5};
    for (VectorSimilarity s : VectorSimilarity.values()) {
      float[] q = data[42];
      float[] expected = new float[ords.length];
      float[] actual = new float[ords.length];
      heap.scorer(s, q).bulkScore(ords, expected, ords.length);
      mapped.scorer(s, q).bulkScore(ords, actual, ords.length);
      assertArrayEquals(expected, actual, 1e-3f, s.toString());
      assertEquals(heap.score(s, 7, 11), mapped.score(s, 7, 11), 1e-3f);
      assertEquals(expected[2], heap.scorer(s, q).score(ords[2]), 1e-3f);
    }
  }

  @Test
  void bulkScoresOfEveryTailLengthMatchSingleScores() throws IOException {
    float[][] data = TestData.gaussianMixture(64, 33, 4, TestData.seed());
    ArrayVectorValues heap = ArrayVectorValues.of(data);
    MappedVectorValues mapped = mappedCopy(heap, "tails.qv");
    int[] ords = new int[2 * VectorOps.MAX_MANY + 3];
    for (int i = 0; i < ords.length; i++) {
      ords[i] = (i * 37 + 5) % 31; // scattered; from the 32nd on they repeat
    }
    for (VectorValues values : new VectorValues[] {heap, mapped}) {
      for (VectorSimilarity s : VectorSimilarity.values()) {
        RandomVectorScorer scorer = values.scorer(s, data[5]);
        // Every length up to two full kernel calls and a few more.
        for (int count = 1; count <= ords.length; count++) {
          float[] bulk = new float[count];
          scorer.bulkScore(ords, bulk, count);
          for (int i = 0; i < count; i++) {
            assertEquals(
                scorer.score(ords[i]), bulk[i], 1e-4f, s + " count " + count + " position " + i);
          }
        }
      }
    }
  }

  /** {@code heap} written to {@code name} in the temp dir and mapped back. */
  private MappedVectorValues mappedCopy(ArrayVectorValues heap, String name) throws IOException {
    Path file = dir.resolve(name);
    MappedVectorValues.write(file, heap, new byte[16]);
    return MappedVectorValues.open(file);
  }

  @Test
  void corruptOrTruncatedVectorFilesAreRefused() throws IOException {
    ArrayVectorValues heap = ArrayVectorValues.of(TestData.gaussianMixture(50, 16, 2, 1));
    Path file = dir.resolve("vectors.qv");
    MappedVectorValues.write(file, heap, new byte[16]);
    byte[] bytes = Files.readAllBytes(file);

    byte[] flipped = bytes.clone();
    flipped[bytes.length / 2] ^= 0x10;
    Path bad = dir.resolve("flipped.qv");
    Files.write(bad, flipped);
    CorruptFileException e1 =
        assertThrows(CorruptFileException.class, () -> MappedVectorValues.open(bad));
    assertTrue(e1.getMessage().contains("checksum mismatch"), e1.getMessage());
    assertTrue(e1.getMessage().contains("flipped.qv"), e1.getMessage());

    Path truncated = dir.resolve("truncated.qv");
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length - 100));
    CorruptFileException e2 =
        assertThrows(CorruptFileException.class, () -> MappedVectorValues.open(truncated));
    assertTrue(e2.getMessage().contains("truncated.qv"), e2.getMessage());
  }
}
