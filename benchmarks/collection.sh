#!/usr/bin/env bash
# The embedded-collection benchmark (issue 4): upsert throughput, load to indexed, filtered search
# QPS and recall at 50 / 10 / 1 / 0.1 % selectivity beside unfiltered, and memory per point, all
# through QuiverCollection on JDK 17.
#
#   benchmarks/collection.sh [--skip-build] [--quick] [--results FILE.md | --no-results] [options]
#
#   --skip-build   use the classes already built
#   --quick        a run of about 1.5 minutes (sift5k + gmm-20k-128, short timings); it writes
#                  no results file unless --results is given
#   --results F    the markdown file whose "Embedded collection" section is replaced
#                  [benchmarks/RESULTS.md]     --no-results   print the tables only
#
# Options (defaults in brackets; see benchmarks/README.md):
#   --datasets sift5k,cohere1k,gmm-<n>-<dim>   searched, measured for memory [sift5k,cohere1k,gmm-100k-128]
#   --variants float,int8       vector storage of the searched collections [float,int8]
#   --ingest-datasets ...       vectors for the upsert cases [sift5k,cohere1k]
#   --batches 1,64,1000 --waits false,true --writers 1,4   the upsert matrix
#   --ingest-points 100000 --ingest-ms 3000                each upsert case stops at either
#   --load-batch 1000 --threads 1,2 --k 10 --warmup-ms 1000 --min-time-ms 500 --rounds 3
#   --queries 500 (generated sets)
#   --seed 42 --components 64 --data-dir DIR --cache-dir DIR --work-dir DIR (collections; [$TMPDIR])
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
JDK17="${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
HEAP="${BENCH_HEAP:-4g}"
JVM_FLAGS=(-Xmx"$HEAP" -XX:+UseG1GC --add-modules jdk.incubator.vector)

COMMAND="benchmarks/collection.sh${*:+ $*}"
skip_build=0
quick=0
results_md=benchmarks/RESULTS.md
results_given=0
bench_args=()
while (($#)); do
  case "$1" in
    --skip-build) skip_build=1 ;;
    --quick)
      quick=1
      bench_args+=(--quick)
      ;;
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
if ((quick && !results_given)); then
  results_md=""
fi

if [[ ! -x "$JDK17/bin/java" ]]; then
  echo "error: no java at $JDK17/bin/java (set JDK17_HOME)" >&2
  exit 2
fi

cd "$ROOT"
if ((skip_build == 0)); then
  # One reactor build, no install: the engine comes from this checkout, not the shared local
  # Maven repository.
  echo ">> building quiver-engine and quiver-benchmarks with JDK 17" >&2
  JAVA_HOME="$JDK17" mvn -q -pl benchmarks -am package -DskipTests
fi
if [[ ! -f benchmarks/target/classpath.txt || ! -d engine/target/classes ]]; then
  echo "error: benchmarks/target/classpath.txt or engine/target/classes missing; run without" \
    "--skip-build" >&2
  exit 2
fi
# This checkout's engine classes come first, in case classpath.txt was written by a build of this
# module alone and names the quiver-engine jar of the shared local Maven repository.
CP="benchmarks/target/classes:engine/target/classes:$(cat benchmarks/target/classpath.txt)"
results_args=()
if [[ -n "$results_md" ]]; then
  results_args=(--results-md "$results_md")
fi
"$JDK17/bin/java" "${JVM_FLAGS[@]}" -cp "$CP" io.quiver.benchmarks.collection.CollectionBench \
  --command "$COMMAND" "${results_args[@]}" "${bench_args[@]}"
