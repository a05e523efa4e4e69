#!/usr/bin/env bash
# The function's performance figures quoted in the README:
#  1. CPU per event for the 2024 finding sample: parse + decide + build the notification
#     (median of many batches; goal <= 50 us);
#  2. RSS over 100,000 mixed events through the pipeline with a publish sink (goal: flat
#     within 1 MB);
#  3. the whole invocation through build/bootstrap, the local Runtime API server and SNS
#     Publish to moto_server (IAM authentication on), reported separately.
# The machine may be shared: prefer the CPU figures; wall times are indicative.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/deps.sh
. scripts/lib/deps.sh
sw_install_deps
sw_check_python_peers

build_dir=${BUILD_DIR:-build}
cmake -S . -B "$build_dir" -DSW_WERROR=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" --target bench_function bootstrap -j"$(nproc)" >/dev/null
echo "==> pipeline without network ($build_dir/bench/bench_function)"
"$build_dir/bench/bench_function" "$PWD/tests/data"
echo "==> whole invocations against moto_server (${SW_BENCH_INVOCATIONS:-200} findings)"
SW_BUILD_DIR=$(cd "$build_dir" && pwd) python3 scripts/lib/bench_invoke.py "${SW_BENCH_INVOCATIONS:-200}"
