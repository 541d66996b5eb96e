#!/usr/bin/env bash
# Builds oneTBB's libtbb with ThreadSanitizer, for the tsan preset (scripts/test.sh), into
# build/tbb-tsan/install. Debian's libtbb12 is not instrumented: TSan cannot see the atomics with
# which it hands tasks to its workers, and reports every parallel evaluation as a race. The source
# is Debian's own, at the version of the installed libtbb-dev (so the headers and the ABI match),
# fetched through a private apt configuration that leaves the system's sources untouched. Only
# libtbb is built (no tbbmalloc, tbbbind, tests or examples): libtbb looks for libtbbmalloc.so.2
# in its own directory only, finds none, and allocates with malloc, which TSan intercepts.
# Does nothing if the install already holds that version. `--print-sources` shows the deb-src
# entries it would use and builds nothing.
set -euo pipefail
cd "$(dirname "$0")/.."
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")

# Writes into directory $1 the deb-src twin of every enabled deb entry in /etc/apt whose suites
# are this release's (bookworm, bookworm-updates, bookworm-security, ...).
deb_src_sources() {
  local out=$1 f
  for f in /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] || continue
    # One stanza per paragraph; continuation lines (an inline Signed-By key) stay as they are.
    awk -v codename="$codename" 'BEGIN { RS = ""; ORS = "\n\n" }
      {
        n = split($0, lines, "\n"); types = 0; enabled = 1; suite = 0
        for (i = 1; i <= n; i++) {
          if (lines[i] ~ /^Types:/ && (" " substr(lines[i], 7) " ") ~ /[ \t]deb[ \t]/) types = 1
          if (tolower(lines[i]) ~ /^enabled:[ \t]*no/) enabled = 0
          if (lines[i] ~ /^Suites:/ && (" " substr(lines[i], 8)) ~ ("[ \t]" codename "([-/][^ \t]*)?([ \t]|$)")) suite = 1
        }
        if (!types || !enabled || !suite) next
        for (i = 1; i <= n; i++) {
          if (lines[i] ~ /^Types:/) lines[i] = "Types: deb-src"
          if (lines[i] !~ /^Enabled:/) printf "%s\n", lines[i]
        }
        printf "\n"
      }' "$f" > "$out/$(basename "$f")"
    [ -s "$out/$(basename "$f")" ] || rm -f "$out/$(basename "$f")"
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [ -f "$f" ] || continue
    awk -v codename="$codename" '
      $1 == "deb" {
        # deb [options] URI suite components...: the suite is the first word after the URI.
        i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
        if ($(i + 1) ~ ("^" codename "([-/]|$)")) { sub(/^deb/, "deb-src"); print }
      }' "$f" > "$out/$(basename "$f").list"
    [ -s "$out/$(basename "$f").list" ] || rm -f "$out/$(basename "$f").list"
  done
}

if [ "${1:-}" = "--print-sources" ]; then
  # What the script would use, for a look: the deb-src entries derived from this machine's sources.
  tmp=$(mktemp -d)
  deb_src_sources "$tmp"
  for f in "$tmp"/*; do [ -f "$f" ] && { echo "# $(basename "$f")"; cat "$f"; }; done
  rm -rf "$tmp"
  exit 0
fi
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

# deb-src entries for the machine's own configured sources of this release (deb822 stanzas in
# sources.list.d/*.sources and one-line entries in sources.list and *.list, enabled, of type deb),
# in lists of our own: whichever host the machine uses, never one named here.
deb_src_sources "$top/apt/sources.list.d"
if ! compgen -G "$top/apt/sources.list.d/*" > /dev/null; then
  echo "build-tsan-tbb: no enabled deb source for $codename in /etc/apt to take deb-src entries from" >&2
  exit 1
fi
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
