package io.quiver.engine.hnsw;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import io.quiver.engine.quant.QuantizationConfig;
import io.quiver.engine.quant.QuantizedVectors;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.MappedVectorValues;
import io.quiver.engine.vector.RandomVectorScorer;
import io.quiver.engine.vector.VectorOpsProvider;
import io.quiver.engine.vector.VectorSimilarity;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How per-query {@link SearchParams} steer a search over an index with quantized codes. */
class QuantizedSearchTest {

  private static final HnswConfig CONFIG =
      HnswConfig.builder().m(12).efConstruct(80).fullScanThreshold(0).build();
  private static float[][] data;
  private static float[][] queries;
  private static HnswIndex floats;
  private static HnswIndex quantized;
  private static QuantizedVectors codes;

  @BeforeAll
  static void build() {
    data = TestData.gaussianMixture(2500, 40, 12, TestData.seed());
    queries = TestData.gaussianMixture(20, 40, 12, TestData.seed() + 5);
    ArrayVectorValues vectors = ArrayVectorValues.of(data);
    floats = HnswIndex.build(vectors, VectorSimilarity.EUCLID, CONFIG, 2);
    codes =
        QuantizedVectors.encode(
            new QuantizationConfig.Scalar(0.99f, false).train(VectorSimilarity.EUCLID, vectors, 1),
            vectors,
            2);
    quantized = floats.withQuantization(codes);
  }

  @Test
  void rescoredResultsCarryExactScores() {
    SearchParams params = SearchParams.ef(50).withQuantization(false, true, 3);
    for (float[] q : queries) {
      SearchResults r = quantized.search(q, 10, params, AcceptOrds.ALL);
      assertEquals(10, r.size());
      for (int i = 0; i < r.size(); i++) {
        float exact =
            VectorSimilarity.EUCLID.score(VectorOpsProvider.get(), q, 0, data[r.ord(i)], 0, 40);
        assertEquals(exact, r.score(i), 1e-4f * Math.max(1, Math.abs(exact)));
        if (i > 0) {
          assertTrue(r.score(i - 1) >= r.score(i), "best first");
        }
      }
    }
  }

  @Test
  void withoutRescoringTheCodeScoresComeBack() {
    SearchParams params = SearchParams.ef(50).withQuantization(false, false, 1);
    for (float[] q : queries) {
      SearchResults r = quantized.search(q, 5, params, AcceptOrds.ALL);
      RandomVectorScorer scorer = codes.scorer(q);
      for (int i = 0; i < r.size(); i++) {
        assertEquals(scorer.score(r.ord(i)), r.score(i), 0f);
      }
    }
  }

  @Test
  void ignoringQuantizationIsTheFloatSearch() {
    SearchParams params = SearchParams.ef(40).withQuantization(true, true, 4);
    for (float[] q : queries) {
      assertArrayEquals(
          floats.search(q, 10, 40).ords(), quantized.search(q, 10, params, AcceptOrds.ALL).ords());
    }
  }

  @Test
  void exactSearchIgnoresGraphAndCodes() {
    SearchParams params = SearchParams.DEFAULT.withExact(true);
    for (float[] q : queries) {
      SearchResults r = quantized.search(q, 7, params, AcceptOrds.ALL);
      assertArrayEquals(floats.exactSearch(q, 7, AcceptOrds.ALL).ords(), r.ords());
      assertEquals(data.length, r.visited());
    }
  }

  @Test
  void oversamplingRescoresMoreCandidates() {
    float[] q = queries[0];
    long visited1 = quantized.search(q, 10, SearchParams.ef(10), AcceptOrds.ALL).visited();
    long visited5 =
        quantized
            .search(q, 10, SearchParams.ef(10).withQuantization(false, true, 5), AcceptOrds.ALL)
            .visited();
    assertTrue(visited5 > visited1 + 40, visited1 + " vs " + visited5);
  }

  @Test
  void filtersApplyToQuantizedSearch() {
    AcceptOrds even = ord -> ord % 2 == 0;
    for (float[] q : queries) {
      SearchResults r =
          quantized.search(q, 10, SearchParams.ef(60).withQuantization(false, true, 2), even);
      assertEquals(10, r.size());
      for (int i = 0; i < r.size(); i++) {
        assertEquals(0, r.ord(i) % 2);
      }
    }
  }

  @Test
  void codesInMemoryOverOriginalsOnDiskAnswerLikeTheHeapIndex(@TempDir Path dir)
      throws IOException {
    MappedVectorValues.write(dir.resolve("vectors"), floats.vectors(), new byte[16]);
    floats.write(dir.resolve("graph"), new byte[16]);
    codes.write(dir.resolve("codes"), new byte[16]);
    MappedVectorValues onDisk = MappedVectorValues.open(dir.resolve("vectors"));
    HnswIndex reopened =
        HnswIndex.open(dir.resolve("graph"), onDisk, VectorSimilarity.EUCLID)
            .withQuantization(QuantizedVectors.read(dir.resolve("codes")));
    assertTrue(onDisk.heapBytes() < 1024, "originals stay off the heap: " + onDisk.heapBytes());
    SearchParams params = SearchParams.ef(40).withQuantization(false, true, 2);
    for (float[] q : queries) {
      assertArrayEquals(
          quantized.search(q, 10, params, AcceptOrds.ALL).ords(),
          reopened.search(q, 10, params, AcceptOrds.ALL).ords());
    }
  }

  @Test
  void mismatchedCodesAndBadParametersAreRefused() {
    ArrayVectorValues fewer = ArrayVectorValues.of(TestData.gaussianMixture(100, 40, 3, 1));
    QuantizedVectors small =
        QuantizedVectors.encode(
            new QuantizationConfig.Scalar(1f, false).train(VectorSimilarity.EUCLID, fewer, 1),
            fewer,
            1);
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> floats.withQuantization(small));
    assertTrue(e.getMessage().contains("100"), e.getMessage());
    QuantizedVectors dot =
        QuantizedVectors.encode(
            new QuantizationConfig.Scalar(1f, false)
                .train(VectorSimilarity.DOT, ArrayVectorValues.of(data), 1),
            ArrayVectorValues.of(data),
            1);
    e = assertThrows(IllegalArgumentException.class, () -> floats.withQuantization(dot));
    assertTrue(e.getMessage().contains("DOT"), e.getMessage());
    e =
        assertThrows(
            IllegalArgumentException.class,
            () -> SearchParams.DEFAULT.withQuantization(false, true, 0.5));
    assertTrue(e.getMessage().contains("oversampling") && e.getMessage().contains("0.5"));
    e = assertThrows(IllegalArgumentException.class, () -> SearchParams.ef(-3));
    assertTrue(e.getMessage().contains("hnsw_ef") && e.getMessage().contains("-3"));
  }
}
