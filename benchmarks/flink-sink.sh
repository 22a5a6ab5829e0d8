#!/usr/bin/env bash
# The Flink sink benchmark (issue 7): one node on loopback; sustained upsert throughput of
# QuiverSink (a Flink job on a local MiniCluster, parallelism 2, AT_LEAST_ONCE) beside a plain gRPC
# client sending the same batches, and freshness (ack to the point returned by a search).
#
#   benchmarks/flink-sink.sh [--skip-build] [--quick] [--results FILE.md | --no-results] [options]
#
#   --quick        20000 x 128 and 5000 x 768, one round, 40 freshness samples; writes no results file
#   --results F    the markdown file whose "Flink sink" section is replaced [benchmarks/RESULTS.md]
# Options: --sizes 200000x128,50000x768 --rounds 2 (each: sink and plain, order alternating)
#          --parallelism 2 --checkpoint-ms 1000 --fresh-rate 5000 (points/s) --fresh-samples 200
#          --seed 42 --work-dir DIR
# BENCH_JVM_OPTS adds JVM options to the benchmark's JVM (a JFR recording, a system property).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
JDK17="${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
HEAP="${BENCH_HEAP:-4g}"
# Flink on Java 17 needs java.util opened for its serializers' reflection.
JVM_FLAGS=(-Xmx"$HEAP" -XX:+UseG1GC --add-modules jdk.incubator.vector
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.lang=ALL-UNNAMED
  -Dorg.slf4j.simpleLogger.log.org.apache.flink=warn -Dorg.slf4j.simpleLogger.log.io.quiver=warn ${BENCH_JVM_OPTS:-})

# shellcheck source=node-bench.sh
source "$HERE/node-bench.sh"
run_node_bench flink-sink.sh io.quiver.benchmarks.flink.FlinkSinkBench "$@"
