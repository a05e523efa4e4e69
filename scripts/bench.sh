#!/usr/bin/env bash
# The benchmarks (docs/benchmarks.md), one entry point:
#
#   scripts/bench.sh NAME [ARGS...]
#
#   function              the pipeline per event, memory over 100,000 events, whole invocations
#   wire                  building what SNS delivers for one notification
#   org [COUNTS [REPEAT [LATENCY_MS]]] one organization check for several member counts
#   org-regions [COUNTS [REGIONS [LATENCY_MS [BASE [SKIP]]]]]  the organization check at scale (bench-org.sh)
#   runtime               the runtime library: start-up, CPU per invocation, peak RSS
#   artifact              the packaged artifact, as deployed, beside the other builds
#   sigv4                 SigV4 signing, by stage
#   aws                   the AWS client: sign + serialize, round trips to moto and over TLS
#   soak [N [SAMPLE [WARMUP]]]  N invocations: memory and descriptors stay flat
#   restore [LATENCY_MS [REPEAT [BASE]]]  time-to-restore of the drift check at an API latency
#   ca                    the CA bundle decoded per handle vs once: CPU, instructions, peak RSS
#
# Each benchmark is scripts/lib/bench/NAME.sh (its header says what it measures, its
# arguments and environment); this script installs the missing Debian packages
# (scripts/lib/deps.sh) and runs it from the source root with sw_build
# (scripts/lib/build.sh) at hand. The machine may be shared: prefer the CPU figures.
set -euo pipefail
cd "$(dirname "$0")/.."
usage() {
    sed -n '2,15p' scripts/bench.sh | sed 's/^# \{0,1\}//'
}
name=${1:-}
case $name in
-h | --help)
    usage
    exit 0
    ;;
esac
if [ -z "$name" ] || [[ $name == */* ]] || [ ! -f "scripts/lib/bench/$name.sh" ]; then
    known=(scripts/lib/bench/*.sh)
    known=("${known[@]##*/}")
    [ -z "$name" ] || echo "scripts/bench.sh: unknown benchmark \"$name\"" >&2
    echo "scripts/bench.sh: name one of: ${known[*]%.sh}" >&2
    usage >&2
    exit 2
fi
shift
# shellcheck source=lib/deps.sh
. scripts/lib/deps.sh
# shellcheck source=lib/build.sh
. scripts/lib/build.sh
sw_install_deps
# shellcheck source=/dev/null
. "scripts/lib/bench/$name.sh" "$@"
