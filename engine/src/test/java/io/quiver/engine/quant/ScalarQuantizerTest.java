package io.quiver.engine.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.quiver.engine.TestData;
import io.quiver.engine.vector.ArrayVectorValues;
import io.quiver.engine.vector.RandomVectorScorer;
import io.quiver.engine.vector.VectorOpsProvider;
import io.quiver.engine.vector.VectorSimilarity;
import java.util.List;
import org.junit.jupiter.api.Test;

class ScalarQuantizerTest extends QuantizerTestCase {

  @Override
  List<QuantizationConfig> configs() {
    return List.of(
        new QuantizationConfig.Scalar(1f, false),
        new QuantizationConfig.Scalar(0.99f, false),
        new QuantizationConfig.Scalar(0.99f, true));
  }

  @Override
  boolean supports(QuantizationConfig config, VectorSimilarity similarity) {
    return true;
  }

  @Override
  double oversampling(QuantizationConfig config) {
    return 2;
  }

  @Test
  void decodedComponentsAreWithinHalfAStepWhenNothingIsClipped() {
    for (boolean perDimension : new boolean[] {false, true}) {
      float[][] data = TestData.gaussianMixture(1000, 33, 8, TestData.seed());
      ArrayVectorValues vectors = ArrayVectorValues.of(data);
      ScalarQuantizer q = ScalarQuantizer.train(VectorSimilarity.DOT, vectors, 1f, perDimension, 7);
      byte[] code = new byte[q.codeBytes()];
      float[] decoded = new float[33];
      for (float[] v : data) {
        q.encode(v, code, 0);
        q.decode(code, 0, decoded);
        for (int i = 0; i < 33; i++) {
          assertTrue(
              Math.abs(decoded[i] - v[i]) <= q.step(i) / 2 * 1.0001f,
              "dim " + i + ": " + v[i] + " decoded as " + decoded[i] + " step " + q.step(i));
        }
      }
    }
  }

  @Test
  void codeScoresEqualTheScoreOfTheDecodedVectorAndStayWithinTheBound() {
    float[][] data = TestData.gaussianMixture(800, 129, 8, TestData.seed());
    float[] query = TestData.gaussianMixture(1, 129, 8, TestData.seed() + 1)[0];
    for (VectorSimilarity similarity : ALL) {
      float[][] prepared = prepared(similarity, data);
      float[] q = prepared(similarity, new float[][] {query})[0];
      ArrayVectorValues vectors = ArrayVectorValues.of(prepared);
      ScalarQuantizer quantizer = ScalarQuantizer.train(similarity, vectors, 1f, true, 3);
      QuantizedVectors codes = QuantizedVectors.encode(quantizer, vectors, 1);
      RandomVectorScorer scorer = codes.scorer(q);
      float[] decoded = new float[129];
      double bound = 0;
      for (int i = 0; i < 129; i++) {
        // Half a step per dimension, times the query's weight (dot) or 1 (L1).
        float weight = similarity == VectorSimilarity.MANHATTAN ? 1 : Math.abs(q[i]);
        bound += weight * quantizer.step(i) / 2;
      }
      for (int ord = 0; ord < prepared.length; ord++) {
        float estimate = scorer.score(ord);
        float ofDecoded =
            similarity.score(VectorOpsProvider.get(), q, 0, codes.decode(ord, decoded), 0, 129);
        assertEquals(
            ofDecoded, estimate, 1e-3f * Math.max(1, Math.abs(ofDecoded)), similarity.toString());
        float exact = similarity.score(VectorOpsProvider.get(), q, 0, prepared[ord], 0, 129);
        if (similarity != VectorSimilarity.EUCLID) {
          assertTrue(
              Math.abs(exact - estimate) <= bound * 1.001 + 1e-4,
              similarity + " ord " + ord + ": |" + exact + " - " + estimate + "| > " + bound);
        }
      }
    }
  }

  @Test
  void configRoundTripsThroughQdrantJson() {
    for (QuantizationConfig config : configs()) {
      assertEquals(config, QuantizationConfig.fromJson(config.toJson()));
    }
  }
}
