#!/usr/bin/env bash
# The main demo, from a fresh clone: installs dependencies, builds the release configuration, then
# runs the AOT-versus-JIT comparison on the book workloads (bench/demo.py): each workload
# hand-written in C++, compiled ahead of time by jitexpr-aot, through the JIT cold, warm and from
# the disk cache, and in numpy, numexpr, Numba and pure Python, every result checked. It prints the
# tables as it goes and writes report/ (README.md, charts, the Julia set as an image).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release > /dev/null
cmake --build --preset release -j "${JITEXPR_JOBS:-$(nproc)}" \
  --target jitexpr_tool jitexpr_aot workloads_cpp workloads_aot workloads_aot_x86_64 workloads_jit
/usr/bin/python3 bench/demo.py --build build/release --out report "$@"
