#!/usr/bin/env bash
# The Spark build benchmark (issue 6): a seeded synthetic set (gmm-<points>-<dim>, the harness's
# Gaussian mixture) built into 8 shards by the quiver connector on local[2] and, in alternation in
# the same JVM, by the engine's SegmentBuilder alone with the same 2 threads; wall time, points/s,
# their ratio (target >= 0.8), Spark's stage metrics, where the build threads' time went, and
# recall@10 of the written version at the default ef.
#
#   benchmarks/spark-build.sh [--skip-build] [--quick] [--results FILE.md | --no-results] [options]
#
#   --skip-build   use the classes already built
#   --quick        100,000 points and 200 queries (about 1 to 2 minutes); writes no results file
#                  unless --results is given
#   --results F    the markdown file whose "Spark build" section is replaced [benchmarks/RESULTS.md]
#   --no-results   print the report only
#
# Options (defaults in brackets; see benchmarks/README.md):
#   --points 1000000 --dim 128 --shards 8 --threads 2 (local[T] and the in-process workers)
#   --rounds 1 (pairs of builds, order alternating) --warmup-points 20000 (0: none)
#   --input-partitions 0 (0: as many as shards) --queries 1000 --k 10
#   --profile-ms 20 (JFR sampling period; 0: no profile)
#   --seed 42 --components 64 --cache-dir DIR (ground truth) --work-dir DIR ([$TMPDIR])
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
JDK17="${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
HEAP="${BENCH_HEAP:-6g}"
JVM_FLAGS=(-Xmx"$HEAP" -XX:+UseG1GC --add-modules jdk.incubator.vector
  # Spark's stacks are deep; the profile needs their outer frames to tell the phases apart.
  -XX:FlightRecorderOptions:stackdepth=512
  -Dorg.slf4j.simpleLogger.log.org.apache.spark=warn
  -Dorg.slf4j.simpleLogger.log.org.apache.hadoop=warn
  -Dorg.slf4j.simpleLogger.log.org.sparkproject=warn)
# What Spark's launcher adds on Java 17 (as spark-connector/pom.xml's spark.jvm.args): Spark
# reaches into these packages and fails at start-up without them.
SPARK_FLAGS=(-XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED
  --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
  --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED
  --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED
  --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED
  --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Djdk.reflect.useDirectMethodHandle=false
  -Dio.netty.tryReflectionSetAccessible=true)

COMMAND="benchmarks/spark-build.sh${*:+ $*}"
skip_build=0
quick=0
results_md=benchmarks/RESULTS.md
results_given=0
bench_args=()
while (($#)); do
  case "$1" in
    --skip-build) skip_build=1 ;;
    --quick) quick=1 ;;
    --no-results) results_md="" ;;
    --results)
      if (($# < 2)); then
        echo "error: --results needs a file" >&2
        exit 2
      fi
      results_md="$2"
      results_given=1
      shift
      ;;
    --results=*)
      results_md="${1#--results=}"
      results_given=1
      ;;
    -h | --help)
      awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) bench_args+=("$1") ;;
  esac
  shift
done
if ((quick)); then
  # Explicit options come after these, so they still win.
  bench_args=(--points 100000 --queries 200 "${bench_args[@]}")
  if ((!results_given)); then
    results_md=""
  fi
fi

if [[ ! -x "$JDK17/bin/java" ]]; then
  echo "error: no java at $JDK17/bin/java (set JDK17_HOME)" >&2
  exit 2
fi

cd "$ROOT"
if ((skip_build == 0)); then
  # One reactor build, no install: engine and connector come from this checkout.
  echo ">> building the reactor up to quiver-benchmarks with JDK 17" >&2
  JAVA_HOME="$JDK17" mvn -q -pl benchmarks -am package -DskipTests
fi
if [[ ! -f benchmarks/target/classpath.txt || ! -d spark-connector/target/classes ]]; then
  echo "error: benchmarks/target/classpath.txt or spark-connector/target/classes missing; run" \
    "without --skip-build" >&2
  exit 2
fi
# This checkout's classes first, in case classpath.txt names jars of the shared local repository.
CP="benchmarks/target/classes:engine/target/classes:spark-connector/target/classes"
CP="$CP:$(cat benchmarks/target/classpath.txt)"
results_args=()
if [[ -n "$results_md" ]]; then
  results_args=(--results-md "$results_md")
fi
# Spark otherwise looks for a non-loopback address and warns about it.
export SPARK_LOCAL_IP=127.0.0.1
"$JDK17/bin/java" "${JVM_FLAGS[@]}" "${SPARK_FLAGS[@]}" -cp "$CP" \
  io.quiver.benchmarks.spark.SparkBuildBench \
  --command "$COMMAND" "${results_args[@]}" "${bench_args[@]}"
