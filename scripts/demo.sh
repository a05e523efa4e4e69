#!/usr/bin/env bash
# The README's main command: a local end-to-end demo of scanwarden in under a minute.
# On a fresh Debian machine it installs what is missing, builds build/bootstrap, starts
# moto_server (as AWS, IAM authentication on) and the local Runtime API server (as
# Lambda), and tells the story: ECR scanning is off -> the scheduled check turns it on;
# someone disables it with the aws CLI -> the CloudTrail event arrives -> scanning is
# restored and the notification names who did it; a CRITICAL finding is notified.
# Everything it started is stopped at the end, unless DEMO_KEEP=1.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/deps.sh
. scripts/lib/deps.sh
sw_install_deps
sw_check_python_peers
command -v aws >/dev/null || { echo "The aws CLI is missing (pip install awscli)" >&2; exit 1; }

build_dir=${BUILD_DIR:-build}
echo "==> building $build_dir/bootstrap"
cmake -S . -B "$build_dir" -DSW_WERROR=ON >/dev/null
cmake --build "$build_dir" --target bootstrap -j"$(nproc)" >/dev/null
echo "==> running the story"
SW_BUILD_DIR=$(cd "$build_dir" && pwd) exec python3 scripts/lib/demo.py
