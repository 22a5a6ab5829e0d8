package io.quiver.engine.shard;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quiver.engine.TestData;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.HnswParams;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.filter.Filter;
import io.quiver.engine.filter.FilterParser;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.operation.Operation;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.vector.VecFiles;
import io.quiver.engine.vector.VectorSimilarity;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Filtered search keeps recall@10 >= 0.95 against exact filtered search at selectivities 50 %, 10
 * %, 1 % and 0.1 % on real data. The full-scan threshold is set low so that the broad filters walk
 * the graph and only the narrow ones are answered by scanning their index candidates: both plans
 * are exercised.
 */
class FilteredSearchRecallTest {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  @TempDir Path tmp;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "sift5k-ngt/sift5k_base.fvecs, sift5k-ngt/sift5k_query.fvecs, Euclid",
    "cohere-wiki-768-1k/cohere1k_base.fvecs, cohere-wiki-768-1k/cohere1k_query.fvecs, Dot"
  })
  void recallStaysAboveTargetAtEverySelectivity(String base, String queryFile, String distance)
      throws Exception {
    float[][] data = VecFiles.readFvecs(TestData.sharedData().resolve(base));
    float[][] query = VecFiles.readFvecs(TestData.sharedData().resolve(queryFile));
    int dim = data[0].length;
    // 40 KB of vectors: 80 SIFT vectors, 13 Cohere ones; broader filters go through the graph.
    VectorParams params =
        VectorParams.of(dim, VectorSimilarity.fromName(distance))
            .withHnsw(new HnswParams(16, 100, 40, 0));
    CollectionConfig config = CollectionConfig.of(params);
    try (LocalShard shard = LocalShard.open(tmp.resolve("s"), config, false)) {
      shard.apply(1, new Operation.CreateFieldIndex("bucket", "integer"));
      List<Point> points = new ArrayList<>();
      for (int i = 0; i < data.length; i++) {
        // A fixed scramble of ids to buckets, so a bucket is not a run of neighbours in file order.
        int bucket = (int) ((i * 7919L) % 1000);
        points.add(
            Point.of(
                PointId.of(i),
                data[i],
                JsonNodeFactory.instance.objectNode().put("bucket", bucket)));
      }
      shard.apply(2, new Operation.Upsert(points));
      shard.optimizer().optimizeFully();
      assertEquals(2, shard.segmentCount());
      int queries = Math.min(100, query.length);
      StringBuilder report = new StringBuilder(base);
      for (int permille : new int[] {500, 100, 10, 1}) {
        Filter filter =
            FilterParser.parse(
                MAPPER.readTree(
                    "{\"must\":[{\"key\":\"bucket\",\"range\":{\"lt\":" + permille + "}}]}"));
        long expectedCount = 0;
        for (int i = 0; i < data.length; i++) {
          expectedCount += (i * 7919L) % 1000 < permille ? 1 : 0;
        }
        assertEquals(expectedCount, shard.count(filter), "count at " + permille);
        double recall = 0;
        int counted = 0;
        for (int q = 0; q < queries; q++) {
          SearchRequest approx = SearchRequest.of(query[q], 10).withFilter(filter);
          Set<PointId> truth =
              ids(shard.search(approx.withParams(SearchParams.DEFAULT.withExact(true))));
          if (truth.isEmpty()) {
            continue;
          }
          List<ScoredPoint> found = shard.search(approx);
          for (ScoredPoint p : found) {
            assertTrue(
                p.payload().get("bucket").asInt() < permille,
                "filter violated by " + p.id() + " " + p.payload() + " at " + permille);
          }
          Set<PointId> got = ids(found);
          got.retainAll(truth);
          recall += (double) got.size() / truth.size();
          counted++;
        }
        recall /= counted;
        report.append(String.format(" | %.1f%%: recall@10 %.3f", permille / 10.0, recall));
        assertTrue(recall >= 0.95, report.toString());
      }
      System.out.println("FilteredSearchRecallTest " + report);
    }
  }

  private static Set<PointId> ids(List<ScoredPoint> points) {
    Set<PointId> out = new HashSet<>();
    points.forEach(p -> out.add(p.id()));
    return out;
  }
}
