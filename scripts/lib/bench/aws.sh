# shellcheck shell=bash
# The AWS client benchmark (README "AWS client: HTTP, retries, protocols"):
#
#   1. sign+serialize CPU per request (target <= 20 us): bench/bench_aws.c builds the body and
#      the SigV4 signature of an SNS Publish (2 KiB finding notification, 5 attributes) and of an
#      Inspector2 BatchGetAccountStatus, N times, median of 9 runs (CPU time, so a busy machine
#      inflates it less than wall time), plus the callgrind instruction count of one request;
#   2. SNS Publish round trip to moto_server (tests/peers/moto_peer.py, IAM auth on, temporary
#      credentials) through the real client: one kept-alive connection vs a new connection per
#      call, median and p90 of CALLS calls each, two alternating runs of each. moto closes every
#      connection itself, so the client talks to a keep-alive HTTP/1.1 front
#      (tests/peers/inspector2_front.py) that forwards to it. Loopback and plain HTTP: a new
#      connection here costs a TCP handshake only; against AWS it also costs a TLS handshake.
#   3. the same round trip over TLS to a local HTTPS server (tests/peers/fault_server.py --tls,
#      canned answer): the cost of a new TLS connection per call vs a kept one.
#
# scripts/bench.sh aws. Release build in build-bench/aws. Env: N (20000), CALLS (200), CALLGRIND (1).
sw_check_python_peers

N=${N:-20000}
CALLS=${CALLS:-200}
CALLGRIND=${CALLGRIND:-1}
out=build-bench/aws
say() { printf '==> %s\n' "$*" >&2; }

say "building bench_aws (Release)"
sw_build "$out" bench_aws -- -DCMAKE_BUILD_TYPE=Release -DSW_BUILD_TESTS=OFF
bench=$out/bench/bench_aws

say "sign+serialize ($N requests x 9 runs)"
"$bench" sign "$N"
say "tracing per AWS call, off and on ($N calls x 9 runs)"
"$bench" trace "$N"
if [ "$CALLGRIND" = 1 ] && command -v valgrind >/dev/null; then
    # (Ir(2001 requests) - Ir(1 request)) / 2000: the per-request instruction count
    ir() {
        valgrind --tool=callgrind --callgrind-out-file="$out/cg.$1.out" "$bench" sign "$1" \
            >/dev/null 2>&1
        callgrind_annotate "$out/cg.$1.out" 2>/dev/null |
            awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1}'
    }
    a=$(ir 1)
    b=$(ir 201)
    # each run signs 9 x N x (Publish + BatchGetAccountStatus)
    echo "callgrind: $(( (b - a) / (200 * 9 * 2) )) instructions per request (mean of Publish and BatchGetAccountStatus)"
fi

say "SNS Publish round trips ($CALLS per run) to moto_server behind a keep-alive front"
# moto_server (werkzeug) closes every connection, so the client talks to
# tests/peers/inspector2_front.py, an HTTP/1.1 keep-alive front that forwards to moto: the
# two modes differ only in the client's connection to the front.
python3 - "$bench" "$CALLS" <<'PY'
import subprocess, sys
sys.path.insert(0, "tests/peers")
from moto_peer import MotoPeer
from inspector2_front import Inspector2Front

bench, calls = sys.argv[1], sys.argv[2]
with MotoPeer() as moto:
    topic, _ = moto.create_topic_with_queue("bench")
    creds = moto.role_credentials("bench", "tests/aws/data/integration-policy.json",
                                  topic_arn=topic)
    front = Inspector2Front(moto.endpoint_url).start()
    try:
        env = moto.env(creds)
        env["AWS_ENDPOINT_URL_SNS"] = front.endpoint_url
        for mode in ("reuse", "fresh", "reuse", "fresh"):
            subprocess.run([bench, "publish", calls, mode, topic], env=env, check=True)
    finally:
        front.stop()
PY

say "SNS Publish round trips ($CALLS per run) over TLS to a local server (fault_server.py --tls)"
# The same client against a local HTTPS server answering a canned PublishResponse: what a
# new connection costs when it includes a TLS handshake (RSA-2048, TLS 1.3), as with AWS.
python3 - "$bench" "$CALLS" <<'PY'
import json, os, subprocess, sys
bench, calls = sys.argv[1], sys.argv[2]
srv = subprocess.Popen([sys.executable, "tests/peers/fault_server.py", "--tls"],
                       stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
try:
    ready = json.loads(srv.stdout.readline())
    answer = {"status": 200, "headers": {"Content-Type": "text/xml"},
              "body": "<PublishResponse><PublishResult><MessageId>m-1</MessageId>"
                      "</PublishResult></PublishResponse>"}
    srv.stdin.write(json.dumps({"cmd": "default", "response": answer}) + "\n")
    srv.stdin.flush()
    srv.stdout.readline()
    env = {k: v for k, v in os.environ.items()
           if not k.lower().endswith("_proxy") and not k.startswith("AWS_")}
    env.update({"AWS_ENDPOINT_URL_SNS": "https://127.0.0.1:%d" % ready["port"],
                "SSL_CERT_FILE": ready["cert"], "AWS_REGION": "us-east-1",
                "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "bench-secret",
                "AWS_SESSION_TOKEN": "bench-token"})
    for mode in ("reuse", "fresh", "reuse", "fresh"):
        subprocess.run([bench, "publish", calls, mode, "arn:aws:sns:us-east-1:123456789012:b"],
                       env=env, check=True)
finally:
    srv.stdin.close()
    srv.wait(timeout=10)
PY

# 4. SigV4 alone, by stage (bench/bench_sigv4.c; README "AWS client: SigV4, credentials,
#    endpoints"). SIGV4=0 skips it.
if [ "${SIGV4:-1}" = 1 ]; then
    say "SigV4 sign alone and by stage (scripts/bench.sh sigv4)"
    N=$N CALLGRIND=$CALLGRIND BUILD_DIR=build-bench/sigv4 bash scripts/bench.sh sigv4
fi
