package io.quiver.benchmarks.lib;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import org.apache.lucene.index.FloatVectorValues;
import org.apache.lucene.index.VectorSimilarityFunction;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.store.MMapDirectory;

/**
 * A Lucene index whose vectors format quantizes: the graph search scores with the codes, the best
 * {@code ceil(k * oversampling)} hits are rescored with the float vectors the format keeps beside
 * the codes, and the best k are returned. The float vectors come from the segment's {@link
 * FloatVectorValues}, whose {@code vectorValue} reads the raw .vec data (the codes only serve its
 * {@code scorer}); that is the data Lucene's own {@code
 * RescoreTopNQuery.createFullPrecisionRescorerQuery} rescores with (through {@code
 * FloatVectorValues.rescorer}), done here per segment like the float search, without a query.
 */
final class LuceneQuantizedIndex extends LuceneIndex implements QuantizedAnnIndex {

  private final String scheme;
  private final FloatVectorValues floats;
  private final VectorSimilarityFunction similarity;
  private final int[] docToVectorOrd;

  LuceneQuantizedIndex(
      Path dir,
      MMapDirectory directory,
      String field,
      String ordField,
      long buildNanos,
      String scheme)
      throws IOException {
    super(dir, directory, field, ordField, buildNanos);
    this.scheme = scheme;
    this.floats = leaf.getFloatVectorValues(field);
    this.similarity = leaf.getFieldInfos().fieldInfo(field).getVectorSimilarityFunction();
    this.docToVectorOrd = new int[leaf.maxDoc()];
    Arrays.fill(docToVectorOrd, -1);
    for (int ord = 0; ord < floats.size(); ord++) {
      docToVectorOrd[floats.ordToDoc(ord)] = ord;
    }
  }

  /** Without oversampling: the best k of the quantized search, rescored. */
  @Override
  public int[] search(float[] query, int k, int ef) throws IOException {
    return search(query, k, ef, 1.0);
  }

  @Override
  public int[] search(float[] query, int k, int ef, double oversampling) throws IOException {
    int candidates = QuantizedAnnIndex.candidates(k, oversampling);
    ScoreDoc[] hits = nearest(query, Math.max(ef, candidates));
    int n = Math.min(candidates, hits.length);
    int size = Math.min(k, n);
    float[] scores = new float[size];
    int[] docs = new int[size];
    int filled = 0;
    for (int i = 0; i < n; i++) {
      int doc = hits[i].doc;
      float score = similarity.compare(query, floats.vectorValue(docToVectorOrd[doc]));
      if (filled < size) {
        filled++;
      } else if (score <= scores[size - 1]) {
        continue;
      }
      // Insertion into the best-first arrays; the last slot is free or holds the one dropped.
      int j = filled - 1;
      while (j > 0 && scores[j - 1] < score) {
        scores[j] = scores[j - 1];
        docs[j] = docs[j - 1];
        j--;
      }
      scores[j] = score;
      docs[j] = doc;
    }
    int[] ords = new int[filled];
    for (int i = 0; i < filled; i++) {
      ords[i] = ordOf(docs[i]);
    }
    return ords;
  }

  @Override
  public String scheme() {
    return scheme;
  }

  @Override
  public long codeBytes() {
    return filesEndingWith(".veq");
  }

  /** The field's metadata: its centroid and the offsets of its data. */
  @Override
  public long parameterBytes() {
    return filesEndingWith(".vemq");
  }

  @Override
  public String codeBytesSource() {
    return "size of the .veq file (codes with their corrections, memory-mapped), parameters the"
        + " .vemq file (centroid)";
  }

  /** Lucene trains and encodes inside its flush and merge: not separable. */
  @Override
  public long quantizeNanos() {
    return -1;
  }
}
