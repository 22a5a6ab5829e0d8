package io.quiver.engine.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import io.quiver.engine.hnsw.AcceptOrds;
import io.quiver.engine.hnsw.HnswConfig;
import io.quiver.engine.hnsw.HnswIndex;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.hnsw.SearchResults;
import io.quiver.engine.store.CorruptFileException;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.RandomVectorScorer;
import io.quiver.engine.vector.VectorSimilarity;
import io.quiver.engine.vector.Vectors;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link VectorQuantizer} keeps, run by each quantizer's test on the seeded
 * Gaussian-mixture data (after Lucene's {@code BaseKnnVectorsFormatTestCase}). Subclasses name the
 * configurations and the distances they support and add their own error-bound tests.
 */
abstract class QuantizerTestCase {

  static final VectorSimilarity[] ALL = VectorSimilarity.values();

  @TempDir Path dir;

  /** The configurations under test. */
  abstract List<QuantizationConfig> configs();

  /** Whether {@code config} supports {@code similarity}; unsupported ones must be refused. */
  abstract boolean supports(QuantizationConfig config, VectorSimilarity similarity);

  /** The oversampling that brings rescored recall close to float recall on the test data. */
  double oversampling(QuantizationConfig config) {
    return 4;
  }

  /** An odd dimension, so every kernel's tail is exercised. */
  int dimension() {
    return 67;
  }

  static float[][] prepared(VectorSimilarity similarity, float[][] data) {
    float[][] out = new float[data.length][];
    for (int i = 0; i < data.length; i++) {
      out[i] = Vectors.prepare(similarity, data[i]);
    }
    return out;
  }

  /** Seeded data prepared for {@code similarity}. */
  float[][] data(VectorSimilarity similarity, int n, long seed) {
    return prepared(similarity, TestData.gaussianMixture(n, dimension(), 16, seed));
  }

  static byte[] parameters(VectorQuantizer quantizer) {
    ByteBuffer out =
        ByteBuffer.allocate(quantizer.parametersLength()).order(ByteOrder.LITTLE_ENDIAN);
    quantizer.writeParameters(out);
    assertEquals(0, out.remaining(), "parametersLength() must match what writeParameters writes");
    return out.array();
  }

  static byte[] code(QuantizedVectors codes, int ord) {
    int at = codes.offsetOf(ord);
    return Arrays.copyOfRange(codes.chunkOf(ord), at, at + codes.codeBytes());
  }

  @Test
  void filesRoundTripWithIdenticalCodesAndScores() throws IOException {
    long seed = TestData.seed();
    for (QuantizationConfig config : configs()) {
      for (VectorSimilarity similarity : ALL) {
        if (!supports(config, similarity)) {
          continue;
        }
        String why = config + " " + similarity + " seed=" + seed;
        ArrayVectorValues vectors = ArrayVectorValues.of(data(similarity, 700, seed));
        VectorQuantizer quantizer = config.train(similarity, vectors, seed);
        QuantizedVectors codes = QuantizedVectors.encode(quantizer, vectors, 2);
        Path file = dir.resolve(config.kind().configName() + "-" + similarity + ".qq");
        codes.write(file, new byte[16]);
        QuantizedVectors read = QuantizedVectors.read(file);
        assertEquals(codes.size(), read.size(), why);
        assertEquals(quantizer.kind(), read.quantizer().kind(), why);
        assertEquals(similarity, read.quantizer().similarity(), why);
        assertArrayEquals(parameters(quantizer), parameters(read.quantizer()), why);
        float[] query = data(similarity, 1, seed + 99)[0];
        RandomVectorScorer before = codes.scorer(query);
        RandomVectorScorer after = read.scorer(query);
        for (int ord = 0; ord < codes.size(); ord += 7) {
          assertArrayEquals(code(codes, ord), code(read, ord), why + " ord=" + ord);
          assertEquals(before.score(ord), after.score(ord), 0f, why + " ord=" + ord);
        }
      }
    }
  }

  @Test
  void corruptAndTruncatedFilesAreRefused() throws IOException {
    QuantizationConfig config = configs().get(0);
    VectorSimilarity similarity = firstSupported(config);
    ArrayVectorValues vectors = ArrayVectorValues.of(data(similarity, 300, 5));
    QuantizedVectors codes =
        QuantizedVectors.encode(config.train(similarity, vectors, 5), vectors, 1);
    Path file = dir.resolve("codes.qq");
    codes.write(file, new byte[16]);
    byte[] bytes = Files.readAllBytes(file);
    for (int position : new int[] {0, 20, 40, bytes.length / 2, bytes.length - 3}) {
      byte[] flipped = bytes.clone();
      flipped[position] ^= 0x10;
      Path bad = dir.resolve("flipped-" + position + ".qq");
      Files.write(bad, flipped);
      CorruptFileException e =
          assertThrows(CorruptFileException.class, () -> QuantizedVectors.read(bad));
      assertTrue(e.getMessage().contains(bad.getFileName().toString()), e.getMessage());
    }
    for (int length : new int[] {0, 10, 60, bytes.length / 2, bytes.length - 1}) {
      Path truncated = dir.resolve("truncated-" + length + ".qq");
      Files.write(truncated, Arrays.copyOf(bytes, length));
      CorruptFileException e =
          assertThrows(CorruptFileException.class, () -> QuantizedVectors.read(truncated));
      assertTrue(e.getMessage().contains("truncated-" + length), e.getMessage());
    }
  }

  @Test
  void trainingIsReproducibleFromItsSeed() {
    for (QuantizationConfig config : configs()) {
      VectorSimilarity similarity = firstSupported(config);
      ArrayVectorValues vectors = ArrayVectorValues.of(data(similarity, 900, 11));
      VectorQuantizer a = config.train(similarity, vectors, 1234);
      VectorQuantizer b = config.train(similarity, vectors, 1234);
      assertArrayEquals(parameters(a), parameters(b), config.toString());
      QuantizedVectors codesA = QuantizedVectors.encode(a, vectors, 1);
      QuantizedVectors codesB = QuantizedVectors.encode(b, vectors, 2);
      for (int ord = 0; ord < vectors.size(); ord++) {
        assertArrayEquals(code(codesA, ord), code(codesB, ord), config + " ord=" + ord);
      }
    }
  }

  @Test
  void unsupportedDistancesAreRefusedByName() {
    for (QuantizationConfig config : configs()) {
      for (VectorSimilarity similarity : ALL) {
        if (supports(config, similarity)) {
          continue;
        }
        ArrayVectorValues vectors = ArrayVectorValues.of(data(similarity, 50, 3));
        IllegalArgumentException e =
            assertThrows(
                IllegalArgumentException.class,
                () -> config.train(similarity, vectors, 1),
                config + " must refuse " + similarity);
        assertTrue(e.getMessage().contains(similarity.apiName()), e.getMessage());
      }
    }
  }

  @Test
  void bulkScoresEqualSingleScoresAndQueriesAreValidated() {
    for (QuantizationConfig config : configs()) {
      VectorSimilarity similarity = firstSupported(config);
      ArrayVectorValues vectors = ArrayVectorValues.of(data(similarity, 200, 17));
      QuantizedVectors codes =
          QuantizedVectors.encode(config.train(similarity, vectors, 17), vectors, 1);
      RandomVectorScorer scorer = codes.scorer(data(similarity, 1, 18)[0]);
      int[] ords = {5, 0, 199, 42, 42, 17, 100};
      float[] scores = new float[ords.length];
      scorer.bulkScore(ords, scores, ords.length);
      for (int i = 0; i < ords.length; i++) {
        assertEquals(scorer.score(ords[i]), scores[i], 0f, config + " ord=" + ords[i]);
      }
      float[] wrong = new float[dimension() + 1];
      assertThrows(IllegalArgumentException.class, () -> codes.scorer(wrong));
      float[] nan = new float[dimension()];
      nan[3] = Float.NaN;
      assertThrows(IllegalArgumentException.class, () -> codes.scorer(nan));
    }
  }

  @Test
  void rescoredSearchKeepsTheRecallOfFloatSearch() {
    long seed = TestData.seed();
    HnswConfig hnsw = HnswConfig.builder().m(16).efConstruct(100).fullScanThreshold(0).build();
    // One float graph per distance, shared by every configuration: the graph is not under test.
    for (VectorSimilarity similarity : ALL) {
      HnswIndex index = null;
      float[][] queries = data(similarity, 60, seed + 1);
      ArrayVectorValues vectors = ArrayVectorValues.of(data(similarity, 3000, seed));
      for (QuantizationConfig config : configs()) {
        if (!supports(config, similarity)) {
          continue;
        }
        if (index == null) {
          index = HnswIndex.build(vectors, similarity, hnsw, 2);
        }
        HnswIndex quantized =
            index.withQuantization(
                QuantizedVectors.encode(config.train(similarity, vectors, seed), vectors, 2));
        SearchParams params =
            SearchParams.ef(64).withQuantization(false, true, oversampling(config));
        double floatRecall = recall(index, queries, params);
        double quantizedRecall = recall(quantized, queries, params);
        assertTrue(
            quantizedRecall >= floatRecall - 0.03,
            config
                + " "
                + similarity
                + ": recall@10 after rescoring "
                + quantizedRecall
                + " vs float "
                + floatRecall
                + " seed="
                + seed);
      }
    }
  }

  static double recall(HnswIndex index, float[][] queries, SearchParams params) {
    long hits = 0;
    for (float[] q : queries) {
      SearchResults exact = index.exactSearch(q, 10, AcceptOrds.ALL);
      float kth = exact.score(9);
      float threshold = kth - 1e-4f * Math.max(1, Math.abs(kth));
      SearchResults approx = index.search(q, 10, params, AcceptOrds.ALL);
      for (int i = 0; i < approx.size(); i++) {
        if (approx.score(i) >= threshold) {
          hits++;
        }
      }
    }
    return hits / (double) (queries.length * 10);
  }

  VectorSimilarity firstSupported(QuantizationConfig config) {
    for (VectorSimilarity similarity : ALL) {
      if (supports(config, similarity)) {
        return similarity;
      }
    }
    throw new AssertionError(config + " supports no distance");
  }
}
