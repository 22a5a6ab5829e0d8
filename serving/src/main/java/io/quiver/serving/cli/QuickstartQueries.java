package io.quiver.serving.cli;

import com.linecorp.armeria.client.grpc.GrpcClients;
import io.qdrant.client.grpc.Points;
import io.qdrant.client.grpc.PointsGrpc;
import io.quiver.engine.vector.VecFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Runs a dataset's queries against a node over gRPC (Qdrant's {@code Points/Search}, the call the
 * official clients make) and measures recall@10 against the exact ground truth and the latency of
 * single queries sent one at a time.
 *
 * <p>A returned point counts as a hit when its true distance to the query is no worse than that of
 * the k-th true neighbour, so points tied with the k-th (SIFT's integer vectors have ties) count
 * whichever of them the index returns.
 */
final class QuickstartQueries {

  static final int K = 10;

  /** A dataset as the quickstart queries it: its base vectors, queries and exact top-100. */
  record Dataset(
      String collection, String distance, float[][] base, float[][] queries, int[][] truth) {

    static Dataset load(String collection, String distance, Path base, Path queries, Path truth)
        throws IOException {
      return new Dataset(
          collection,
          distance,
          VecFiles.readFvecs(base),
          VecFiles.readFvecs(queries),
          VecFiles.readIvecs(truth));
    }

    /** Higher is nearer: the negated distance for Euclid, the inner product for Dot. */
    double similarity(float[] a, float[] b) {
      double sum = 0;
      if (distance.equals("Dot")) {
        for (int i = 0; i < a.length; i++) {
          sum += (double) a[i] * b[i];
        }
        return sum;
      }
      for (int i = 0; i < a.length; i++) {
        double d = (double) a[i] - b[i];
        sum += d * d;
      }
      return -sum;
    }
  }

  /** Latency percentiles in milliseconds and the single-client rate. */
  record Latency(double p50, double p95, double p99, double qps) {}

  private final PointsGrpc.PointsBlockingStub points;

  QuickstartQueries(String host, int grpcPort) {
    this.points =
        GrpcClients.builder("http://" + host + ":" + grpcPort)
            .build(PointsGrpc.PointsBlockingStub.class);
  }

  /** Recall@10 averaged over the queries, at {@code ef} (0: the collection's default) or exact. */
  double recall(Dataset data, int ef, boolean exact) {
    double sum = 0;
    for (int q = 0; q < data.queries().length; q++) {
      float[] query = data.queries()[q];
      double kth = data.similarity(query, data.base()[data.truth()[q][K - 1]]);
      double tolerance = 1e-6 * Math.max(1, Math.abs(kth));
      int hits = 0;
      for (Points.ScoredPoint p : search(data, query, ef, exact).getResultList()) {
        float[] found = data.base()[(int) p.getId().getNum()];
        if (data.similarity(query, found) >= kth - tolerance) {
          hits++;
        }
      }
      sum += (double) hits / K;
    }
    return sum / data.queries().length;
  }

  /** Sends every query {@code rounds} times, one at a time, after one round of warm-up. */
  Latency latency(Dataset data, int rounds) {
    for (float[] query : data.queries()) {
      search(data, query, 0, false);
    }
    long[] nanos = new long[rounds * data.queries().length];
    int n = 0;
    long start = System.nanoTime();
    for (int r = 0; r < rounds; r++) {
      for (float[] query : data.queries()) {
        long t = System.nanoTime();
        search(data, query, 0, false);
        nanos[n++] = System.nanoTime() - t;
      }
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    Arrays.sort(nanos);
    return new Latency(
        percentile(nanos, 0.50), percentile(nanos, 0.95), percentile(nanos, 0.99), n / seconds);
  }

  private static double percentile(long[] sorted, double p) {
    int index = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, index)] / 1e6;
  }

  private Points.SearchResponse search(Dataset data, float[] query, int ef, boolean exact) {
    Points.SearchPoints.Builder request =
        Points.SearchPoints.newBuilder().setCollectionName(data.collection()).setLimit(K);
    for (float x : query) {
      request.addVector(x);
    }
    if (ef > 0 || exact) {
      Points.SearchParams.Builder params = Points.SearchParams.newBuilder().setExact(exact);
      if (ef > 0) {
        params.setHnswEf(ef);
      }
      request.setParams(params);
    }
    return points.search(request.build());
  }
}
