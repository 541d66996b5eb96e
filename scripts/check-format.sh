#!/usr/bin/env bash
# Checks that the C++ lines a change touches are formatted as .clang-format says (clang-format 19),
# so that the tree converges on one format without a commit that reformats everything.
#   scripts/check-format.sh [BASE]     the lines changed since BASE (default: HEAD's parent)
# Prints the reformatting it wants and exits 1 when a changed line is not formatted.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:-HEAD~1}
if ! git rev-parse -q --verify "$base^{commit}" > /dev/null; then
  echo "check-format: no commit $base to compare with; nothing to check"
  exit 0
fi
out=$(git-clang-format-19 --binary clang-format-19 --extensions cpp,h --diff "$base" -- \
        base frontend ir codegen runtime tools tests bench examples || true)
case "$out" in
  "" | "no modified files to format" | "clang-format did not modify any files")
    echo "check-format: the lines changed since $(git rev-parse --short "$base") are formatted"
    exit 0 ;;
esac
echo "$out"
echo "check-format: the lines above, changed since $(git rev-parse --short "$base"), are not formatted as .clang-format says"
echo "  (git-clang-format-19 --binary clang-format-19 $base formats them)"
exit 1
