package io.quiver.benchmarks.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the build threads of one measured build spent their time: JFR's execution samples ({@code
 * jdk.ExecutionSample}, threads running Java code) taken during the build, each sorted into a
 * {@link BuildPhase} by its stack. A thread blocked or in native code (file I/O, waiting for the
 * other task) is not sampled; one in Java code is, whether it holds a core or waits for one on a
 * loaded machine. A sample stands for one period of one thread, so samples x period approximates
 * thread-seconds in Java code; the shares of the phases are the robust figure.
 */
final class PhaseProfile {

  /**
   * The samples of one build.
   *
   * @param buildThreadSamples samples of the build's threads, by phase
   * @param otherThreadSamples samples of every other thread
   * @param otherPhaseTopFrames samples in {@link BuildPhase#OTHER} by their innermost frame outside
   *     the JDK and Scala's library
   */
  record Result(
      Duration period,
      Map<BuildPhase, Long> buildThreadSamples,
      long otherThreadSamples,
      Map<String, Long> otherPhaseTopFrames) {

    long buildSamples() {
      long total = 0;
      for (long s : buildThreadSamples.values()) {
        total += s;
      }
      return total;
    }

    double seconds(BuildPhase phase) {
      return buildThreadSamples.getOrDefault(phase, 0L) * period.toNanos() / 1e9;
    }
  }

  private final Recording recording;
  private final Duration period;
  private final String buildThreadPrefix;

  /**
   * Starts sampling every thread.
   *
   * @param buildThreadPrefix the names of the build's threads start with this; samples of other
   *     threads are only counted
   */
  static PhaseProfile start(Duration period, String buildThreadPrefix) {
    return new PhaseProfile(period, buildThreadPrefix);
  }

  private PhaseProfile(Duration period, String buildThreadPrefix) {
    this.period = period;
    this.buildThreadPrefix = buildThreadPrefix;
    this.recording = new Recording();
    recording.setName("quiver-spark-build-bench");
    recording.enable("jdk.ExecutionSample").withPeriod(period).withStackTrace();
    recording.start();
  }

  /** Stops sampling and sorts the samples. */
  Result stop(Path scratchDir) throws IOException {
    recording.stop();
    Path file = Files.createTempFile(scratchDir, "build-", ".jfr");
    try {
      recording.dump(file);
      return read(file);
    } finally {
      recording.close();
      Files.deleteIfExists(file);
    }
  }

  private Result read(Path file) throws IOException {
    Map<BuildPhase, Long> phases = new EnumMap<>(BuildPhase.class);
    Map<String, Long> otherTop = new HashMap<>();
    long other = 0;
    try (RecordingFile in = new RecordingFile(file)) {
      while (in.hasMoreEvents()) {
        RecordedEvent e = in.readEvent();
        if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
          continue;
        }
        RecordedThread thread = e.getThread("sampledThread");
        String name = thread == null ? null : thread.getJavaName();
        if (name == null || !name.startsWith(buildThreadPrefix)) {
          other++;
          continue;
        }
        List<String> frames = frames(e.getStackTrace());
        BuildPhase phase = BuildPhase.of(frames);
        phases.merge(phase, 1L, Long::sum);
        if (phase == BuildPhase.OTHER && !frames.isEmpty()) {
          otherTop.merge(innermostOwnFrame(frames), 1L, Long::sum);
        }
      }
    }
    return new Result(period, phases, other, otherTop);
  }

  /** The innermost frame outside the JDK and Scala's library, which says more than a memcpy. */
  private static String innermostOwnFrame(List<String> frames) {
    for (String f : frames) {
      if (!f.startsWith("java.")
          && !f.startsWith("jdk.")
          && !f.startsWith("sun.")
          && !f.startsWith("scala.")) {
        return f;
      }
    }
    return frames.get(0);
  }

  private static List<String> frames(RecordedStackTrace stack) {
    List<String> out = new ArrayList<>();
    if (stack == null) {
      return out;
    }
    for (RecordedFrame f : stack.getFrames()) {
      if (f.getMethod() != null) {
        out.add(f.getMethod().getType().getName() + "." + f.getMethod().getName());
      }
    }
    return out;
  }
}
