#!/usr/bin/env bash
# Quiver's HNSW and its peers (Lucene, jvector, hnswlib, brute force) side by side on the same data.
#
#   benchmarks/run.sh [--skip-build] [--no-jdk17] [--single-jvm] [--results FILE.md] [harness options]
#
#   --skip-build   use the classes already built   --no-jdk17   skip the Quiver row on JDK 17
#   --single-jvm   all libraries in one JVM (default: one JVM per library, so no library runs on
#                  JIT profiles polluted by the ones before it)
#   --results F    the markdown file whose section is replaced [benchmarks/RESULTS.md]; raw
#                  results always go to benchmarks/target/results/run-*.jsonl
#
# Harness options (defaults in brackets; see benchmarks/README.md):
#   --datasets sift5k,cohere1k,gmm-<n>-<dim>[-l2|-dot]   [sift5k,cohere1k]
#   --libs quiver,lucene,jvector,hnswlib,exact            [those five]
#          quantized: quiver-int8,quiver-int8g,quiver-rot4,quiver-rot2,quiver-rot1,quiver-bin2,
#          quiver-bin1,quiver-pq16,quiver-pq32,lucene-sq8,lucene-sq7,lucene-sq4,lucene-sq2,lucene-bbq
#   --oversampling 1,2,3,5   factors every quantized library is swept with; the best at recall
#          0.95 is reported   [per bits/dim: >=7: 1,2,3; 4: 1,2,3,5; <=2: 2,3,5,10]
#   --threads 1,2    build thread counts; the first one's index is searched   [1,2]
#   --k 10 --ef 10,16,...,1024 --warmup-ms 2000 --min-time-ms 500 --build-warmup 2000
#   --data-dir DIR (default ../shared/data next to the repo) --cache-dir DIR --seed 42 --queries 1000
#
# Steps: build the engine with JDK 17 and install it; build this module with JDK 25 (profile
# 'peers' adds the Lucene adapter); run every library on JDK 25; run Quiver again on JDK 17 (same
# flags); print the combined table and put it into the results file.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
JDK17="${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
JDK25="${JDK25_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}"
HEAP="${BENCH_HEAP:-16g}"
# Quantized Quiver variants share one float graph per data set through this cache (see
# QuiverQuantizedLibrary); their build time is the recorded graph build plus their own quantizing.
# Every library's JVM gets the same flags. Transparent huge pages back the heap where the kernel
# offers them (madvise mode here): a search fetches thousands of scattered vectors, and on a VM each
# 4 KiB page's TLB miss is a two-dimensional page walk. It helps the libraries that keep vectors on
# the heap (Quiver, jvector, hnswlib), not Lucene, which reads them from a mapped file.
JVM_FLAGS=(-Xmx"$HEAP" -XX:+UseG1GC -XX:+UseTransparentHugePages --add-modules jdk.incubator.vector
  --enable-native-access=ALL-UNNAMED -Dquiver.bench.graphCache="$HERE/cache/graphs")
# BENCH_JVM_OPTS: more flags for every JVM alike (-XX:-UseTransparentHugePages turns them off).
read -r -a EXTRA_JVM_FLAGS <<<"${BENCH_JVM_OPTS:-}"
JVM_FLAGS+=("${EXTRA_JVM_FLAGS[@]}")

COMMAND="benchmarks/run.sh${*:+ $*}"
skip_build=0
run_jdk17=1
single_jvm=0
results_md=benchmarks/RESULTS.md
harness_args=()
while (($#)); do
  case "$1" in
    --skip-build) skip_build=1 ;;
    --no-jdk17) run_jdk17=0 ;;
    --single-jvm) single_jvm=1 ;;
    --results)
      if (($# < 2)); then
        echo "error: --results needs a file" >&2
        exit 2
      fi
      results_md="$2"
      shift
      ;;
    --results=*) results_md="${1#--results=}" ;;
    -h | --help)
      awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'
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
  # One reactor build on JDK 25: every module compiles with --release 17 (so the same classes run
  # on JDK 17), the peers profile (Lucene 10, release 21) switches on by the JDK, and nothing is
  # installed into ~/.m2, where a stale snapshot would shadow the modules for other builds.
  echo ">> building quiver-benchmarks and the modules it needs with JDK 25 (-Ppeers)" >&2
  JAVA_HOME="$JDK25" mvn -q -pl benchmarks -am -Ppeers package -DskipTests
fi
if [[ ! -f benchmarks/target/classpath.txt ]]; then
  echo "error: benchmarks/target/classpath.txt missing; run without --skip-build" >&2
  exit 2
fi
CP="benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)"
MAIN=io.quiver.benchmarks.run.Main
RESULTS="benchmarks/target/results/run-$(date +%Y%m%d-%H%M%S).jsonl"

if ((single_jvm)); then
  echo ">> JDK 25: all libraries in one JVM" >&2
  "$JDK25/bin/java" "${JVM_FLAGS[@]}" -cp "$CP" "$MAIN" run --results "$RESULTS" "${harness_args[@]}" \
    >/dev/null
else
  # The harness resolves and checks the names (defaults, --only-libs), so a bad one stops here.
  lib_list="$("$JDK25/bin/java" -cp "$CP" "$MAIN" libs "${harness_args[@]}")"
  for lib in $lib_list; do
    echo ">> JDK 25: $lib" >&2
    "$JDK25/bin/java" "${JVM_FLAGS[@]}" -cp "$CP" "$MAIN" run --results "$RESULTS" "${harness_args[@]}" \
      --only-libs "$lib" >/dev/null
  done
fi
if ((run_jdk17)); then
  echo ">> JDK 17: quiver only" >&2
  "$JDK17/bin/java" "${JVM_FLAGS[@]}" -cp "$CP" "$MAIN" run --results "$RESULTS" --only-libs quiver \
    "${harness_args[@]}" >/dev/null
fi
"$JDK17/bin/java" -cp "$CP" "$MAIN" report --in "$RESULTS" --results-md "$results_md" \
  --command "$COMMAND"
echo ">> raw results: $RESULTS" >&2
