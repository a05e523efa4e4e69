# shellcheck shell=bash
# The organization check at scale (docs/benchmarks.md, "Organization at scale"): one scheduled
# run of build/bootstrap with SCOPE=organization over 1, 4 and 17 regions of 1,000 and 10,000
# members against tests/peers/fake_org.py (Inspector2's page and batch limits, every call
# answered after LATENCY_MS, threaded), reporting wall time, AWS calls, the regions checked
# together, CPU and peak RSS (scripts/lib/bench_org_regions.py).
# Usage: scripts/bench.sh org-regions [COUNTS [REGIONS [LATENCY_MS [BASE_COMMIT [SKIP]]]]]
#   (default: 1000,10000 1,4,17 50). BASE_COMMIT: also build that commit in a temporary
#   git worktree (removed after) and run it first, side by side ("before"); SKIP: a comma
#   list of label:MEMBERSxREGIONS to leave out (e.g. before:10000x17, ~4 minutes at 50 ms).
# Environment: ORG_REGION_CONCURRENCY, MAX_AWS_REQUESTS_PER_SECOND, DRIFTED (a fraction of
# the members with ECR scanning off in every region, e.g. 0.33) go to the runs.
sw_check_python_peers

build_dir=${BUILD_DIR:-build}
sw_build "$build_dir" bootstrap -- -DCMAKE_BUILD_TYPE=RelWithDebInfo
after="$(cd "$build_dir" && pwd)/bootstrap"
bootstraps=$after
labels=after
base=${4:-}
if [ -n "$base" ]; then
    tree=$(mktemp -d /tmp/scanwarden-bench-base.XXXXXX)
    rmdir "$tree"
    git worktree add --detach "$tree" "$base" >/dev/null 2>&1
    trap 'git worktree remove --force "$tree" >/dev/null 2>&1 || true' EXIT
    (cd "$tree" && sw_build build bootstrap -- -DCMAKE_BUILD_TYPE=RelWithDebInfo)
    bootstraps="$tree/build/bootstrap,$after"
    labels=before,after
fi
LABELS=$labels python3 scripts/lib/bench_org_regions.py "$bootstraps" "${1:-1000,10000}" \
    "${2:-1,4,17}" "${3:-50}" "${5:-}"
