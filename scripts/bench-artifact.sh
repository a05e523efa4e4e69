#!/usr/bin/env bash
# The artifact benchmark (README "Packaging and deployment artifact"): packages
# examples/echo exactly as a deployment is packaged (scripts/package.sh: lean
# static build, stripped, zipped), unzips it, and measures the unzipped
# bootstrap with the runtime benchmark (scripts/bench-runtime.sh, same method:
# exec -> first GET /next, CPU per invocation, peak RSS) beside the default
# dynamic build and the unpackaged lean build. Prints the zipped size.
#
#   scripts/bench-artifact.sh          env: as scripts/bench-runtime.sh (RUNS, N, ...)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
out=$root/build-bench/artifact
rm -rf "$out"
mkdir -p "$out/unzipped"

echo "==> packaging examples/echo as the deployment artifact (scripts/package.sh)" >&2
line=$(SW_ARTIFACT_TARGET=echo SW_ARTIFACT_BUILD_DIR=$root/build-bench/artifact-build \
    bash scripts/package.sh "$out/echo.zip" | tail -n1)
echo "$line" >&2
(cd "$out/unzipped" && unzip -q "$out/echo.zip")
zip_bytes=$(stat -c %s "$out/echo.zip")
bin_bytes=$(stat -c %s "$out/unzipped/bootstrap")

BENCH_EXTRA="echo-packaged:$out/unzipped/bootstrap" bash scripts/bench-runtime.sh
echo
echo "packaged artifact: $bin_bytes bytes unzipped (stripped), $zip_bytes bytes zipped" \
    "($(awk -v s="$zip_bytes" 'BEGIN { printf "%.2f", s / 1048576 }') MiB; target <= 3 MB)"
