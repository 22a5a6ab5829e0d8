#!/usr/bin/env bash
# Quiver's HNSW and its peers (Lucene, jvector, hnswlib, brute force) side by side on the same data.
#
#   benchmarks/run.sh [--skip-build] [--no-jdk17] [harness options]
#
# Harness options (defaults in brackets; see benchmarks/README.md):
#   --datasets sift5k,cohere1k,gmm-<n>-<dim>[-l2|-dot]   [sift5k,cohere1k]
#   --libs quiver,lucene,jvector,hnswlib,exact            [all]
#   --threads 1,2    build thread counts; the first one's index is searched   [1,2]
#   --k 10 --ef 10,16,...,512 --warmup-ms 2000 --min-time-ms 500 --build-warmup 2000
#   --data-dir DIR (default ../shared/data next to the repo) --cache-dir DIR --seed 42 --queries 1000
#
# Steps: build the engine with JDK 17 and install it; build this module with JDK 25 (profile
# 'peers' adds the Lucene adapter); run every library on JDK 25; run Quiver again on JDK 17 (same
# flags); print the combined table and put it into benchmarks/RESULTS.md.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
JDK17="${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
JDK25="${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
HEAP="${BENCH_HEAP:-16g}"
JVM_FLAGS=(-Xmx"$HEAP" -XX:+UseG1GC --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)

COMMAND="benchmarks/run.sh${*:+ $*}"
skip_build=0
run_jdk17=1
harness_args=()
while (($#)); do
  case "$1" in
    --skip-build) skip_build=1 ;;
    --no-jdk17) run_jdk17=0 ;;
    -h | --help)
      sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) harness_args+=("$1") ;;
  esac
  shift
done

for jdk in "$JDK17" "$JDK25"; do
  if [[ ! -x "$jdk/bin/java" ]]; then
    echo "error: no java at $jdk/bin/java (set JDK17_HOME / JDK25_HOME)" >&2
    exit 2
  fi
done

cd "$ROOT"
if ((skip_build == 0)); then
  echo ">> building quiver-engine with JDK 17" >&2
  JAVA_HOME="$JDK17" mvn -q install -DskipTests -pl engine -am
  echo ">> building quiver-benchmarks with JDK 25 (-Ppeers)" >&2
  JAVA_HOME="$JDK25" mvn -q -pl benchmarks -Ppeers package -DskipTests
fi
if [[ ! -f benchmarks/target/classpath.txt ]]; then
  echo "error: benchmarks/target/classpath.txt missing; run without --skip-build" >&2
  exit 2
fi
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
MAIN=io.quiver.benchmarks.run.Main
RESULTS="benchmarks/target/results/run-$(date +%Y%m%d-%H%M%S).jsonl"

echo ">> JDK 25: all libraries" >&2
"$JDK25/bin/java" "${JVM_FLAGS[@]}" -cp "$CP" "$MAIN" run --results "$RESULTS" "${harness_args[@]}" >/dev/null
if ((run_jdk17)); then
  echo ">> JDK 17: quiver only" >&2
  "$JDK17/bin/java" "${JVM_FLAGS[@]}" -cp "$CP" "$MAIN" run --results "$RESULTS" --only-libs quiver \
    "${harness_args[@]}" >/dev/null
fi
"$JDK17/bin/java" -cp "$CP" "$MAIN" report --in "$RESULTS" --results-md benchmarks/RESULTS.md \
  --command "$COMMAND"
echo ">> raw results: $RESULTS" >&2
