# shellcheck shell=bash
# Time-to-restore of the account drift check (docs/benchmarks.md): CloudTrail events that
# turned ECR scanning off, through build/bootstrap (one warm process) against moto_server
# (IAM authentication on), every AWS call (Inspector2, ECR, SNS) answered after LATENCY_MS
# by tests/peers/inspector2_front.py; from handing the event over to the function's answer.
# Usage: scripts/bench.sh restore [LATENCY_MS [REPEAT [BASE]]]   (default: 50 10, no BASE)
# BASE, a commit: its bootstrap is built in a temporary git worktree (removed afterwards)
# and measured in the same run, in a column beside this tree's.
# The machine may be shared: wall times are indicative.
sw_check_python_peers

build_dir=${BUILD_DIR:-build}
latency=${1:-50}
repeat=${2:-10}
base=${3:-}
sw_build "$build_dir" bootstrap -- -DCMAKE_BUILD_TYPE=RelWithDebInfo
builds=("this=$(cd "$build_dir" && pwd)/bootstrap")
base_tree=
remove_base() {
    if [ -n "$base_tree" ] && [ -d "$base_tree" ]; then
        git worktree remove --force "$base_tree" || echo "restore: remove $base_tree by hand" >&2
    fi
}
if [ -n "$base" ]; then
    base_tree=$(mktemp -d "${TMPDIR:-/tmp}/scanwarden-bench-base.XXXXXX")
    rmdir "$base_tree"
    trap remove_base EXIT
    git worktree add --detach --quiet "$base_tree" "$base"
    (cd "$base_tree" && sw_build build bootstrap -- -DCMAKE_BUILD_TYPE=RelWithDebInfo)
    builds=("$(git rev-parse --short "$base")=$base_tree/build/bootstrap" "${builds[@]}")
fi
echo "==> time-to-restore at ${latency} ms per AWS call (${builds[*]%%=*})"
python3 scripts/lib/bench_restore.py "$latency" "$repeat" "${builds[@]}"
remove_base
[ -z "$base" ] || echo "==> removed the worktree of $base"
