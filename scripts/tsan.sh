#!/usr/bin/env bash
# Runs the tests of the code that works on several threads (ctest label "threads": the task
# pool, the rate gate, sibling clients, the shared CA store, the drift check's rounds, and
# the end-to-end fault and organization modules) with everything built under
# ThreadSanitizer in build-tsan/. A data race or a lock-order inversion in scanwarden's
# code fails the run: a unit test aborts, a bootstrap run exits 99, which the end-to-end
# harness reports as the tool's failure (SW_E2E_WRAPPER, as scripts/valgrind-e2e.sh).
# Only scanwarden's own code is instrumented: libcurl, OpenSSL and cJSON are Debian's
# builds, so a race inside them is not seen (docs/internals.md, "What concurrent tasks
# may share"). Usage: scripts/tsan.sh [ctest arguments]   (default: -L threads)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/deps.sh
. scripts/lib/deps.sh
sw_install_deps
[ -x .venv/bin/python3 ] && export PATH="$PWD/.venv/bin:$PATH"
sw_check_python_peers
build_dir=${BUILD_DIR:-build-tsan}
cmake -S . -B "$build_dir" -DSW_WERROR=ON -DSW_TSAN=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "-DSW_PYTHON3=$(command -v python3)" >/dev/null
cmake --build "$build_dir" -j"$(nproc)"
# Unit and integration tests: the first report aborts the test. Bootstraps started by the
# end-to-end harness get a clean environment, so their options travel in the wrapper.
export TSAN_OPTIONS="halt_on_error=1:second_deadlock_stack=1"
export SW_E2E_WRAPPER="env TSAN_OPTIONS=halt_on_error=1:exitcode=99:second_deadlock_stack=1"
# ThreadSanitizer slows the bootstrap a few times, not valgrind's twenty.
export SW_E2E_TIMEOUT_FACTOR=${SW_E2E_TIMEOUT_FACTOR:-3}
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(-L threads)
ctest --test-dir "$build_dir" --output-on-failure "${args[@]}"
