package io.quiver.benchmarks.spark;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.executor.ShuffleReadMetrics;
import org.apache.spark.executor.ShuffleWriteMetrics;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.StageInfo;

/**
 * Spark's own account of a write: per stage, when it ran and the task metrics summed over its tasks
 * (run time, CPU, GC, shuffle bytes and times), plus when the jobs started and ended. Events arrive
 * on Spark's listener bus after the fact; {@link #awaitJobsEnded} waits for them.
 */
final class StageMetrics extends SparkListener {

  /** One stage's figures; times in milliseconds since the epoch, durations in seconds. */
  static final class Stage {
    final int id;
    String name = "";
    int tasks;
    long submittedMs;
    long completedMs;
    double runSeconds;
    double cpuSeconds;
    double gcSeconds;
    double deserializeSeconds;
    long shuffleWriteBytes;
    long shuffleWriteRecords;
    double shuffleWriteSeconds;
    long shuffleReadBytes;
    double fetchWaitSeconds;
    long spilledBytes;

    Stage(int id) {
      this.id = id;
    }

    double wallSeconds() {
      return (completedMs - submittedMs) / 1e3;
    }
  }

  private final Map<Integer, Stage> stages = new TreeMap<>();
  private int jobsStarted;
  private int jobsEnded;
  private long firstJobStartMs;
  private long lastJobEndMs;

  /** Forgets everything seen so far; call before the write to be measured. */
  synchronized void reset() {
    stages.clear();
    jobsStarted = 0;
    jobsEnded = 0;
    firstJobStartMs = 0;
    lastJobEndMs = 0;
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart e) {
    if (jobsStarted++ == 0) {
      firstJobStartMs = e.time();
    }
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd e) {
    jobsEnded++;
    lastJobEndMs = Math.max(lastJobEndMs, e.time());
    notifyAll();
  }

  @Override
  public synchronized void onStageCompleted(SparkListenerStageCompleted e) {
    StageInfo info = e.stageInfo();
    Stage s = stages.computeIfAbsent(info.stageId(), Stage::new);
    s.name = info.name();
    s.tasks = info.numTasks();
    s.submittedMs = info.submissionTime().isDefined() ? (Long) info.submissionTime().get() : 0;
    s.completedMs = info.completionTime().isDefined() ? (Long) info.completionTime().get() : 0;
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
    TaskMetrics m = e.taskMetrics();
    if (m == null) {
      return;
    }
    Stage s = stages.computeIfAbsent(e.stageId(), Stage::new);
    s.runSeconds += m.executorRunTime() / 1e3;
    s.cpuSeconds += m.executorCpuTime() / 1e9;
    s.gcSeconds += m.jvmGCTime() / 1e3;
    s.deserializeSeconds += m.executorDeserializeTime() / 1e3;
    s.spilledBytes += m.diskBytesSpilled();
    ShuffleWriteMetrics w = m.shuffleWriteMetrics();
    s.shuffleWriteBytes += w.bytesWritten();
    s.shuffleWriteRecords += w.recordsWritten();
    s.shuffleWriteSeconds += w.writeTime() / 1e9;
    ShuffleReadMetrics r = m.shuffleReadMetrics();
    s.shuffleReadBytes += r.localBytesRead() + r.remoteBytesRead();
    s.fetchWaitSeconds += r.fetchWaitTime() / 1e3;
  }

  /**
   * Waits until every job that started has ended (so that all their task events are in), then
   * returns the stages in the order they were submitted.
   */
  synchronized List<Stage> awaitJobsEnded(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (jobsStarted == 0 || jobsEnded < jobsStarted) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException(
            "Spark reported "
                + jobsEnded
                + " of "
                + jobsStarted
                + " jobs ended after "
                + timeout.toSeconds()
                + " s");
      }
      wait(Math.max(1, left / 1_000_000));
    }
    List<Stage> out = new ArrayList<>(stages.values());
    out.sort(Comparator.comparingLong((Stage s) -> s.submittedMs));
    return out;
  }

  synchronized long firstJobStartMs() {
    return firstJobStartMs;
  }

  synchronized long lastJobEndMs() {
    return lastJobEndMs;
  }
}
