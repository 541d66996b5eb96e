#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each, one after another:
#
#   tests/fuzz/run.sh SECONDS [TARGET...]        (targets: parse_expr parse_module infer eval kernel)
#
# Builds the `fuzz` preset's targets first (build/fuzz, or $JITEXPR_FUZZ_BUILD). Each target first
# replays its regression inputs (tests/fuzz/regressions/TARGET/, crashes found before and fixed),
# then fuzzes starting from its seed corpus (tests/fuzz/corpus/TARGET/, read only) and the inputs
# it found in earlier runs (build/fuzz/corpus/TARGET/), with the dictionary tests/fuzz/TARGET.dict
# where there is one. A crash leaves its input in build/fuzz/artifacts/ and fails the script.
# Prints executions and coverage per target.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:?usage: tests/fuzz/run.sh SECONDS [TARGET...]}
shift
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(parse_expr parse_module infer eval kernel)
build=${JITEXPR_FUZZ_BUILD:-build/fuzz}
jobs=${JITEXPR_JOBS:-$(nproc)}

if [ ! -f "$build/CMakeCache.txt" ]; then cmake --preset fuzz > /dev/null; fi
cmake --build "$build" -j "$jobs" --target $(printf 'fuzz_%s ' "${targets[@]}")

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/artifacts"
for t in "${targets[@]}"; do
  bin=$build/tests/fuzz/fuzz_$t
  regressions=tests/fuzz/regressions/$t
  if compgen -G "$regressions/*" > /dev/null; then
    echo "== fuzz $t: replaying $(ls "$regressions" | wc -l) regression inputs"
    "$bin" "$regressions"/* > "$build/artifacts/$t.replay.log" 2>&1 || { cat "$build/artifacts/$t.replay.log"; exit 1; }
  fi
  mkdir -p "$build/corpus/$t"
  # Expressions and modules are short; the eval target's generator needs few bytes.
  max_len=4096
  [ "$t" = eval ] && max_len=512
  dict=()
  [ -f "tests/fuzz/$t.dict" ] && dict=(-dict="tests/fuzz/$t.dict")
  echo "== fuzz $t: ${seconds}s"
  log=$build/artifacts/$t.log
  if ! "$bin" -max_total_time="$seconds" -max_len=$max_len -timeout=30 -rss_limit_mb=4096 -print_final_stats=1 "${dict[@]}" \
       -artifact_prefix="$build/artifacts/$t-" "$build/corpus/$t" "tests/fuzz/corpus/$t" > "$log" 2>&1; then
    tail -n 60 "$log"
    echo "fuzz $t: FAILED (input saved under $build/artifacts/)"
    exit 1
  fi
  grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb' "$log" | tr '\n' ' '
  grep -oE 'cov: [0-9]+ ft: [0-9]+ corp: [0-9]+/[0-9]+[a-zA-Z]*' "$log" | tail -n 1
done
