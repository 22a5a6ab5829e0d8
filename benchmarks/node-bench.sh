# Sourced by the benchmarks that run a node in-process (serving.sh, flink-sink.sh): parses the
# common options, builds the reactor up to quiver-benchmarks, and runs the main class given.
#
#   run_node_bench SCRIPT MAIN_CLASS "$@"   with JVM_FLAGS, JDK17 and ROOT set by the caller
#
#   --skip-build   use the classes already built
#   --quick        passed on to the benchmark; writes no results file
#   --results F    the markdown file whose section is replaced [benchmarks/RESULTS.md]
#   --no-results   print the report only
#   -h, --help     the calling script's header comment
# Every other argument goes to the benchmark's main class.
run_node_bench() {
  local script="$1" main_class="$2"
  shift 2
  local command="benchmarks/$script${*:+ $*}"
  local skip_build=0 quick=0 results_md=benchmarks/RESULTS.md
  local args=()
  while (($#)); do
    case "$1" in
      --skip-build) skip_build=1 ;;
      --quick)
        quick=1
        args+=(--quick)
        ;;
      --no-results) results_md="" ;;
      --results)
        results_md="$2"
        quick=0
        shift
        ;;
      -h | --help)
        awk 'NR > 1 && !/^#/ { exit } NR > 1' "$ROOT/benchmarks/$script" | sed 's/^# \{0,1\}//'
        return 0
        ;;
      *) args+=("$1") ;;
    esac
    shift
  done
  if ((quick)); then
    results_md=""
  fi

  cd "$ROOT"
  if ((skip_build == 0)); then
    echo ">> building the reactor up to quiver-benchmarks with JDK 17" >&2
    JAVA_HOME="$JDK17" mvn -q -pl benchmarks -am package -DskipTests
  fi
  local cp="benchmarks/target/classes:engine/target/classes:cluster/target/classes"
  cp="$cp:client/target/classes:serving/target/classes:flink-connector/target/classes"
  cp="$cp:$(cat benchmarks/target/classpath.txt)"
  local results_args=()
  if [[ -n "$results_md" ]]; then
    results_args=(--results-md "$results_md")
  fi
  "$JDK17/bin/java" "${JVM_FLAGS[@]}" -cp "$cp" "$main_class" \
    --command "$command" "${results_args[@]}" "${args[@]}"
}
