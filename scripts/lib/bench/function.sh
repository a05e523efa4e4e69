# shellcheck shell=bash
# The function's performance figures quoted in the README:
#  1. CPU per event for the 2024 finding sample: parse + decide + build the notification
#     (median of many batches; goal <= 50 us);
#  2. RSS over 100,000 mixed events through the pipeline with a publish sink (goal: flat
#     within 1 MB);
#  3. the whole invocation through build/bootstrap, the local Runtime API server and SNS
#     Publish to moto_server (IAM authentication on), reported separately.
# The machine may be shared: prefer the CPU figures; wall times are indicative.
# Run by scripts/bench.sh function. Env: BUILD_DIR (build), SW_BENCH_INVOCATIONS (200).
sw_check_python_peers

build_dir=${BUILD_DIR:-build}
sw_build "$build_dir" bench_function bootstrap -- -DCMAKE_BUILD_TYPE=RelWithDebInfo
echo "==> pipeline without network ($build_dir/bench/bench_function)"
"$build_dir/bench/bench_function" "$PWD/tests/data"
echo "==> whole invocations against moto_server (${SW_BENCH_INVOCATIONS:-200} findings)"
SW_BUILD_DIR=$(cd "$build_dir" && pwd) python3 scripts/lib/bench_invoke.py "${SW_BENCH_INVOCATIONS:-200}"
