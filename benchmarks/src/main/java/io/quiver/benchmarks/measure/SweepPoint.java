package io.quiver.benchmarks.measure;

/** One point of an ef sweep: mean recall@k and single-thread queries per second at that ef. */
public record SweepPoint(int ef, double recall, double qps) {}
