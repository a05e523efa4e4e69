#!/usr/bin/env bash
# Builds the deployable Lambda artifact: a Release build of the bootstrap on the
# lean static prefix (scripts/build-deps.sh; built first if needed), stripped
# and copied to DIR/bootstrap, then checked with scripts/check-artifact.sh
# (glibc <= 2.34, no shared library beyond glibc). `make build-ScanwardenFunction`
# (what `sam build` runs) calls this. Architecture-neutral: it builds for the
# machine it runs on (x86_64 or arm64).
#
#   scripts/build-artifact.sh DIR
#
# Environment:
#   SW_ARTIFACT_TARGET     CMake target to package as DIR/bootstrap (default bootstrap;
#                          e.g. echo to package examples/echo)
#   SW_DEPS_PREFIX         the lean prefix (default .deps/prefix)
#   SW_DEPS_NO_BUILD=1     use SW_DEPS_PREFIX as it is; fail if it is absent (tests)
#   SW_ARTIFACT_BUILD_DIR  the CMake build directory (default build-artifact)
#   SW_ARTIFACT_MAX_GLIBC  newest glibc symbol version allowed (default 2.34)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:?usage: scripts/build-artifact.sh DIR}
target=${SW_ARTIFACT_TARGET:-bootstrap}
prefix=${SW_DEPS_PREFIX:-$root/.deps/prefix}
build=${SW_ARTIFACT_BUILD_DIR:-$root/build-artifact}
strip=${STRIP:-strip}

if [ "${SW_DEPS_NO_BUILD:-0}" = 1 ]; then
    [ -f "$prefix/.sw-deps-stamp" ] || {
        echo "build-artifact: no lean prefix in $prefix: run scripts/build-deps.sh $prefix" >&2
        exit 1
    }
else
    bash "$root/scripts/build-deps.sh" "$prefix"
fi

# `sam build` copies the source tree to a scratch folder: a build directory
# configured for another source folder cannot be reused there, so start afresh.
if [ -f "$build/CMakeCache.txt" ] &&
    ! grep -qxF "CMAKE_HOME_DIRECTORY:INTERNAL=$root" "$build/CMakeCache.txt"; then
    rm -rf "$build"
fi
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DSW_BUILD_TESTS=OFF \
    -DSW_WERROR=ON -DSW_SANITIZE=OFF -DSW_DEPS_PREFIX="$prefix" >/dev/null
cmake --build "$build" --target "$target" -j"$(nproc)"

# The target's file (executables land in different folders per target).
bin=$(find "$build" -path "$build/CMakeFiles" -prune -o -type f -name "$target" -perm -u+x -print |
    grep -v '/CMakeFiles/' | head -n1)
[ -n "$bin" ] || {
    echo "build-artifact: built target '$target' but found no executable named $target in $build" >&2
    exit 1
}

mkdir -p "$out"
rm -f "$out/bootstrap"
"$strip" --strip-all -o "$out/bootstrap" "$bin"
chmod 755 "$out/bootstrap"
bash "$root/scripts/check-artifact.sh" "$out" "${SW_ARTIFACT_MAX_GLIBC:-2.34}"
