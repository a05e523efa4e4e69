#!/usr/bin/env bash
# The organization check at scale (docs/benchmarks.md, "Organization at scale"): wall time,
# AWS calls, CPU and peak RSS of one scheduled run over 1,000 and 10,000 members x 1, 4 and
# 17 regions at 50 ms per call. Same as `scripts/bench.sh org-regions [ARGS...]`, whose
# header (scripts/lib/bench/org-regions.sh) gives the arguments; e.g.
#   scripts/bench-org.sh                      # this build
#   scripts/bench-org.sh 1000,10000 1,4,17 50 <commit> before:10000x17   # before, after
set -euo pipefail
exec "$(dirname "$0")/bench.sh" org-regions "$@"
