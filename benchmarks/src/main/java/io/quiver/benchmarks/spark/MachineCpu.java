package io.quiver.benchmarks.spark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the machine's cores were during a measured build, and with whose work: the busy time of
 * all cores ({@code /proc/stat}) split into this JVM's (every thread of it, GC and JIT included:
 * {@code /proc/self/stat}) and everything else's. On a shared machine this says, build by build,
 * how much of the cores other work took, which a load average taken once cannot. Linux only; on
 * other systems every figure is NaN.
 */
final class MachineCpu {

  /** Busy cores over a build's wall time: this JVM's, and every other process's. */
  record Usage(double jvmCores, double otherCores) {}

  /** Linux's USER_HZ, the unit of both files; 100 on every mainstream architecture. */
  private static final double TICKS_PER_SECOND = 100;

  private final long machineBusy;
  private final long jvm;
  private final long nanos;

  private MachineCpu(long machineBusy, long jvm, long nanos) {
    this.machineBusy = machineBusy;
    this.jvm = jvm;
    this.nanos = nanos;
  }

  static MachineCpu now() {
    return new MachineCpu(machineBusyTicks(), jvmTicks(), System.nanoTime());
  }

  /** The usage from this reading until now. */
  Usage until(MachineCpu end) {
    double seconds = (end.nanos - nanos) / 1e9;
    if (machineBusy < 0 || end.machineBusy < 0 || jvm < 0 || end.jvm < 0 || seconds <= 0) {
      return new Usage(Double.NaN, Double.NaN);
    }
    double jvmSeconds = (end.jvm - jvm) / TICKS_PER_SECOND;
    double busySeconds = (end.machineBusy - machineBusy) / TICKS_PER_SECOND;
    return new Usage(jvmSeconds / seconds, Math.max(0, busySeconds - jvmSeconds) / seconds);
  }

  /** user + nice + system + irq + softirq + steal of the "cpu" line, or -1. */
  private static long machineBusyTicks() {
    try {
      String first = Files.readAllLines(Path.of("/proc/stat")).get(0);
      String[] f = first.trim().split("\\s+");
      return Long.parseLong(f[1])
          + Long.parseLong(f[2])
          + Long.parseLong(f[3])
          + Long.parseLong(f[6])
          + Long.parseLong(f[7])
          + Long.parseLong(f[8]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** utime + stime of this process, or -1. */
  private static long jvmTicks() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      // The command name (field 2) is in parentheses and may hold spaces; count after it.
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
