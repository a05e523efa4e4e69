#!/usr/bin/env bash
# Builds the deployment artifact (scripts/build-artifact.sh) and zips it for
# Lambda: deterministic (entries sorted, fixed 1980-01-01 timestamps, no
# extra attributes; only the mode is kept, so bootstrap stays executable),
# so the same build gives the same bytes. Prints the zip's path and size.
#
#   scripts/package.sh [OUT.zip | DIR]   default DIR: dist/
# In a directory the zip is named scanwarden-VERSION-ARCH.zip: VERSION is
# CMake's project(VERSION), ARCH Lambda's name for the machine (x86_64, arm64).
# Environment: as scripts/build-artifact.sh (SW_ARTIFACT_TARGET, SW_DEPS_PREFIX...).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
version=$(sed -nE 's/^project\(scanwarden[[:space:]]+VERSION[[:space:]]+([0-9]+\.[0-9]+\.[0-9]+).*/\1/p' \
    "$root/CMakeLists.txt")
[ -n "$version" ] || {
    echo "package: no project(scanwarden VERSION x.y.z) in CMakeLists.txt" >&2
    exit 1
}
case $(uname -m) in
x86_64 | amd64) arch=x86_64 ;;
aarch64 | arm64) arch=arm64 ;;
*) arch=$(uname -m) ;;
esac
out=${1:-$root/dist}
case $out in
*.zip) ;;
*) out=${out%/}/scanwarden-$version-$arch.zip ;;
esac
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
