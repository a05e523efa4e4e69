#!/usr/bin/env bash
# Runs end-to-end test modules with build/bootstrap under valgrind memcheck: any memory
# error or definite leak makes valgrind exit 99, which fails the run (tests/e2e/harness.py
# honours SW_E2E_WRAPPER and stretches its timeouts). Usage:
#   scripts/valgrind-e2e.sh [module ...]     default: test_faults (about 2-3 minutes)
# BUILD_DIR (default build/) must hold a built bootstrap (scripts/test.sh builds it).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/deps.sh
. scripts/lib/deps.sh
sw_install_deps valgrind
build_dir=$(cd "${BUILD_DIR:-build}" && pwd)
[ -x "$build_dir/bootstrap" ] || { echo "no $build_dir/bootstrap: run scripts/test.sh first" >&2; exit 1; }
modules=("$@")
[ ${#modules[@]} -gt 0 ] || modules=(test_faults)
export SW_E2E_WRAPPER="valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite --show-leak-kinds=definite --track-fds=no"
export SW_BUILD_DIR="$build_dir" SW_SOURCE_DIR="$PWD" SW_TEST_DATA_DIR="$PWD/tests/data"
export PYTHONDONTWRITEBYTECODE=1
cd tests/e2e
python3 -m unittest -v "${modules[@]}"
