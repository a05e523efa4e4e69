#!/usr/bin/env python3
"""Time-to-restore of the account drift check, run by scripts/bench.sh restore.

One build/bootstrap process (kept warm, as Lambda keeps it) is served one event at a time
by the local Runtime API server; before each event an administrator breaks the state in
moto_server (IAM authentication on) directly, then the event arrives. Every AWS call of
the function goes through tests/peers/inspector2_front.py, which waits LATENCY_MS before
serving each request (Inspector2, ECR, SNS alike: a distant AWS), so each round trip of
the drift check costs one latency. The figure is the time from handing the event to the
function to its answer, median over REPEAT runs, at 0 ms (the function's own time) and at
LATENCY_MS, also given as a multiple of LATENCY_MS; and the function's own CPU time
(user+sys of the process, its threads included) per invocation.

Scenarios: "inspector" (the CloudTrail Disable of Inspector's ECR scanning: Enable),
"registry" (the CloudTrail PutRegistryScanningConfiguration BASIC: the Put) and "both"
(Inspector and the registry: Enable, then the Put).

Usage: bench_restore.py LATENCY_MS REPEAT LABEL=BOOTSTRAP [LABEL=BOOTSTRAP ...]
Each bootstrap gets a column, so an older build can be shown beside the current one.
"""

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "e2e"))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "peers"))

import harness  # noqa: E402
from runtime_api_server import RuntimeApiServer  # noqa: E402

ACTOR = "arn:aws:iam::{account}:user/mallory"
BASIC = [{"scanFrequency": "SCAN_ON_PUSH",
          "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}]


def scenarios(w):
    """name -> (break the state, the event, the actions expected)."""
    def disable_event():
        return w.cloudtrail_event("cloudtrail-inspector2-Disable-ECR.json",
                                  ACTOR.format(account=w.account),
                                  accountIds=[w.account], resourceTypes=["ECR"])

    def inspector():
        w.good_state()
        w.inspector2.disable(accountIds=[w.account], resourceTypes=["ECR"])

    def registry():
        w.good_state()
        w.ecr.put_registry_scanning_configuration(scanType="BASIC", rules=BASIC)

    def registry_event():
        return w.cloudtrail_event("cloudtrail-ecr-PutRegistryScanningConfiguration-BASIC.json",
                                  ACTOR.format(account=w.account))

    return {
        "inspector": (inspector, disable_event, ["inspector2:Enable"]),
        "registry": (registry, registry_event, ["ecr:PutRegistryScanningConfiguration"]),
        "both": (w.break_state, disable_event,
                 ["inspector2:Enable", "ecr:PutRegistryScanningConfiguration"]),
    }


class Function:
    """One bootstrap process behind a Runtime API server whose queue stays open."""

    def __init__(self, bootstrap, env):
        self.srv = RuntimeApiServer(keep_open=True, on_empty="500")
        self.srv.start()
        self.log = tempfile.TemporaryFile()
        self.proc = subprocess.Popen([bootstrap],
                                     env=dict(env, AWS_LAMBDA_RUNTIME_API=self.srv.address),
                                     stdout=self.log, stderr=subprocess.STDOUT)

    def invoke(self, event, timeout_s=30):
        """Hands event over and returns (seconds to the answer, the answer record)."""
        seen = len(self.srv.records)
        t0 = time.monotonic()
        self.srv.enqueue({"payload": event})
        end = t0 + timeout_s
        while time.monotonic() < end:
            for rec in self.srv.records[seen:]:
                if rec["method"] == "POST" and "/invocation/" in rec["path"]:
                    return rec["t"] - t0, rec
            time.sleep(0.001)
        raise RuntimeError("no answer within %d s" % timeout_s)

    def cpu_s(self):
        """User+sys CPU seconds of the process so far, its ended threads included."""
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def stop(self):
        self.srv.close_queue()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.srv.stop()
        self.log.close()


def actions(rec):
    body = json.loads(rec["body"])
    if not body.get("handled") or not body.get("notified"):
        raise RuntimeError("unexpected answer: %s" % rec["body"][:500])
    if not all(a.get("ok") for a in body.get("actions", [])):
        raise RuntimeError("an action failed: %s" % rec["body"][:500])
    return [a["api"] for a in body.get("actions", [])]


def measure(w, front, bootstrap, latencies_ms, repeat):
    """{(scenario, latency_ms): [seconds, ...], ("cpu", latency_ms): CPU seconds per
    invocation} for one build."""
    env = w.function_env(AWS_ENDPOINT_URL=front.endpoint_url)
    fn = Function(bootstrap, env)
    out = {}
    try:
        front.latency_s = 0
        w.good_state()
        fn.invoke(w.scheduled_event())  # start-up and first connections, not measured
        for lat in latencies_ms:
            front.latency_s = lat / 1000.0
            cpu = fn.cpu_s()
            for _ in range(repeat):
                for name, (breaks, event, expected) in scenarios(w).items():
                    breaks()
                    secs, rec = fn.invoke(event())
                    got = actions(rec)
                    if got != expected:
                        raise RuntimeError("%s: actions %s, expected %s" % (name, got, expected))
                    out.setdefault((name, lat), []).append(secs)
            out[("cpu", lat)] = (fn.cpu_s() - cpu) / (repeat * len(scenarios(w)))
            w.notifications(timeout_s=0.05)  # keep the subscriber's queue short
    finally:
        front.latency_s = 0
        fn.stop()
    return out


def main():
    if len(sys.argv) < 4:
        print("usage: bench_restore.py LATENCY_MS REPEAT LABEL=BOOTSTRAP...", file=sys.stderr)
        return 2
    latency = int(sys.argv[1])
    repeat = int(sys.argv[2])
    builds = [a.split("=", 1) for a in sys.argv[3:]]
    lats = [0, latency] if latency > 0 else [0]
    w = harness.World()
    try:
        front = w.inspector2_front()
        results = {label: measure(w, front, path, lats, repeat) for label, path in builds}
    finally:
        w.stop()
    print("time-to-restore, median of %d (ms); every AWS call answered after the latency"
          % repeat)
    head = "%-10s %-8s" % ("scenario", "latency")
    for label, _ in builds:
        head += " %16s" % label
    print(head)
    for name in ("inspector", "registry", "both"):
        for lat in lats:
            line = "%-10s %5d ms" % (name, lat)
            for label, _ in builds:
                med = statistics.median(results[label][(name, lat)]) * 1000.0
                if lat:
                    line += " %8.1f (%4.2fx)" % (med, med / lat)
                else:
                    line += " %16.1f" % med
            print(line)
    for lat in lats:
        line = "%-10s %5d ms" % ("CPU/inv.", lat)
        for label, _ in builds:
            line += " %16.2f" % (results[label][("cpu", lat)] * 1000.0)
        print(line)
    print("CPU/inv.: the function's user+sys per invocation, all scenarios (ms, 10 ms ticks)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
