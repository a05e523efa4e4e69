#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan+UBSan, build-fuzz/) and runs them.
# Usage: scripts/fuzz.sh [seconds]           every target for [seconds] each (default 60)
#        scripts/fuzz.sh TARGET [seconds]    one target (fuzz_events, fuzz_function, ...)
# Seeds come from fuzz/corpus/<target>/ (fuzz/make_corpus.py writes them from tests/data/events
# and the other vendored samples); the
# grown corpus stays in build-fuzz/corpus-<target>/, crashes go to build-fuzz/crashes/.
# Prints, per target, the executions, coverage (edges, features) and CPU seconds; exits
# non-zero when any target found a crash, a leak or a timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
all=(fuzz_events fuzz_function fuzz_aws fuzz_aws_response fuzz_sigv4 fuzz_config fuzz_runtime fuzz_profile)
if [[ "${1:-}" =~ ^fuzz_ ]]; then
    targets=("$1")
    seconds=${2:-60}
else
    targets=("${all[@]}")
    seconds=${1:-60}
fi
build_dir=${BUILD_DIR:-build-fuzz}
# shellcheck source=lib/deps.sh
. scripts/lib/deps.sh
sw_install_deps clang libclang-rt-14-dev # clang and its libFuzzer runtime
cmake -S . -B "$build_dir" -DCMAKE_C_COMPILER=clang -DSW_FUZZ=ON -DSW_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" --target "${targets[@]}" -j"$(nproc)" >/dev/null
mkdir -p "$build_dir/crashes"
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
printf '%-20s %10s %8s %8s %8s %s\n' target runs cov ft cpu_s result
for t in "${targets[@]}"; do
    corpus="$build_dir/corpus-$t"
    mkdir -p "$corpus"
    cp -n fuzz/corpus/"$t"/* "$corpus"/ 2>/dev/null || true
    log="$build_dir/fuzz-$t.log"
    set +e
    /usr/bin/time -f '%U %S' -o "$build_dir/time-$t" \
        "$build_dir/fuzz/$t" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=2048 \
        -timeout=10 -print_final_stats=1 -artifact_prefix="$build_dir/crashes/$t-" \
        "$corpus" >"$log" 2>&1
    rc=$?
    set -e
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$last")
    ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$last")
    cpu=$(tail -1 "$build_dir/time-$t" | awk '{printf "%.1f", $1 + $2}')
    result=ok
    if [ "$rc" != 0 ]; then
        result="FAILED (rc $rc; see $log)"
        status=1
    fi
    printf '%-20s %10s %8s %8s %8s %s\n' "$t" "${runs:-?}" "${cov:-?}" "${ft:-?}" "$cpu" "$result"
done
for t in "${targets[@]}"; do
    if grep -q 'Test unit written' "$build_dir/fuzz-$t.log"; then
        echo "== $t:" >&2
        grep -E 'ERROR|SUMMARY|Test unit written' "$build_dir/fuzz-$t.log" | head -10 >&2
    fi
done
exit $status
