#!/usr/bin/env bash
# Installs what jitexpr needs from Debian bookworm's packages, skipping what is present.
# Runs as root (or with sudo available); safe to run again.
set -euo pipefail

packages=(
  cmake ninja-build ccache git dpkg-dev
  clang-19 clang-format-19 llvm-19-dev llvm-19-tools libclang-rt-19-dev
  libfmt-dev libtbb-dev libedit-dev libcli11-dev
  googletest libgtest-dev libbenchmark-dev
  python3 python3-numpy python3-numexpr python3-numba python3-matplotlib
  python3-dev pybind11-dev python3-pytest python3-dask python3-distributed
  libsleef-dev
  tmux
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all packages present"
  exit 0
fi
echo "install-deps: installing ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
