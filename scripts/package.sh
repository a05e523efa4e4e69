#!/usr/bin/env bash
# Builds the deployment artifact (scripts/build-artifact.sh) and zips it for
# Lambda, reproducibly: entries sorted, every timestamp SOURCE_DATE_EPOCH,
# no extra attributes (zip -X: no uid/gid, no extended times), modes fixed
# (bootstrap 0755), so the same commit gives the same bytes. Prints the zip's
# path and size.
#
#   scripts/package.sh [OUT.zip | DIR]   default DIR: dist/
# In a directory the zip is named scanwarden-VERSION-ARCH.zip: VERSION is
# CMake's project(VERSION), ARCH Lambda's name for the architecture built
# (SW_ARCH, default this machine's: x86_64 or arm64).
# Environment: as scripts/build-artifact.sh (SW_ARCH, SW_ARTIFACT_TARGET,
# SW_DEPS_PREFIX...), and SOURCE_DATE_EPOCH: the entries' time (default: the
# commit time of HEAD when the source is a git checkout, else 1980-01-01).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/arch.sh
. "$root/scripts/lib/arch.sh"
version=$(sed -nE 's/^project\(scanwarden[[:space:]]+VERSION[[:space:]]+([0-9]+\.[0-9]+\.[0-9]+).*/\1/p' \
    "$root/CMakeLists.txt")
[ -n "$version" ] || {
    echo "package: no project(scanwarden VERSION x.y.z) in CMakeLists.txt" >&2
    exit 1
}
if [ -n "${SW_ARCH:-}" ]; then
    arch=$(sw_arch_name "$SW_ARCH") || {
        echo "package: SW_ARCH=$SW_ARCH: Lambda runs x86_64 or arm64" >&2
        exit 1
    }
    export SW_ARCH=$arch
else
    arch=$(sw_host_arch)
fi
out=${1:-$root/dist}
case $out in
*.zip) ;;
*) out=${out%/}/scanwarden-$version-$arch.zip ;;
esac
command -v zip >/dev/null || {
    echo "package: zip is missing (Debian: apt-get install zip; AL2023: dnf install zip)" >&2
    exit 1
}
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct 2>/dev/null || true)
    # zip's MS-DOS times start in 1980.
    [ -n "$SOURCE_DATE_EPOCH" ] || SOURCE_DATE_EPOCH=315532800
fi
case $SOURCE_DATE_EPOCH in
'' | *[!0-9]*) echo "package: SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH is not a number of seconds" >&2 && exit 1 ;;
esac
[ "$SOURCE_DATE_EPOCH" -ge 315532800 ] || SOURCE_DATE_EPOCH=315532800
# zip's MS-DOS times count in steps of two seconds (Info-ZIP rounds odd ones up).
SOURCE_DATE_EPOCH=$((SOURCE_DATE_EPOCH - SOURCE_DATE_EPOCH % 2))
mkdir -p "$(dirname "$out")"
out=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")

stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
bash "$root/scripts/build-artifact.sh" "$stage/artifact"

cd "$stage/artifact"
find . -type d -exec chmod 755 {} +
find . -type f -perm -u+x -exec chmod 755 {} +
find . -type f ! -perm -u+x -exec chmod 644 {} +
find . -exec touch -h -d "@$SOURCE_DATE_EPOCH" {} +
rm -f "$out"
find . -mindepth 1 -print | sed 's|^\./||' | LC_ALL=C sort |
    TZ=UTC zip -q -X -9 -@ "$out"
size=$(stat -c %s "$out")
echo "package: $out: $size bytes ($(awk -v s="$size" 'BEGIN { printf "%.2f", s / 1048576 }') MiB zipped, $arch)"
