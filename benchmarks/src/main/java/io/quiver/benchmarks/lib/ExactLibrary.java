package io.quiver.benchmarks.lib;

import io.quiver.benchmarks.data.Metric;
import java.util.OptionalLong;

/**
 * The brute-force baseline: a plain scalar loop over every vector with a bounded heap of the best
 * k. Its recall is 1 by construction (up to float rounding); its QPS is the floor any index must
 * beat.
 */
public final class ExactLibrary implements AnnLibrary {

  @Override
  public String name() {
    return "exact";
  }

  @Override
  public String version() {
    return "-";
  }

  @Override
  public String vectorization() {
    return "plain Java loop (whatever C2 auto-vectorizes)";
  }

  @Override
  public AnnIndex build(float[][] base, Metric metric, int threads) {
    long start = System.nanoTime();
    float[][] copy = new float[base.length][];
    for (int i = 0; i < base.length; i++) {
      copy[i] = base[i].clone();
    }
    return new Index(copy, metric, System.nanoTime() - start);
  }

  private static final class Index implements AnnIndex {
    private final float[][] vectors;
    private final Metric metric;
    private final long buildNanos;

    Index(float[][] vectors, Metric metric, long buildNanos) {
      this.vectors = vectors;
      this.metric = metric;
      this.buildNanos = buildNanos;
    }

    @Override
    public int[] search(float[] query, int k, int ef) {
      int size = Math.min(k, vectors.length);
      float[] dist = new float[size];
      int[] ord = new int[size];
      int filled = 0;
      int worst = 0;
      for (int i = 0; i < vectors.length; i++) {
        float d = metric.distanceFloat(query, vectors[i]);
        if (filled < size) {
          dist[filled] = d;
          ord[filled++] = i;
          if (filled == size) {
            worst = argMax(dist, size);
          }
        } else if (d < dist[worst]) {
          dist[worst] = d;
          ord[worst] = i;
          worst = argMax(dist, size);
        }
      }
      sortByDistance(dist, ord, filled);
      return filled == ord.length ? ord : java.util.Arrays.copyOf(ord, filled);
    }

    private static int argMax(float[] dist, int size) {
      int best = 0;
      for (int i = 1; i < size; i++) {
        if (dist[i] > dist[best]) {
          best = i;
        }
      }
      return best;
    }

    private static void sortByDistance(float[] dist, int[] ord, int size) {
      for (int i = 1; i < size; i++) {
        float d = dist[i];
        int o = ord[i];
        int j = i - 1;
        while (j >= 0 && dist[j] > d) {
          dist[j + 1] = dist[j];
          ord[j + 1] = ord[j];
          j--;
        }
        dist[j + 1] = d;
        ord[j + 1] = o;
      }
    }

    @Override
    public long buildNanos() {
      return buildNanos;
    }

    @Override
    public OptionalLong graphBytes() {
      return OptionalLong.of(0);
    }

    @Override
    public String graphBytesSource() {
      return "no graph";
    }

    @Override
    public boolean usesEf() {
      return false;
    }

    @Override
    public void close() {}
  }
}
