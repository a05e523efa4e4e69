#!/usr/bin/env bash
# Builds the deployable Lambda artifact for x86_64 or arm64: a Release build of the
# bootstrap on the lean static prefix of that architecture (scripts/build-deps.sh;
# built first if needed), stripped and copied to DIR/bootstrap, then checked with
# scripts/check-artifact.sh (glibc <= 2.34, no shared library beyond glibc, the ELF
# machine of the architecture). `make build-ScanwardenFunction` (what `sam build`
# runs) calls this with SW_SAM_BUILD=1: the template's Architecture (docs/building.md).
# The other architecture than this machine's is a cross build (Debian's
# gcc-aarch64-linux-gnu, or gcc-x86-64-linux-gnu on an arm64 machine) with
# cmake/toolchain-<triplet>.cmake.
#
#   scripts/build-artifact.sh DIR
#   scripts/build-artifact.sh --deps-only    only the lean prefix of SW_ARCH (make deps-arm64)
#
# Environment:
#   SW_ARCH                x86_64 or arm64 (default: this machine's)
#   SW_SAM_BUILD=1         build for the template's Architecture as `sam build` sees it
#                          (scripts/lib/arch.sh, sw_sam_arch; in a build container the
#                          container's); SW_ARCH, when set, must agree
#   SW_ARTIFACT_TARGET     CMake target to package as DIR/bootstrap (default bootstrap;
#                          e.g. echo to package examples/echo)
#   SW_DEPS_PREFIX         the lean prefix of this machine's architecture (default
#                          .deps/prefix); SW_DEPS_PREFIX_ARM64 / SW_DEPS_PREFIX_X86_64
#                          the cross-built one (default .deps/prefix-arm64 ...), with
#                          SW_DEPS_WORK_ARM64 / _X86_64 its work folder (.deps/work-arm64)
#   SW_DEPS_NO_BUILD=1     use the prefix as it is; fail if it is absent (tests)
#   SW_ARTIFACT_BUILD_DIR  the CMake build directory (default build-artifact, and
#                          build-artifact-ARCH for a cross build)
#   SW_ARTIFACT_MAX_GLIBC  newest glibc symbol version allowed (default 2.34)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/arch.sh
. "$root/scripts/lib/arch.sh"
out=${1:?usage: scripts/build-artifact.sh DIR | --deps-only}
target=${SW_ARTIFACT_TARGET:-bootstrap}
host=$(sw_host_arch)
say() { echo "build-artifact: $*" >&2; }
die() {
    say "error: $*"
    exit 1
}

# ------------------------------------------------------------ architecture
if [ -n "${SW_ARCH:-}" ]; then
    arch=$(sw_arch_name "$SW_ARCH") ||
        die "SW_ARCH=$SW_ARCH: Lambda runs x86_64 or arm64 (aliases amd64, aarch64)"
else
    arch=$host
fi
if [ "${SW_SAM_BUILD:-0}" = 1 ]; then
    # `sam build` (make build-ScanwardenFunction) hands a Makefile no architecture:
    # build for the template's Architecture as sw_sam_arch finds it. In a
    # `--use-container` build, sam chose the image of that architecture and the
    # command line is out of sight: the container's architecture is the one.
    if sw_in_sam_container; then
        wanted=$host where="the build container's architecture (sam build --use-container chose \
the $host image from the template's Architecture)"
    else
        read -r wanted where <<<"$(sw_sam_arch "$root")"
    fi
    if [ -n "${SW_ARCH:-}" ] && [ "$arch" != "$wanted" ]; then
        die "SW_ARCH=$arch, but the function's Architecture is $wanted ($where): a $arch \
bootstrap would fail every invocation of a $wanted function. Set the parameter too \
(sam build --parameter-overrides Architecture=$arch, or samconfig.toml), or unset SW_ARCH"
    fi
    arch=$wanted
    say "building for $arch: the function's Architecture, from $where"
fi

prefix=${SW_DEPS_PREFIX:-$root/.deps/prefix}
build=${SW_ARTIFACT_BUILD_DIR:-$root/build-artifact}
strip=${STRIP:-strip}
cmake_cross=()
if [ "$arch" != "$host" ]; then
    triplet=$(sw_arch_triplet "$arch")
    upper=$(echo "$arch" | tr '[:lower:]' '[:upper:]')
    prefix_var=SW_DEPS_PREFIX_$upper
    work_var=SW_DEPS_WORK_$upper
    prefix=${!prefix_var:-$root/.deps/prefix-$arch}
    export SW_DEPS_WORK=${!work_var:-$root/.deps/work-$arch}
    build=${SW_ARTIFACT_BUILD_DIR:-$root/build-artifact-$arch}
    strip=${STRIP:-$triplet-strip}
    toolchain=$root/cmake/toolchain-$triplet.cmake
    [ -f "$toolchain" ] || die "no CMake toolchain file for $arch on this $host machine ($toolchain)"
    command -v "$triplet-gcc" >/dev/null || die "building for $arch on this $host machine needs \
the cross compiler $triplet-gcc: apt-get install $(sw_arch_cross_package "$arch") (scripts/test.sh \
installs it as root), or build on a $arch machine or with \`sam build --use-container\` (docs/building.md)"
    cmake_cross=(-DCMAKE_TOOLCHAIN_FILE="$toolchain")
    # The prefix's build needs the same compiler; build-deps.sh reads SW_ARCH.
    unset CC
fi
export SW_ARCH=$arch

if [ "${SW_DEPS_NO_BUILD:-0}" = 1 ]; then
    [ -f "$prefix/.sw-deps-stamp" ] ||
        die "no lean $arch prefix in $prefix: run SW_ARCH=$arch scripts/build-deps.sh $prefix"
else
    bash "$root/scripts/build-deps.sh" "$prefix"
fi
[ "$out" = --deps-only ] && exit 0

# ------------------------------------------------------------------ build
# `sam build` copies the source tree to a scratch folder: a build directory
# configured for another source folder (or architecture) cannot be reused there,
# so start afresh. The source folder's path is mapped away (-ffile-prefix-map):
# the same commit gives the same bytes wherever it is built (scripts/release.sh).
if [ -f "$build/CMakeCache.txt" ] && { ! grep -qxF "CMAKE_HOME_DIRECTORY:INTERNAL=$root" "$build/CMakeCache.txt" ||
    [ "$(cat "$build/.sw-arch" 2>/dev/null)" != "$arch" ]; }; then
    rm -rf "$build"
fi
cmake -S "$root" -B "$build" "${cmake_cross[@]}" -DCMAKE_BUILD_TYPE=Release -DSW_BUILD_TESTS=OFF \
    -DSW_WERROR=ON -DSW_SANITIZE=OFF -DSW_DEPS_PREFIX="$prefix" \
    "-DCMAKE_C_FLAGS=-ffile-prefix-map=$root/=" >/dev/null
echo "$arch" >"$build/.sw-arch"
cmake --build "$build" --target "$target" -j"$(nproc)"

# The target's file (executables land in different folders per target).
bin=$(find "$build" -path "$build/CMakeFiles" -prune -o -type f -name "$target" -perm -u+x -print |
    grep -v '/CMakeFiles/' | head -n1)
[ -n "$bin" ] || die "built target '$target' but found no executable named $target in $build"

mkdir -p "$out"
rm -f "$out/bootstrap"
"$strip" --strip-all -o "$out/bootstrap" "$bin"
chmod 755 "$out/bootstrap"
bash "$root/scripts/check-artifact.sh" "$out" "${SW_ARTIFACT_MAX_GLIBC:-2.34}" "$arch"
