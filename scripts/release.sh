#!/usr/bin/env bash
# The prebuilt release: scanwarden-VERSION-x86_64.zip and scanwarden-VERSION-arm64.zip
# (scripts/package.sh, each checked by scripts/check-artifact.sh for its architecture)
# and SHA256SUMS beside them. Reproducible: the same commit gives the same bytes,
# wherever it is checked out (the source path is mapped out of the binary, the zip's
# times are the commit's, SOURCE_DATE_EPOCH). `make release` runs it; deploying a zip
# needs no compiler (docs/building.md, "A prebuilt zip").
#
#   scripts/release.sh [DIR]      default dist/release
#
# Environment: SW_RELEASE_ARCHS (default "x86_64 arm64"), SOURCE_DATE_EPOCH, and as
# scripts/build-artifact.sh (SW_DEPS_PREFIX, SW_DEPS_PREFIX_ARM64, SW_DEPS_NO_BUILD...).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/dist/release}
mkdir -p "$out"
out=$(cd "$out" && pwd)
if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git -C "$root" log -1 --format=%ct 2>/dev/null || echo 315532800)
fi
export SOURCE_DATE_EPOCH
# Only this release's files in DIR: SHA256SUMS lists exactly what was built.
rm -f "$out"/scanwarden-*.zip "$out/SHA256SUMS"
zips=()
for arch in ${SW_RELEASE_ARCHS:-x86_64 arm64}; do
    SW_ARCH=$arch bash "$root/scripts/package.sh" "$out"
done
cd "$out"
for z in scanwarden-*.zip; do
    zips+=("$z")
done
printf '%s\n' "${zips[@]}" | LC_ALL=C sort | xargs sha256sum >SHA256SUMS
echo "release: $out (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
sed 's/^/    /' SHA256SUMS
