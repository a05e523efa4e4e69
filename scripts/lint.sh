#!/usr/bin/env bash
# Static checks CI runs before the tests: every tracked C file formatted as
# .clang-format says, and cppcheck (warnings, portability, performance) clean on
# the runtime, the handler and the examples. Fast (seconds); no build needed.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/deps.sh
. scripts/lib/deps.sh
sw_install_deps clang-format cppcheck

mapfile -t files < <(git ls-files '*.c' '*.h')
echo "==> clang-format (${#files[@]} files)"
clang-format --dry-run -Werror "${files[@]}"
echo "==> cppcheck (runtime/ handler/ examples/)"
cppcheck --quiet --enable=warning,performance,portability --std=c11 --inline-suppr \
    --error-exitcode=1 -I . -I runtime runtime handler examples
echo "lint: clean"
