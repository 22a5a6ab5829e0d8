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
import io.quiver.engine.operation.Operation;
import io.quiver.engine.point.Point;
import io.quiver.engine.point.PointId;
import io.quiver.engine.point.ScoredPoint;
import io.quiver.engine.vector.VectorSimilarity;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * Recall@10 of filtered search against exact filtered search on 50,000 points of 64 dimensions in
 * 32 well-separated Gaussian clusters, one indexed segment. Two filtered fields, each stored twice,
 * indexed ({@code r}, {@code a}) and not ({@code r_raw}, {@code a_raw}, which the filter planner
 * can only test on payloads):
 *
 * <ul>
 *   <li>{@code r}: uniform in [0, 1000), unrelated to the vectors;
 *   <li>{@code a}: below 500 exactly in the 16 clusters no query comes from, so every match of
 *       {@code a < x} lies far from the query while the graph walk starts next to it: the filter
 *       correlates negatively with the query's neighbourhood, the hard case.
 * </ul>
 *
 * Restrictive filters (1 %, 0.5 %, 0.1 %) and, for the hard case, broad ones (20 %, 50 %) that go
 * through the graph. The full-scan threshold is 0, so only the segment's plan chooses between a
 * scan and the graph. The seed is {@link TestData#seed()}.
 */
class RestrictiveFilterRecallTest {

  private static final int N = 50_000;
  private static final int DIM = 64;
  private static final int CLUSTERS = 32;
  private static final int QUERIES = 40;
  private static final ObjectMapper MAPPER = new ObjectMapper();

  @TempDir static Path tmp;
  private static LocalShard shard;
  private static float[][] data;
  private static int[] r;
  private static int[] a;
  private static float[][] queries;
  private static long seed;

  @BeforeAll
  static void build() throws IOException {
    seed = TestData.seed();
    SplittableRandom random = new SplittableRandom(seed);
    float[][] centres = new float[CLUSTERS][DIM];
    for (float[] c : centres) {
      for (int i = 0; i < DIM; i++) {
        c[i] = (float) (random.nextDouble() * 2 - 1);
      }
    }
    data = new float[N][];
    r = new int[N];
    a = new int[N];
    List<Point> points = new ArrayList<>(N);
    for (int i = 0; i < N; i++) {
      int cluster = random.nextInt(CLUSTERS);
      data[i] = near(centres[cluster], random);
      r[i] = random.nextInt(1000);
      a[i] = cluster >= CLUSTERS / 2 ? random.nextInt(500) : 500 + random.nextInt(500);
      points.add(
          Point.of(
              PointId.of(i),
              data[i],
              JsonNodeFactory.instance
                  .objectNode()
                  .put("r", r[i])
                  .put("a", a[i])
                  .put("r_raw", r[i])
                  .put("a_raw", a[i])));
    }
    queries = new float[QUERIES][];
    for (int q = 0; q < QUERIES; q++) {
      queries[q] = near(centres[random.nextInt(CLUSTERS / 2)], random);
    }
    VectorParams params =
        VectorParams.of(DIM, VectorSimilarity.EUCLID).withHnsw(new HnswParams(16, 100, 0, 0));
    shard = LocalShard.open(tmp.resolve("s"), CollectionConfig.of(params), false);
    shard.apply(1, new Operation.CreateFieldIndex("r", "integer"));
    shard.apply(2, new Operation.CreateFieldIndex("a", "integer"));
    shard.apply(3, new Operation.Upsert(points));
    shard.optimizer().optimizeFully();
    assertEquals(2, shard.segmentCount());
  }

  @AfterAll
  static void close() throws IOException {
    shard.close();
  }

  private static float[] near(float[] centre, SplittableRandom random) {
    float[] v = new float[centre.length];
    for (int i = 0; i < v.length; i++) {
      double u = 1.0 - random.nextDouble();
      double w = random.nextDouble();
      v[i] = centre[i] + (float) (Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * w) * 0.3);
    }
    return v;
  }

  @ParameterizedTest(name = "{0} < {1} of 1000")
  @CsvSource({
    "r, 10",
    "r, 5",
    "r, 1",
    "r_raw, 10",
    "r_raw, 5",
    "r_raw, 1",
    "a, 10",
    "a, 5",
    "a, 1",
    "a_raw, 10",
    "a_raw, 5",
    "a_raw, 1",
    "a, 200",
    "a, 500",
    "a_raw, 200",
    "a_raw, 500"
  })
  void recallAtTenStaysAboveTarget(String key, int permille) throws IOException {
    int[] values = key.startsWith("r") ? r : a;
    Filter filter =
        FilterParser.parse(
            MAPPER.readTree(
                "{\"must\":[{\"key\":\"" + key + "\",\"range\":{\"lt\":" + permille + "}}]}"));
    double recall = 0;
    for (float[] query : queries) {
      Set<Integer> truth = exact(query, values, permille);
      List<ScoredPoint> hits = shard.search(SearchRequest.of(query, 10).withFilter(filter));
      assertEquals(10, hits.size(), key + " < " + permille);
      int found = 0;
      for (ScoredPoint hit : hits) {
        int id = (int) hit.id().num();
        assertTrue(values[id] < permille, "filter violated by " + id);
        found += truth.contains(id) ? 1 : 0;
      }
      recall += found / 10.0;
    }
    recall /= QUERIES;
    String report =
        String.format("%s < %d of 1000: recall@10 %.3f (seed %d)", key, permille, recall, seed);
    System.out.println("RestrictiveFilterRecallTest " + report);
    assertTrue(recall >= 0.95, report);
  }

  /** The 10 nearest points with {@code values < permille}, by brute force. */
  private static Set<Integer> exact(float[] query, int[] values, int permille) {
    int[] best = new int[10];
    double[] distances = new double[10];
    java.util.Arrays.fill(distances, Double.POSITIVE_INFINITY);
    for (int i = 0; i < N; i++) {
      if (values[i] >= permille) {
        continue;
      }
      double d = squaredDistance(data[i], query);
      // Insertion into the sorted top 10.
      int at = 10;
      while (at > 0 && distances[at - 1] > d) {
        at--;
      }
      if (at < 10) {
        System.arraycopy(best, at, best, at + 1, 9 - at);
        System.arraycopy(distances, at, distances, at + 1, 9 - at);
        best[at] = i;
        distances[at] = d;
      }
    }
    Set<Integer> out = new HashSet<>();
    for (int i = 0; i < 10 && distances[i] < Double.POSITIVE_INFINITY; i++) {
      out.add(best[i]);
    }
    return out;
  }

  private static double squaredDistance(float[] x, float[] y) {
    double s = 0;
    for (int i = 0; i < x.length; i++) {
      double d = x[i] - y[i];
      s += d * d;
    }
    return s;
  }
}
