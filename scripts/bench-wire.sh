#!/usr/bin/env bash
# CPU of building what SNS delivers for one notification (MessageStructure=json: the text,
# the JSON document, the chat payload and the structure around them), quoted in the README
# ("Notifications for people and machines"). Medians of CPU time (user+sys of the process),
# so a busy shared machine disturbs them less than wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/deps.sh
. scripts/lib/deps.sh
sw_install_deps
build_dir=${BUILD_DIR:-build-bench}
cmake -S . -B "$build_dir" -DSW_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" --target bench_wire -j"$(nproc)" >/dev/null
"$build_dir/bench/bench_wire" "$PWD/tests/data"
