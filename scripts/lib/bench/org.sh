# shellcheck shell=bash
# Organization mode figures quoted in the README (docs/contract.md §1.4): time and AWS calls of one
# scheduled organization check through build/bootstrap against moto_server (IAM
# authentication on) behind tests/peers/inspector2_org_front.py (ListMembers pages of 50,
# batches of 100), for several member counts, with every member drifted and with none.
# Usage: scripts/bench.sh org [COUNTS [REPEAT [LATENCY_MS]]]   (default: 100,250,500,1000 3 0)
# LATENCY_MS > 0: every Inspector2 and SNS call answers after that long, and a run with a
# third of the members drifted shows the Enable batches filling up across status reads.
# The machine may be shared: wall times are indicative; CPU is the bootstrap's user+sys.
sw_check_python_peers

build_dir=${BUILD_DIR:-build}
sw_build "$build_dir" bootstrap -- -DCMAKE_BUILD_TYPE=RelWithDebInfo
SW_BUILD_DIR=$(cd "$build_dir" && pwd) python3 scripts/lib/bench_org.py "${1:-100,250,500,1000}" "${2:-3}" "${3:-0}"
