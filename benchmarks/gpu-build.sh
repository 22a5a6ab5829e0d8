#!/usr/bin/env bash
# The GPU build benchmark (issue 8): seeded Gaussian-mixture sets built into one HNSW graph by
# insertion on every CPU core and by the accelerator (its exact k-NN graph, then the levels on the
# CPU), recall@10 of both over an ef sweep, and the accelerator's exact top-10 for many queries
# beside the device's memory-bandwidth and float-throughput bounds (GpuBuildBench's javadoc).
#
#   benchmarks/gpu-build.sh [--skip-build] [--package DIR] [options]
#
#   --skip-build   use the classes already built
#   --package DIR  build, then put into DIR what a machine without Java or Maven needs to run it
#                  (a jlinked JDK 17 runtime, about 40 MB, and the jars): DIR/run.sh [options]
#
# Options (defaults in brackets): --sizes 1000000x128,1000000x768 --accelerator auto|cuda|cpu
#   --threads <all cores> --queries 1000 --exact-queries 10000 --ef 16,32,64,100,200,400
#   --m 16 --ef-construct 100 --seed 42 --memory <device bytes, e.g. 64g; 0 = 80% of free>
#   --cpu-graph-limit 50000 (without a device, the CPU's n^2 k-NN graph runs only up to this)
#   --hbm-gbps 4800 --fp32-tflops 67 (the bounds' device figures; these are an H200's)
#
# Without a GPU (or without the CUDA driver and libnvrtc.so.12) the accelerator is the CPU
# reference and the figures say "cpu": try it anywhere with --sizes 20000x64; claim GPU figures only
# from a GPU.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$HERE")"
JDK17="${JDK17_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
HEAP="${BENCH_HEAP:-24g}"
MODULES=java.base,java.logging,java.management,java.sql,jdk.incubator.vector,jdk.unsupported

skip_build=0
package_dir=""
bench_args=()
while (($#)); do
  case "$1" in
    --skip-build) skip_build=1 ;;
    --package)
      if (($# < 2)); then
        echo "error: --package needs a directory" >&2
        exit 2
      fi
      package_dir="$2"
      shift
      ;;
    -h | --help)
      awk 'NR > 1 && !/^#/ { exit } NR > 1' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *) bench_args+=("$1") ;;
  esac
  shift
done

cd "$ROOT"
if ((skip_build == 0)); then
  echo ">> building the reactor up to quiver-benchmarks with JDK 17" >&2
  JAVA_HOME="$JDK17" mvn -q -pl benchmarks -am package -DskipTests
fi
# This checkout's classes first, in case classpath.txt names jars of the shared local repository.
CP="benchmarks/target/classes:engine/target/classes:gpu/target/classes"
CP="$CP:$(cat benchmarks/target/classpath.txt)"

if [[ -n "$package_dir" ]]; then
  rm -rf "$package_dir"
  mkdir -p "$package_dir/lib"
  "$JDK17/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages \
    --compress=2 --output "$package_dir/jre" 2>/dev/null
  "$JDK17/bin/jar" cf "$package_dir/lib/quiver-benchmarks.jar" -C benchmarks/target/classes .
  "$JDK17/bin/jar" cf "$package_dir/lib/quiver-engine.jar" -C engine/target/classes .
  "$JDK17/bin/jar" cf "$package_dir/lib/quiver-gpu.jar" -C gpu/target/classes .
  # Only the libraries the benchmark loads: the engine's, the GPU module's, logging.
  tr ':' '\n' <benchmarks/target/classpath.txt |
    grep -E '/(jackson-(core|databind|annotations)|lz4-java|RoaringBitmap|slf4j-api|slf4j-simple|jcuda|jcuda-natives)-[0-9][^/]*\.jar$' |
    while read -r jar; do
      if [[ "$jar" == *jcuda-natives* ]]; then
        # The PTX compiler's library (24 MB) is for a jcuda API the gpu module does not use.
        mkdir -p /tmp/quiver-natives && rm -rf /tmp/quiver-natives/*
        (cd /tmp/quiver-natives && "$JDK17/bin/jar" xf "$jar" && rm -f lib/libJNvPTXCompiler-*)
        "$JDK17/bin/jar" cf "$package_dir/lib/$(basename "$jar")" -C /tmp/quiver-natives lib
      else
        cp "$jar" "$package_dir/lib/"
      fi
    done
  cat >"$package_dir/run.sh" <<'RUN'
#!/usr/bin/env bash
# Runs GpuBuildBench with the runtime and jars beside this script; options as gpu-build.sh's.
set -euo pipefail
DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
exec "$DIR/jre/bin/java" -Xmx"${BENCH_HEAP:-24g}" -XX:+UseG1GC --add-modules jdk.incubator.vector \
  -cp "$DIR/lib/*" io.quiver.benchmarks.gpu.GpuBuildBench "$@"
RUN
  chmod +x "$package_dir/run.sh"
  echo ">> $(du -sh "$package_dir" | cut -f1) in $package_dir; run $package_dir/run.sh [options]" >&2
  exit 0
fi

"$JDK17/bin/java" -Xmx"$HEAP" -XX:+UseG1GC --add-modules jdk.incubator.vector -cp "$CP" \
  io.quiver.benchmarks.gpu.GpuBuildBench "${bench_args[@]}"
