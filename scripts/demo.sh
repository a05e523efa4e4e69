#!/usr/bin/env bash
# The README's demo command (first version: the runtime library on its own). On a
# fresh Debian 12 machine it installs what is missing, builds examples/echo, starts
# the local Runtime API test server on a free loopback port, lets echo answer a few
# invocations, prints what the function sent back, and stops everything.
# (The product demo of the scanwarden function will replace the echo part.)
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=lib/deps.sh
. scripts/lib/deps.sh
sw_install_deps

build_dir=${BUILD_DIR:-build}
echo "==> building examples/echo in $build_dir/"
cmake -S . -B "$build_dir" >/dev/null
cmake --build "$build_dir" --target echo -j"$(nproc)" >/dev/null

work=$(mktemp -d)
server_pid=
cleanup() {
    if [ -n "$server_pid" ]; then
        kill "$server_pid" 2>/dev/null || true
        wait "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

cat >"$work/events.jsonl" <<'JSONL'
{"payload": {"detail-type": "Inspector2 Finding", "detail": {"severity": "HIGH"}}}
{"payload": {"raw": "plain text, caf\u00e9 \u2615"}, "headers": {"Content-Type": "text/plain; charset=utf-8"}}
{"payload": {"raw": ""}, "headers": {"Lambda-Runtime-Aws-Tenant-Id": "tenant-1"}}
JSONL

echo "==> starting the local Runtime API (tests/peers/runtime_api_server.py)"
python3 tests/peers/runtime_api_server.py --events "$work/events.jsonl" \
    --record "$work/record.jsonl" --on-empty 500 >"$work/port" &
server_pid=$!
port=
for _ in $(seq 50); do
    port=$(sed -n 's/^PORT //p' "$work/port")
    [ -n "$port" ] && break
    sleep 0.1
done
[ -n "$port" ] || { echo "the Runtime API server did not start" >&2; exit 1; }

echo "==> running $build_dir/examples/echo against 127.0.0.1:$port (3 invocations)"
status=0
AWS_LAMBDA_RUNTIME_API=127.0.0.1:$port "$build_dir/examples/echo" || status=$?
echo "==> echo exited with status $status (the server answered 500 once the queue was empty)"

echo "==> what the function sent to the Runtime API"
python3 - "$work/record.jsonl" <<'PY'
import base64, json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    body = base64.b64decode(r["body_b64"])
    ctype = r["headers"].get("Content-Type", "")
    extra = ""
    if r["method"] == "POST":
        extra = " %s %r" % (ctype, body.decode("utf-8", "replace"))
    print("  conn %d  %-4s %s -> %s%s" % (r["conn"], r["method"], r["path"], r["status"], extra))
PY
answered=$(grep -c '"method": "POST"' "$work/record.jsonl" || true)
if [ "$status" -ne 0 ] && [ "$answered" = 3 ]; then
    echo "==> demo OK: 3 invocations answered over one connection"
else
    echo "==> demo FAILED: $answered of 3 invocations answered" >&2
    exit 1
fi
