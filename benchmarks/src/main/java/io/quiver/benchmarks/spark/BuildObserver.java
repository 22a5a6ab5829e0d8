package io.quiver.benchmarks.spark;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * What is watched around one measured build: where its threads' time went ({@link PhaseProfile}),
 * how busy the machine's cores were and with whose work ({@link MachineCpu}), and the CPU time of
 * this JVM's Java threads by group ({@link JvmThreadsCpu}).
 */
final class BuildObserver {

  /**
   * @param profile null when profiling is off
   * @param javaThreadCpu CPU seconds by thread group; the in-process workers end before the
   *     reading, so their CPU is the build's own figure
   */
  record Observed(
      PhaseProfile.Result profile,
      MachineCpu.Usage machine,
      double wallSeconds,
      Map<String, Double> javaThreadCpu) {

    /** CPU seconds of this whole process (every thread, GC and JIT included) during the build. */
    double jvmCpuSeconds() {
      return machine.jvmCores() * wallSeconds;
    }

    /** CPU seconds of the Java threads whose group is not {@code buildGroup}. */
    double otherJavaCpuSeconds(String buildGroup) {
      double sum = 0;
      for (Map.Entry<String, Double> e : javaThreadCpu.entrySet()) {
        if (!e.getKey().equals(buildGroup)) {
          sum += e.getValue();
        }
      }
      return sum;
    }
  }

  private final PhaseProfile profile;
  private final MachineCpu machine;
  private final JvmThreadsCpu threads;
  private final long start;

  private BuildObserver(PhaseProfile profile) {
    this.profile = profile;
    this.threads = JvmThreadsCpu.now();
    this.machine = MachineCpu.now();
    this.start = System.nanoTime();
  }

  /**
   * @param profileMs the JFR sampling period; 0 turns the profile off
   * @param buildThreadPrefix the names of the build's threads start with this
   */
  static BuildObserver start(int profileMs, String buildThreadPrefix) {
    return new BuildObserver(
        profileMs == 0
            ? null
            : PhaseProfile.start(Duration.ofMillis(profileMs), buildThreadPrefix));
  }

  Observed stop(Path scratch) throws IOException {
    double wall = (System.nanoTime() - start) / 1e9;
    MachineCpu.Usage usage = machine.until(MachineCpu.now());
    Map<String, Double> javaThreads = threads.until(JvmThreadsCpu.now());
    PhaseProfile.Result samples = profile == null ? null : profile.stop(scratch);
    return new Observed(samples, usage, wall, javaThreads);
  }
}
