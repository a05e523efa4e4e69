#!/usr/bin/env bash
# Static checks CI runs before the tests: the repository stands alone (no tracked
# file reads, links or cites a folder beside the clone, and the contract is cited as
# docs/contract.md), every tracked C file formatted as .clang-format says, and
# cppcheck (warnings, portability, performance) clean on the runtime, the handler
# and the examples, and shellcheck (warnings) clean on every shell script. Fast
# (seconds); no build needed.
set -euo pipefail
cd "$(dirname "$0")/.."

# The patterns are written so that this file does not match them itself.
echo "==> references outside the repository"
if git grep -n -e '\.\./shared' -e 'SPEC[ ]§' -e 'SPEC\.md' -- .; then
    echo "lint: the lines above refer to a folder beside the clone or cite SPEC; the repository" >&2
    echo "must stand alone: vendor data under tests/ with its provenance, cite docs/contract.md." >&2
    exit 1
fi
# shellcheck source=lib/deps.sh
. scripts/lib/deps.sh
sw_install_deps clang-format cppcheck shellcheck

mapfile -t files < <(git ls-files '*.c' '*.h')
echo "==> clang-format (${#files[@]} files)"
clang-format --dry-run -Werror "${files[@]}"
echo "==> cppcheck (runtime/ handler/ examples/)"
cppcheck --quiet --enable=warning,performance,portability --std=c11 --inline-suppr \
    --error-exitcode=1 -I . -I runtime runtime handler examples
mapfile -t scripts < <(git ls-files '*.sh' .ci/run)
echo "==> shellcheck (${#scripts[@]} scripts, warnings and errors)"
shellcheck -x -P SCRIPTDIR -S warning "${scripts[@]}"
echo "lint: clean"
