#!/usr/bin/env bash
# Builds the deployment artifact (scripts/build-artifact.sh) and zips it for
# Lambda: deterministic (entries sorted, fixed 1980-01-01 timestamps, no
# extra attributes; only the mode is kept, so bootstrap stays executable),
# so the same build gives the same bytes. Prints the zip's path and size.
#
#   scripts/package.sh [OUT.zip]      default: dist/scanwarden-<arch>.zip
# Environment: as scripts/build-artifact.sh (SW_ARTIFACT_TARGET, SW_DEPS_PREFIX...).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/dist/scanwarden-$(uname -m).zip}
command -v zip >/dev/null || {
    echo "package: zip is missing (Debian: apt-get install zip; AL2023: dnf install zip)" >&2
    exit 1
}
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
bash "$root/scripts/build-artifact.sh" "$stage/artifact"

cd "$stage/artifact"
find . -exec chmod go-w {} +
find . -type f -exec chmod a+r {} +
TZ=UTC find . -exec touch -h -d '1980-01-01 00:00:00' {} +
rm -f "$out"
find . -mindepth 1 -print | sed 's|^\./||' | LC_ALL=C sort |
    TZ=UTC zip -q -X -9 -@ "$out"
size=$(stat -c %s "$out")
echo "package: $out: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB zipped)"
