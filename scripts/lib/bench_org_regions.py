"""Organization check at scale (docs/benchmarks.md), run by scripts/bench.sh org-regions.

One scheduled run of build/bootstrap with SCOPE=organization and REGIONS set to the first R
of 17 regions, against tests/peers/fake_org.py (Inspector2's organization APIs with their
page and batch limits, every call answered after LATENCY_MS, threaded), for each member
count x region count. Nothing drifted (the steady state of an hourly run) unless DRIFTED
(a fraction) is set. Reported per configuration: the invocation's wall time (GET /next to
the answer; the deadline is 15 minutes so that nothing is cut), the AWS calls the peer
served, the most regions that had a request in flight at once, the bootstrap's CPU time
(user+sys, the whole process) and its peak RSS (the process's own, from wait4).

Usage: bench_org_regions.py BOOTSTRAP[,BOOTSTRAP...] COUNTS REGIONS LATENCY_MS [SKIP]
  several bootstraps (e.g. before,after) are run side by side; SKIP is a comma list of
  "label:MEMBERSxREGIONS" left out (too long to wait for), printed as "-".
"""

import json
import os
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "peers"))

from fake_org import FakeOrg  # noqa: E402
from runtime_api_server import RuntimeApiServer  # noqa: E402

ACCOUNT = "123456789012"
REGIONS = ["us-east-1", "us-east-2", "us-west-1", "us-west-2", "eu-west-1", "eu-west-2",
           "eu-west-3", "eu-central-1", "eu-north-1", "ap-south-1", "ap-northeast-1",
           "ap-northeast-2", "ap-northeast-3", "ap-southeast-1", "ap-southeast-2",
           "ca-central-1", "sa-east-1"]
DEADLINE_MS = 15 * 60 * 1000


def env_for(org, regions, extra):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "AWS_REGION": REGIONS[0],
        "AWS_ACCESS_KEY_ID": "ASIAFAKEACCESSKEY123",
        "AWS_SECRET_ACCESS_KEY": "fakeSecretKey/+zZ9EXAMPLEKEYabcdefghij0123",
        "AWS_SESSION_TOKEN": "IQoJb3JpZ2luX2VjEFAKESESSIONTOKEN",
        "AWS_ENDPOINT_URL": org.endpoint_url,
        "AWS_LAMBDA_FUNCTION_NAME": "scanwarden",
        "AWS_LAMBDA_LOG_FORMAT": "TEXT",
        "AWS_LAMBDA_LOG_LEVEL": "WARN",
        "SNS_TOPIC_ARN": "arn:aws:sns:%s:%s:scanwarden-alerts" % (REGIONS[0], ACCOUNT),
        "SCOPE": "organization",
        "REGIONS": ",".join(regions),
    }
    env.update(extra)
    return env


def scheduled():
    return {"version": "0", "id": "bench", "detail-type": "Scheduled Event",
            "source": "aws.events", "account": ACCOUNT, "time": "2026-01-01T00:00:00Z",
            "region": REGIONS[0], "resources": [], "detail": {}}


def one_run(bootstrap, org, regions, extra=None):
    """(wall ms, cpu s, peak RSS KiB, invocation body)."""
    arn = "arn:aws:lambda:%s:%s:function:scanwarden" % (REGIONS[0], ACCOUNT)
    queue = [{"payload": scheduled(), "deadline_ms_from_now": DEADLINE_MS,
              "headers": {"Lambda-Runtime-Invoked-Function-Arn": arn}}]
    with RuntimeApiServer(events=queue, on_empty="500") as srv:
        env = dict(env_for(org, regions, extra or {}), AWS_LAMBDA_RUNTIME_API=srv.address)
        p = subprocess.Popen([bootstrap], env=env, stdout=subprocess.DEVNULL,
                             stderr=subprocess.PIPE)
        err = p.stderr.read()
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = status
        time.sleep(0.1)
        records = list(srv.records)
    got, t_next, wall = None, None, None
    for rec in records:
        if rec.get("method") == "GET":
            t_next = rec.get("t")
        elif rec["path"].endswith("/response"):
            wall = (rec["t"] - t_next) * 1000.0
            got = rec.get("body")
    if got is None:
        raise RuntimeError("no answer from %s:\n%s" % (bootstrap, err.decode()[-3000:]))
    body = json.loads(got) if isinstance(got, (str, bytes)) else got
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss, body


def main():
    bootstraps = sys.argv[1].split(",")
    counts = [int(x) for x in sys.argv[2].split(",")]
    region_counts = [int(x) for x in sys.argv[3].split(",")]
    latency_s = float(sys.argv[4]) / 1000.0
    skip = set(sys.argv[5].split(",")) if len(sys.argv) > 5 and sys.argv[5] else set()
    drifted = float(os.environ.get("DRIFTED", "0"))
    labels = [os.environ.get("LABELS", "").split(",")[i]
              if os.environ.get("LABELS") else os.path.basename(os.path.dirname(b))
              for i, b in enumerate(bootstraps)]
    print("latency %.0f ms per call; drifted %.2f; ORG_REGION_CONCURRENCY %s" % (
        latency_s * 1000, drifted, os.environ.get("ORG_REGION_CONCURRENCY", "default (8)")))
    print("%-8s %7s %7s %9s %6s %8s %8s %9s %s" % (
        "build", "members", "regions", "wall s", "calls", "cpu s", "rss MiB", "together",
        "complete"))
    for n in counts:
        # account ids spread over the id space, as real ones are (the rotation starts at an id)
        members = ["%012d" % a for a in random.Random(n).sample(range(10**11, 10**12), n)]
        for r in region_counts:
            regions = REGIONS[:r]
            org = FakeOrg(members, regions, account=ACCOUNT).start()
            try:
                for label, bootstrap in zip(labels, bootstraps):
                    if "%s:%dx%d" % (label, n, r) in skip:
                        print("%-8s %7d %7d %9s" % (label, n, r, "-"), flush=True)
                        continue
                    org.heal()
                    if drifted > 0:
                        for reg in regions:
                            org.drift(reg, members[::int(round(1 / drifted))])
                    org.reset_counts()
                    org.latency_s = latency_s
                    extra = {k: os.environ[k] for k in ("ORG_REGION_CONCURRENCY",
                                                        "MAX_AWS_REQUESTS_PER_SECOND")
                             if os.environ.get(k)}
                    wall, cpu, rss, body = one_run(bootstrap, org, regions, extra)
                    org.latency_s = 0.0
                    regs = body.get("organization", {}).get("regions", [])
                    complete = sum(1 for x in regs if x.get("complete"))
                    print("%-8s %7d %7d %9.1f %6d %8.2f %8.1f %9d %d/%d" % (
                        label, n, r, wall / 1000.0, len(org.org_calls), cpu, rss / 1024.0,
                        org.regions_in_flight_max, complete, r), flush=True)
            finally:
                org.stop()
    print("wall: the invocation (GET /next to the answer); calls: every request the peer "
          "served (the administrator's own checks included); together: the most regions with "
          "a request in flight at once; rss: the bootstrap's peak RSS (wait4).")


if __name__ == "__main__":
    main()
