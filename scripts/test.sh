#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs dependencies, builds the release-with-
# assertions configuration and runs every test (unit, golden, differential, examples), the golden,
# differential and example tests again for x86-64-v2 and (on AVX-512 hosts) 512-bit vectors, builds and
# runs a host program against the *installed* package, then runs the unit, golden and differential
# tests again under AddressSanitizer and UndefinedBehaviorSanitizer, runs each fuzz target briefly (its
# regression inputs, its seed corpus and new inputs), and runs the concurrency tests under
# ThreadSanitizer (against a libtbb built with ThreadSanitizer too: scripts/build-tsan-tbb.sh).
# First it checks the format of the latest change's C++ lines; every build treats warnings in our
# code as errors.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
jobs=${JITEXPR_JOBS:-$(nproc)}

bash scripts/install-deps.sh

echo "== format: the C++ lines of the latest change (.clang-format)"
bash scripts/check-format.sh

# Our own code builds with -Werror here (cmake/JitexprWarnings.cmake reads it at configure time).
export JITEXPR_WERROR=1

echo "== build: dev (optimized, assertions on)"
cmake --preset dev > /dev/null
cmake --build --preset dev -j "$jobs"

echo "== test: dev"
ctest --test-dir build/dev --output-on-failure -j "$jobs"

# The narrowest and the widest code this machine runs: the golden, differential and example tests
# again for SSE only, and with 512-bit vectors where the CPU has AVX-512.
echo "== test: dev for x86-64-v2 (golden, differential, examples)"
JITEXPR_CPU=x86-64-v2 ctest --test-dir build/dev --output-on-failure -j "$jobs" -L 'golden|diff|example'
if grep -qw avx512f /proc/cpuinfo; then
  echo "== test: dev with 512-bit vectors (golden, differential, examples)"
  JITEXPR_VECTOR_WIDTH=512 ctest --test-dir build/dev --output-on-failure -j "$jobs" -L 'golden|diff|example'
fi

echo "== install, then build examples/embed against the installed package"
rm -rf build/install build/embed
cmake --install build/dev --prefix build/install > /dev/null
cmake -S examples/embed -B build/embed -G Ninja -DCMAKE_CXX_COMPILER=clang++-19 \
  -DCMAKE_PREFIX_PATH="$root/build/install" > /dev/null
cmake --build build/embed
build/embed/embed

echo "== build: debug-asan-ubsan"
cmake --preset debug-asan-ubsan > /dev/null
cmake --build --preset debug-asan-ubsan -j "$jobs" --target jitexpr_unit_tests jitexpr_diff_tests jitexpr_tool jitexpr_aot \
  jitexpr_aot_host

echo "== test: debug-asan-ubsan (unit, golden and differential)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir build/debug-asan-ubsan --output-on-failure -j "$jobs" -L 'unit|golden|diff'

fuzz_seconds=${JITEXPR_FUZZ_SECONDS:-15}
echo "== fuzz: regression inputs, seed corpora and ${fuzz_seconds}s of new inputs per target"
JITEXPR_JOBS=$jobs tests/fuzz/run.sh "$fuzz_seconds"

echo "== build: tsan (oneTBB instrumented too, then the library and the concurrency tests only)"
# Debian's libtbb is not instrumented, and TSan would report every task it hands to a worker as a
# race: build libtbb from Debian's source with -fsanitize=thread (once; build/tbb-tsan).
JITEXPR_JOBS=$jobs bash scripts/build-tsan-tbb.sh
cmake --preset tsan > /dev/null
cmake --build --preset tsan -j "$jobs"

echo "== test: tsan (all the concurrency tests, the parallel executor's included)"
TSAN_OPTIONS="suppressions=$root/tests/tsan.supp:halt_on_error=1:second_deadlock_stack=1" \
  build/tsan/tests/jitexpr_concurrency_tests
