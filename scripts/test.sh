#!/usr/bin/env bash
# The README's test command. On a fresh Debian 12 machine it installs what is
# missing, configures, builds with warnings as errors and runs every test
# through ctest. SW_SANITIZE=1 runs the same suite built with ASan+UBSan in
# build-asan/. Extra arguments go to ctest (e.g. -R runtime, -L unit).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/deps.sh
. scripts/lib/deps.sh
sw_install_deps
sw_check_python_peers

build_dir=${BUILD_DIR:-build}
cmake_args=(-DSW_WERROR=ON)
if [ "${SW_SANITIZE:-0}" = 1 ]; then
    build_dir=${BUILD_DIR:-build-asan}
    cmake_args+=(-DSW_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug)
    export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
    export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
fi

cmake -S . -B "$build_dir" "${cmake_args[@]}" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
ctest --test-dir "$build_dir" --output-on-failure "$@"
