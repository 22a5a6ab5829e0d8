package io.quiver.benchmarks.spark;

import io.quiver.benchmarks.data.Dataset;
import io.quiver.engine.vector.VectorOpsProvider;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Locale;

/** The Spark build benchmark's markdown: settings, the rounds, recall, and where the time went. */
final class SparkBuildReport {

  /** What the run was asked to do and where it ran. */
  record Settings(
      String command,
      Dataset data,
      int shards,
      int threads,
      int inputPartitions,
      int k,
      int warmupPoints,
      int profileMs,
      String sparkVersion,
      String loadAtStart,
      String loadAtEnd) {}

  /** Spark's throughput over the in-process build's; >= this meets issue 6's target. */
  static final double TARGET = 0.8;

  private SparkBuildReport() {}

  static String render(
      Settings s, List<SparkBuildBench.Round> rounds, SparkBuildBench.Quality quality) {
    StringBuilder sb = new StringBuilder();
    int n = s.data().size();
    sb.append(
        f(
            "`%s` — %s; JDK %s, %d CPUs, max heap %,d MiB, vector kernels %s; Spark %s on"
                + " `local[%d]`. Load average (1, 5, 15 min) at start: %s; at the end: %s.%n%n",
            s.command(),
            ZonedDateTime.now()
                .truncatedTo(ChronoUnit.MINUTES)
                .format(DateTimeFormatter.ISO_OFFSET_DATE_TIME),
            Runtime.version(),
            Runtime.getRuntime().availableProcessors(),
            Runtime.getRuntime().maxMemory() >> 20,
            VectorOpsProvider.get().name(),
            s.sparkVersion(),
            s.threads(),
            s.loadAtStart(),
            s.loadAtEnd()));
    sb.append(
        f(
            "Data: `%s`, %,d x %d, %s (%s). %d shards routed by `ShardRouter` (%,d to %,d points"
                + " each), one segment per shard, engine defaults (M 16, ef_construct 100, no"
                + " quantization), no payload. Spark: `format(\"quiver\")`, `shards=%d`,"
                + " `mode(overwrite)`, every other option at its default (one build thread per"
                + " task); input: `spark.range` in %d partitions mapped to `(id, vector)` rows"
                + " from a broadcast of the vectors. In-process: %d worker threads, each building"
                + " whole shards with `SegmentBuilder` and 1 build thread. Untimed warm-up of"
                + " both on %,d points; rounds alternate the order (ABBA).%n%n",
            s.data().name(),
            n,
            s.data().dimension(),
            s.data().metric().label(),
            s.data().description(),
            s.shards(),
            quality.minShardPoints(),
            quality.maxShardPoints(),
            s.shards(),
            s.inputPartitions(),
            s.threads(),
            s.warmupPoints()));
    sb.append(
        "| round | order | in-process (s) | in-process points/s | Spark (s) | Spark points/s |"
            + " Spark / in-process | input alone (s) | ratio, input excluded | CPU s: in-process,"
            + " Spark tasks | CPU ratio |\n");
    sb.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    double ratioSum = 0;
    double ratioExclSum = 0;
    for (SparkBuildBench.Round r : rounds) {
      double in = r.inProcess().seconds();
      double sp = r.spark().seconds();
      double ratio = in / sp;
      double ratioExcl = in / (sp - r.inputSeconds());
      ratioSum += ratio;
      ratioExclSum += ratioExcl;
      sb.append(
          f(
              "| %d | %s | %.1f | %,.0f | %.1f | %,.0f | %.2f | %.1f | %.2f | %.1f, %.1f | %.2f |%n",
              r.number(),
              r.sparkFirst() ? "Spark, in-process" : "in-process, Spark",
              in,
              n / in,
              sp,
              n / sp,
              ratio,
              r.inputSeconds(),
              ratioExcl,
              r.inProcess().cpuSeconds(),
              r.spark().taskCpuSeconds(),
              r.inProcess().cpuSeconds() / r.spark().taskCpuSeconds()));
    }
    double ratio = ratioSum / rounds.size();
    sb.append(
        f(
            "%nSpark / in-process points/s: **%.2f**%s (target >= %.1f: %s); with the input's"
                + " own time (the same DataFrame into the `noop` sink) taken off Spark's: %.2f."
                + " CPU ratio: the in-process workers' CPU time over the CPU time of every Spark"
                + " task (both stages; the driver's threads are not in it), which other load on"
                + " the machine moves less than wall time.%n%n",
            ratio,
            rounds.size() > 1 ? " (mean of " + rounds.size() + " rounds)" : "",
            TARGET,
            ratio >= TARGET ? "met" : "missed",
            ratioExclSum / rounds.size()));
    renderMachine(sb, s, rounds);
    sb.append(
        f(
            "Recall@%d at the default ef (ef = ef_construct = 100 in each of the %d segments,"
                + " top %d merged), %d queries, exact ground truth: Spark-built version **%.4f**;"
                + " in-process segments %.4f. The version holds %,d points; opening it with every"
                + " file's sha256 checked took %.1f s.",
            s.k(),
            quality.segments(),
            s.k(),
            s.data().queries().length,
            quality.sparkRecall(),
            quality.inProcessRecall(),
            quality.points(),
            quality.openSeconds()));
    if (quality.maxShardPoints() <= quality.fullScanThresholdVectors()) {
      sb.append(
          f(
              " Every segment holds at most %,d vectors, the full-scan threshold, so searches"
                  + " scan them exactly: this recall says nothing about the graphs.",
              quality.fullScanThresholdVectors()));
    }
    sb.append("\n\n");
    SparkBuildBench.Round last = rounds.get(rounds.size() - 1);
    renderStages(sb, last);
    if (last.sparkSeen().profile() != null && last.inProcessSeen().profile() != null) {
      renderProfile(sb, s, last);
    }
    return sb.toString();
  }

  /**
   * How much of the cores each build got, what else this JVM did, and what other processes took.
   */
  private static void renderMachine(
      StringBuilder sb, Settings s, List<SparkBuildBench.Round> rounds) {
    sb.append(
        f(
            "The machine during each build: the build threads' CPU (build cores = CPU / wall, at"
                + " most %d); this JVM's other CPU, in Java threads (`ThreadMXBean`) and outside"
                + " them (GC, JIT compiler, VM: the process's CPU from `/proc/self/stat` minus its"
                + " Java threads'); and the cores kept busy by all other processes (`/proc/stat`"
                + " minus this process), out of %d.%n%n",
            s.threads(), Runtime.getRuntime().availableProcessors()));
    sb.append(
        "| round | build | wall (s) | build CPU (s) | build cores | other Java threads (s) |"
            + " GC, JIT, VM (s) | other processes' cores |\n");
    sb.append("|---:|---|---:|---:|---:|---:|---:|---:|\n");
    for (SparkBuildBench.Round r : rounds) {
      machineRow(
          sb,
          r.number(),
          "in-process",
          r.inProcess().seconds(),
          r.inProcess().cpuSeconds(),
          r.inProcessSeen(),
          InProcessBuild.THREAD_PREFIX.replaceAll("-$", ""));
      machineRow(
          sb,
          r.number(),
          "Spark",
          r.spark().seconds(),
          r.spark().taskCpuSeconds(),
          r.sparkSeen(),
          SparkBuild.THREAD_PREFIX);
    }
    SparkBuildBench.Round last = rounds.get(rounds.size() - 1);
    sb.append(
        f(
            "%nOther Java threads in round %d, by group: during Spark's build %s; during the"
                + " in-process build %s.%n%n",
            last.number(),
            topGroups(last.sparkSeen(), SparkBuild.THREAD_PREFIX),
            topGroups(last.inProcessSeen(), InProcessBuild.THREAD_PREFIX.replaceAll("-$", ""))));
  }

  private static void machineRow(
      StringBuilder sb,
      int round,
      String build,
      double wall,
      double cpu,
      BuildObserver.Observed seen,
      String buildGroup) {
    double otherJava = seen.otherJavaCpuSeconds(buildGroup);
    double jvmOnly = seen.jvmCpuSeconds() - cpu - otherJava;
    sb.append(
        f(
            "| %d | %s | %.1f | %.1f | %.2f | %.1f | %.1f | %.2f |%n",
            round,
            build,
            wall,
            cpu,
            cpu / wall,
            otherJava,
            Math.max(0, jvmOnly),
            seen.machine().otherCores()));
  }

  /** The five groups of Java threads (other than the build's) that used the most CPU. */
  private static String topGroups(BuildObserver.Observed seen, String buildGroup) {
    StringBuilder out = new StringBuilder();
    seen.javaThreadCpu().entrySet().stream()
        .filter(e -> !e.getKey().equals(buildGroup))
        .sorted(java.util.Map.Entry.<String, Double>comparingByValue().reversed())
        .limit(5)
        .forEach(
            e ->
                out.append(out.length() == 0 ? "" : ", ")
                    .append(f("`%s` %.1f s", e.getKey(), e.getValue())));
    return out.length() == 0 ? "none" : out.toString();
  }

  private static void renderStages(StringBuilder sb, SparkBuildBench.Round r) {
    SparkBuild.Result sp = r.spark();
    sb.append(f("### Spark's stages (round %d)%n%n", r.number()));
    sb.append(
        f(
            "`save()` took %.1f s: %.1f s before the first job started (planning), the stages"
                + " below, %.1f s after the last job ended (the driver's commit: folder checks,"
                + " `manifest.json`, `_SUCCESS`). Task figures are Spark's task metrics summed"
                + " over the stage's tasks.%n%n",
            sp.seconds(), sp.planningSeconds(), sp.commitSeconds()));
    sb.append(
        "| stage | tasks | wall (s) | task run (s) | task CPU (s) | GC (s) | shuffle written |"
            + " shuffle write (s) | shuffle read | fetch wait (s) |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (StageMetrics.Stage st : sp.stages()) {
      sb.append(
          f(
              "| %d: %s | %d | %.1f | %.1f | %.1f | %.1f | %s | %.1f | %s | %.1f |%n",
              st.id,
              role(st),
              st.tasks,
              st.wallSeconds(),
              st.runSeconds,
              st.cpuSeconds,
              st.gcSeconds,
              mib(st.shuffleWriteBytes),
              st.shuffleWriteSeconds,
              mib(st.shuffleReadBytes),
              st.fetchWaitSeconds));
    }
    sb.append(
        f(
            "%nCPU of the build threads: in-process %.1f s (its workers, ThreadMXBean); Spark"
                + " %.1f s (executorCpuTime of every task).%n%n",
            r.inProcess().cpuSeconds(), sp.taskCpuSeconds()));
  }

  private static void renderProfile(StringBuilder sb, Settings s, SparkBuildBench.Round r) {
    PhaseProfile.Result in = r.inProcessSeen().profile();
    PhaseProfile.Result sp = r.sparkSeen().profile();
    sb.append(f("### Where the build threads' time went (round %d)%n%n", r.number()));
    sb.append(
        f(
            "JFR execution samples every %d ms of the threads that build (in-process: its"
                + " workers; Spark: the executor's task threads), each put in the first phase"
                + " whose code is on its stack. Only threads running Java code are sampled"
                + " (not blocked ones, not native I/O), so thread-s = samples x period is time spent"
                + " running Java code or ready to (on a loaded machine a runnable thread waiting"
                + " for a core is sampled too): read the shares.%n%n",
            s.profileMs()));
    sb.append("| phase | in-process (thread-s) | share | Spark tasks (thread-s) | share |\n");
    sb.append("|---|---:|---:|---:|---:|\n");
    for (BuildPhase phase : BuildPhase.values()) {
      sb.append(
          f(
              "| %s | %.1f | %s | %.1f | %s |%n",
              phase.label(),
              in.seconds(phase),
              share(in.buildThreadSamples().getOrDefault(phase, 0L), in.buildSamples()),
              sp.seconds(phase),
              share(sp.buildThreadSamples().getOrDefault(phase, 0L), sp.buildSamples())));
    }
    double period = s.profileMs() / 1e3;
    sb.append(
        f(
            "| total | %.1f | | %.1f | |%n%nSamples of all other threads (the driver, Spark's"
                + " services; GC threads are not sampled) during the build: in-process %.1f thread-s,"
                + " Spark %.1f thread-s.%n",
            in.buildSamples() * period,
            sp.buildSamples() * period,
            in.otherThreadSamples() * period,
            sp.otherThreadSamples() * period));
  }

  /** What a stage of the write does; Spark's own stage names say where it was called from. */
  private static String role(StageMetrics.Stage st) {
    if (st.shuffleWriteBytes > 0) {
      return "input rows, shuffle write";
    }
    if (st.shuffleReadBytes > 0) {
      return "shuffle read, connector's DataWriter (build, upload)";
    }
    return st.name.replace('|', '/');
  }

  private static String share(long part, long total) {
    return total == 0 ? "-" : f("%.0f %%", 100.0 * part / total);
  }

  private static String mib(long bytes) {
    return bytes == 0 ? "-" : f("%,.0f MiB", bytes / 1048576.0);
  }

  private static String f(String pattern, Object... args) {
    return String.format(Locale.ROOT, pattern, args);
  }
}
