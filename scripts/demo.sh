#!/usr/bin/env bash
# The main demo, from a fresh clone: installs dependencies, builds the release configuration and
# runs the showcase: expressions compiled on first call, with their cold and warm timings.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset release > /dev/null
cmake --build --preset release -j "${JITEXPR_JOBS:-$(nproc)}" --target showcase jitexpr_tool
build/release/examples/showcase
