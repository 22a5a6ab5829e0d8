package io.quiver.benchmarks.measure;

import io.quiver.benchmarks.data.Dataset;
import io.quiver.benchmarks.lib.AnnIndex;
import java.util.ArrayList;
import java.util.List;

/**
 * Single-threaded search over an ef sweep. First a warm-up that cycles through the sweep's ef
 * values for a fixed time (so the JIT has compiled every path before anything is timed); then, per
 * ef, one untimed pass over all queries whose answers give the recall, followed by timed passes
 * until at least the minimum time has elapsed. QPS = queries answered / time spent in the timed
 * passes.
 */
public final class EfSweep {

  private final int k;
  private final long warmupNanos;
  private final long minTimeNanos;

  public EfSweep(int k, long warmupMillis, long minTimeMillis) {
    this.k = k;
    this.warmupNanos = warmupMillis * 1_000_000L;
    this.minTimeNanos = minTimeMillis * 1_000_000L;
  }

  /**
   * @param efs candidate list sizes, ascending; values below k are skipped
   */
  public List<SweepPoint> run(AnnIndex index, Dataset data, List<Integer> efs) throws Exception {
    List<Integer> sweep = new ArrayList<>();
    if (index.usesEf()) {
      for (int ef : efs) {
        if (ef >= k) {
          sweep.add(ef);
        }
      }
    } else {
      sweep.add(k);
    }
    warmUp(index, data.queries(), sweep);
    List<SweepPoint> points = new ArrayList<>(sweep.size());
    for (int ef : sweep) {
      points.add(measure(index, data, ef));
    }
    return points;
  }

  private void warmUp(AnnIndex index, float[][] queries, List<Integer> sweep) throws Exception {
    long start = System.nanoTime();
    int q = 0;
    int e = 0;
    while (System.nanoTime() - start < warmupNanos) {
      index.search(queries[q], k, sweep.get(e));
      q = (q + 1) % queries.length;
      e = (e + 1) % sweep.size();
    }
  }

  private SweepPoint measure(AnnIndex index, Dataset data, int ef) throws Exception {
    float[][] queries = data.queries();
    int[][] results = new int[queries.length][];
    for (int q = 0; q < queries.length; q++) {
      results[q] = index.search(queries[q], k, ef);
    }
    double recall =
        Recall.mean(data.metric(), data.base(), queries, data.groundTruth(), results, k);

    long answered = 0;
    long sink = 0;
    long start = System.nanoTime();
    long elapsed;
    do {
      for (float[] query : queries) {
        sink += index.search(query, k, ef).length;
      }
      answered += queries.length;
      elapsed = System.nanoTime() - start;
    } while (elapsed < minTimeNanos);
    if (sink < 0) {
      throw new AssertionError(); // keeps the results alive for the JIT
    }
    return new SweepPoint(ef, recall, answered / (elapsed / 1e9));
  }
}
