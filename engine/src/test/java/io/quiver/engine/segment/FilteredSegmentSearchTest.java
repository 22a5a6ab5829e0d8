package io.quiver.engine.segment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.quiver.engine.TestData;
import io.quiver.engine.collection.CollectionConfig;
import io.quiver.engine.collection.HnswParams;
import io.quiver.engine.collection.VectorParams;
import io.quiver.engine.filter.FilterParser;
import io.quiver.engine.filter.FilterPlan;
import io.quiver.engine.filter.FilterPlanner;
import io.quiver.engine.hnsw.SearchParams;
import io.quiver.engine.hnsw.SearchResults;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.vector.VectorSimilarity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How an immutable segment answers a filtered query when its full-scan threshold does not decide
 * (it is 0 here, so only the filter can send a query to a scan): a filter that passes few points is
 * answered by scanning them, whether an index lists them ({@code r}) or the filter must be tested
 * on payloads ({@code r_raw}, not indexed); a broad one walks the graph. Either way the answer
 * matches exact filtered search, and a restrictive filter never makes the search score the whole
 * segment, as a graph walk whose beam cannot fill with matches would.
 */
class FilteredSegmentSearchTest {

  private static final int N = 20_000;
  private static final int DIM = 32;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir static Path tmp;
  private static ImmutableSegment segment;
  private static float[][] data;
  private static int[] r;

  @BeforeAll
  static void build() throws IOException {
    data = TestData.gaussianMixture(N, DIM, 16, 31);
    r = new int[N];
    SplittableRandom random = new SplittableRandom(32);
    CollectionConfig config =
        CollectionConfig.of(
            VectorParams.of(DIM, VectorSimilarity.EUCLID).withHnsw(new HnswParams(16, 100, 0, 0)));
    Path dir = tmp.resolve("seg");
    SegmentBuilder builder =
        new SegmentBuilder(dir, config, List.of(new SegmentMeta.IndexedField("r", "integer")), 2);
    for (int i = 0; i < N; i++) {
      r[i] = random.nextInt(1000);
      builder.add(
          Point.of(
              PointId.of(i),
              data[i],
              JsonNodeFactory.instance.objectNode().put("r", r[i]).put("r_raw", r[i])),
          i + 1);
    }
    builder.finish();
    segment = ImmutableSegment.open(dir, null);
  }

  @AfterAll
  static void close() throws IOException {
    segment.close();
  }

  @ParameterizedTest(name = "{0} < {1} of 1000")
  @CsvSource({"r, 1", "r, 5", "r, 10", "r_raw, 1", "r_raw, 5", "r_raw, 10", "r, 200", "r_raw, 200"})
  void restrictiveFiltersScanAndBroadOnesWalkTheGraph(String key, int permille) throws Exception {
    FilterPlan plan =
        FilterPlanner.plan(
            FilterParser.parse(
                MAPPER.readTree(
                    "{\"must\":{\"key\":\"" + key + "\",\"range\":{\"lt\":" + permille + "}}}")),
            new SegmentPoints(segment),
            segment.payloadIndexes());
    SegmentFilter filter =
        new SegmentFilter(plan::test, plan.candidates(), plan.estimate().expected());
    SplittableRandom random = new SplittableRandom(33);
    int queries = 20;
    int found = 0;
    long maxVisited = 0;
    for (int q = 0; q < queries; q++) {
      float[] query = data[random.nextInt(N)].clone();
      query[0] += 0.5f;
      SearchResults approx = segment.search("", query, 10, SearchParams.DEFAULT, filter);
      Set<Integer> truth = exact(query, permille);
      assertEquals(truth.size(), approx.size(), key + " query " + q);
      for (int i = 0; i < approx.size(); i++) {
        assertTrue(r[approx.ord(i)] < permille, "filter violated by " + approx.ord(i));
        found += truth.contains(approx.ord(i)) ? 1 : 0;
      }
      maxVisited = Math.max(maxVisited, approx.visited());
    }
    double recall = found / (10.0 * queries);
    System.out.printf(
        "FilteredSegmentSearchTest %s < %d: recall@10 %.3f, visited <= %d%n",
        key, permille, recall, maxVisited);
    String report =
        String.format("%s < %d: recall@10 %.3f, visited <= %d", key, permille, recall, maxVisited);
    assertTrue(recall >= 0.95, report);
    if (permille <= 10) {
      // A scan scores only the matches (about N * permille / 1000).
      assertTrue(maxVisited <= N / 20, report);
    } else {
      // A graph walk: it scores fewer points than a scan of the matches would.
      long matches = java.util.Arrays.stream(r).filter(v -> v < permille).count();
      assertTrue(maxVisited < matches, report + " of " + matches + " matches");
    }
  }

  private static Set<Integer> exact(float[] query, int permille) {
    return new HashSet<>(
        java.util.stream.IntStream.range(0, N)
            .filter(i -> r[i] < permille)
            .boxed()
            .sorted(java.util.Comparator.comparingDouble(i -> distance(data[i], query)))
            .limit(10)
            .toList());
  }

  private static double distance(float[] a, float[] b) {
    double s = 0;
    for (int i = 0; i < a.length; i++) {
      double d = a[i] - b[i];
      s += d * d;
    }
    return s;
  }
}
