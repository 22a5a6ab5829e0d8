#!/usr/bin/env bash
# The serving-overhead benchmark (issue 5): one node on loopback, the embedded engine's QPS beside
# the served QPS over gRPC (official Qdrant Java client) and REST, closed loop with the same number
# of callers, then open loop at fixed offered rates with p50/p99 latency from the scheduled send.
#
#   benchmarks/serving.sh [--skip-build] [--quick] [--results FILE.md | --no-results] [options]
#
#   --quick        gmm-20k-128 and gmm-5k-768, 3 s per measurement; writes no results file
#   --results F    the markdown file whose "Serving overhead" section is replaced [benchmarks/RESULTS.md]
# Options: --datasets gmm-1m-128,gmm-100k-768 (SIFT1M-sized, and 768-d)
#          --threads N (embedded callers: the node's CPUs when pinned, else 2)
#          --pin NODE/CLIENT (CPU lists for taskset, e.g. 1/0; default: the upper half of the cores
#          for the node, the lower for the load generator; none: one JVM, shared cores)
#          --concurrency 8 (served, requests in flight) --k 10 --duration-ms 10000
#          --warmup-ms 3000 (one warm-up round; rounds repeat until the CPU per call settles:
#          3 rounds within 3 %) --rates 0.25,0.5,0.75 (fractions of the closed-loop QPS)
#          --queries 1000 --seed 42 --work-dir DIR --protocols gRPC,REST
#          --search-threads N (the node's storage.performance.max_search_threads; 0: one per core;
#          1 runs reads on the event loops, more hands them to a pool)
# BENCH_JVM_OPTS adds JVM options to the benchmark's JVM (a JFR recording, a system property);
# BENCH_NODE_JVM_OPTS adds them to the pinned node's JVM only (e.g. a profiler agent).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
JDK17="${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
HEAP="${BENCH_HEAP:-4g}"
JVM_FLAGS=(-Xmx"$HEAP" -XX:+UseG1GC --add-modules jdk.incubator.vector ${BENCH_JVM_OPTS:-})

# shellcheck source=node-bench.sh
source "$HERE/node-bench.sh"
run_node_bench serving.sh io.quiver.benchmarks.serving.ServingBench "$@"
