#!/usr/bin/env bash
# Builds oneTBB's libtbb with ThreadSanitizer, for the tsan preset (scripts/test.sh), into
# build/tbb-tsan/install. Debian's libtbb12 is not instrumented: TSan cannot see the atomics with
# which it hands tasks to its workers, and reports every parallel evaluation as a race. The source
# is Debian's own, at the version of the installed libtbb-dev (so the headers and the ABI match),
# fetched through a private apt configuration that leaves the system's sources untouched. Only
# libtbb is built (no tbbmalloc, tbbbind, tests or examples): libtbb looks for libtbbmalloc.so.2
# in its own directory only, finds none, and allocates with malloc, which TSan intercepts.
# Does nothing if the install already holds that version.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=${JITEXPR_JOBS:-$(nproc)}
top=$PWD/build/tbb-tsan
install=$top/install

package=$(dpkg-query -W -f='${source:Package}' libtbb-dev)
version=$(dpkg-query -W -f='${source:Version}' libtbb-dev)
if [ -f "$install/lib/cmake/TBB/TBBConfig.cmake" ] && [ "$(cat "$install/source-version" 2>/dev/null)" = "$version" ]; then
  echo "build-tsan-tbb: $install holds $package $version"
  exit 0
fi
command -v dpkg-source > /dev/null || { echo "build-tsan-tbb: dpkg-source missing (scripts/install-deps.sh installs dpkg-dev)" >&2; exit 1; }

rm -rf "$top/apt" "$top/src" "$top/build" "$install"
mkdir -p "$top/apt/sources.list.d" "$top/apt/lists/partial" "$top/apt/cache" "$top/src"

# deb-src of the suites Debian's libtbb-dev comes from, in lists of our own.
cat > "$top/apt/sources.list.d/debian-src.sources" <<'EOF'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
apt_options=(-o "Dir::Etc::SourceList=/dev/null" -o "Dir::Etc::SourceParts=$top/apt/sources.list.d"
             -o "Dir::State::Lists=$top/apt/lists" -o "Dir::Cache=$top/apt/cache"
             -o "APT::Sandbox::User=root")
echo "== build-tsan-tbb: fetching the source of $package $version"
# apt checks the downloaded files against the signed Release; dpkg-source may still warn that
# it cannot check the .dsc's own signature (no Debian developer keyring here).
apt-get "${apt_options[@]}" update -qq
(cd "$top/src" && apt-get "${apt_options[@]}" source -qq --download-only "$package=$version")
dpkg-source -x "$top/src/${package}_${version#*:}.dsc" "$top/src/tree" > /dev/null

echo "== build-tsan-tbb: building libtbb with -fsanitize=thread (-j $jobs)"
start=$(date +%s)
cmake -S "$top/src/tree" -B "$top/build" -G Ninja \
  -DCMAKE_CXX_COMPILER=clang++-19 -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_INSTALL_PREFIX="$install" -DCMAKE_INSTALL_LIBDIR=lib \
  -DTBB_SANITIZE=thread -DTBB_STRICT=OFF -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF \
  -DTBBMALLOC_BUILD=OFF -DTBBMALLOC_PROXY_BUILD=OFF -DTBB_DISABLE_HWLOC_AUTOMATIC_SEARCH=ON > /dev/null
cmake --build "$top/build" -j "$jobs"
cmake --install "$top/build" > /dev/null
echo "$version" > "$install/source-version"
echo "build-tsan-tbb: built and installed in $(($(date +%s) - start)) s into $install"
