# shellcheck shell=bash
# CPU of building what SNS delivers for one notification (MessageStructure=json: the text,
# the JSON document, the chat payload and the structure around them), quoted in the README
# ("Notifications for people and machines"). Medians of CPU time (user+sys of the process),
# so a busy shared machine disturbs them less than wall time.
# Run by scripts/bench.sh wire. Env: BUILD_DIR (build-bench).
build_dir=${BUILD_DIR:-build-bench}
sw_build "$build_dir" bench_wire -- -DCMAKE_BUILD_TYPE=RelWithDebInfo
"$build_dir/bench/bench_wire" "$PWD/tests/data"
