#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs one of them for a while,
# seeded from ../shared/events. Usage: scripts/fuzz.sh [fuzz_events] [seconds, default 60].
# Crashes are written to build-fuzz/crashes/; the corpus grows in build-fuzz/corpus-<target>/.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${1:-fuzz_events}
seconds=${2:-60}
build_dir=${BUILD_DIR:-build-fuzz}
cmake -S . -B "$build_dir" -DCMAKE_C_COMPILER=clang -DSW_FUZZ=ON -DSW_BUILD_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build_dir" --target "$target" -j"$(nproc)" >/dev/null
corpus="$build_dir/corpus-$target"
mkdir -p "$corpus" "$build_dir/crashes"
find ../shared/events -name '*.json' -exec cp {} "$corpus/" \;
"$build_dir/fuzz/$target" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=1024 \
    -artifact_prefix="$build_dir/crashes/" "$corpus"
