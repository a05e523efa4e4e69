#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (build-fuzz/) and runs one of them for a while,
# seeded from ../shared/events (fuzz_aws: also tests/aws/data). Usage:
# scripts/fuzz.sh [fuzz_events|fuzz_aws] [seconds, default 60].
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
if [ "$target" = fuzz_aws ]; then # AWS answers: recorded responses and error bodies
    cp tests/aws/data/responses/* "$corpus/"
    for f in tests/aws/data/errors/*.json; do
        python3 -c 'import json,sys; sys.stdout.write(json.load(open(sys.argv[1]))["body"])' \
            "$f" >"$corpus/error-$(basename "$f")"
    done
fi
"$build_dir/fuzz/$target" -max_total_time="$seconds" -max_len=65536 -rss_limit_mb=1024 \
    -artifact_prefix="$build_dir/crashes/" "$corpus"
