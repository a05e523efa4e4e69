#!/usr/bin/env bash
# The README's test command. On a fresh Debian 12 machine it installs the
# missing Debian packages (as root), finds the Python peers (the clone's .venv/
# first, else python3 on PATH; tests/requirements.txt), builds the lean static
# dependencies of the artifact tests when they are missing (scripts/build-deps.sh,
# cached in .deps/), configures, builds with warnings as errors and runs every
# test through ctest, then says why any test was skipped. On x86_64 it also
# installs the arm64 cross compiler and qemu-user-static and builds the arm64
# prefix, so the arm64 artifact is tested under emulation (tests/deploy/emulated.py;
# on an arm64 machine the same for x86_64); without them those tests say why they
# are skipped.
#
# Environment:
#   SW_SANITIZE=1      the same suite built with ASan+UBSan in build-asan/ (the
#                      artifact tests are not part of it)
#   SW_DEPS_PREFIX     the lean prefix (default .deps/prefix); SW_DEPS_WORK its work
#                      folder (default .deps/work); SW_DEPS_NO_BUILD=1 never builds it
#   SW_DEPS_PREFIX_ARM64, SW_DEPS_WORK_ARM64  the same for the cross-built arm64 prefix
#                      (default .deps/prefix-arm64, .deps/work-arm64)
#   SW_REQUIRE_EMULATED=1  the emulated tests fail instead of skipping (CI)
#   BUILD_DIR          the build directory (default build, build-asan)
# Extra arguments go to ctest (e.g. -R runtime, -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
# shellcheck source=lib/deps.sh
. scripts/lib/deps.sh
sw_install_deps

if [ -x .venv/bin/python3 ]; then
    export PATH="$root/.venv/bin:$PATH"
    echo "==> Python peers from .venv/ ($(.venv/bin/python3 --version 2>&1))"
fi
sw_check_python_peers
python=$(command -v python3)

build_dir=${BUILD_DIR:-build}
cmake_args=(-DSW_WERROR=ON "-DSW_PYTHON3=$python")
if [ "${SW_SANITIZE:-0}" = 1 ]; then
    build_dir=${BUILD_DIR:-build-asan}
    cmake_args+=(-DSW_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
else
    # The artifact tests (tests/deploy) link against the lean static libraries:
    # build them once (about half a minute; a rerun checks the cache in a second).
    export SW_DEPS_PREFIX=${SW_DEPS_PREFIX:-$root/.deps/prefix}
    export SW_DEPS_WORK=${SW_DEPS_WORK:-$root/.deps/work}
    if [ "${SW_DEPS_NO_BUILD:-0}" != 1 ]; then
        echo "==> lean static dependencies (scripts/build-deps.sh $SW_DEPS_PREFIX)"
        bash scripts/build-deps.sh "$SW_DEPS_PREFIX" ||
            echo "==> could not build the lean dependencies (above): the artifact tests (deploy_*) will be skipped" >&2
    fi
    # The other architecture, cross-built and run under qemu-user (arm64 on x86_64).
    # shellcheck source=lib/arch.sh
    . scripts/lib/arch.sh
    other=arm64
    [ "$(sw_host_arch)" = arm64 ] && other=x86_64
    upper=$(echo "$other" | tr '[:lower:]' '[:upper:]')
    prefix_var=SW_DEPS_PREFIX_$upper
    work_var=SW_DEPS_WORK_$upper
    export "$prefix_var=${!prefix_var:-$root/.deps/prefix-$other}"
    export "$work_var=${!work_var:-$root/.deps/work-$other}"
    # shellcheck disable=SC2046 # a list of package names
    if sw_install_optional "the $other tests under emulation" $(sw_emulation_packages) &&
        [ "${SW_DEPS_NO_BUILD:-0}" != 1 ]; then
        echo "==> lean static dependencies for $other (SW_ARCH=$other scripts/build-deps.sh ${!prefix_var})"
        SW_ARCH=$other SW_DEPS_WORK=${!work_var} bash scripts/build-deps.sh "${!prefix_var}" ||
            echo "==> could not build the $other dependencies (above): the $other tests will be skipped" >&2
    fi
fi

cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
status=0
ctest --test-dir "$build_dir" --output-on-failure "$@" || status=$?

# A skipped test says why: its "SKIPPED: ..." lines, from ctest's log.
log=$build_dir/Testing/Temporary/LastTest.log
if [ -f "$log" ]; then
    awk '/^[0-9]+\/[0-9]+ Test: / { name = $3 }
         /^SKIPPED: / || /\.\.\. skipped / { print "    " name ": " $0 }' "$log" >"$build_dir/skipped.txt"
    if [ -s "$build_dir/skipped.txt" ]; then
        echo "==> skipped, and why:"
        cat "$build_dir/skipped.txt"
    fi
fi
exit "$status"
