"""Organization mode benchmark (docs/contract.md §1.4), run by scripts/bench.sh org.

For each member count, an organization is built in moto_server (IAM authentication
on; the function's role holds template.yaml's policy for Scope=organization) behind
tests/peers/inspector2_org_front.py (ListMembers paging at 50, 100-id batches), and
build/bootstrap runs one scheduled drift check with every member drifted (ECR off),
then one with none drifted. Reported per run: the invocation's wall time (GET /next
to the answer), the bootstrap process's CPU time (user+sys, the whole process
including start-up), and the AWS calls by operation as the front saw them (plus the
admin's own account check and the SNS Publish, which do not go through the front).
Each configuration is run `repeat` times; the median is printed.

A third argument, LATENCY_MS (default 0), makes the front answer every Inspector2 and SNS
call after that long (a distant AWS), and adds a run with a third of the members drifted
("third": status reads of 100 find ~33 each, so Enable batches fill up across reads). The
Enable columns give the calls and their mean size; "reserve" is the time the run kept for
its notification (from the function's log).
"""

import os
import re
import resource
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "e2e"))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "peers"))

import harness  # noqa: E402
from inspector2_org_front import Inspector2OrgFront  # noqa: E402


def chunks(seq, n=100):
    return [seq[i:i + n] for i in range(0, len(seq), n)]


def one_run(world, front, env):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    run = harness.run_function(world, [world.scheduled_event()], env, timeout=600)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    (inv,) = run.invocations
    if not inv.ok:
        raise RuntimeError("invocation failed: %s" % inv.raw[:500])
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    with front.org_lock:
        calls = {}
        for op, _region, ids in front.org_calls:
            calls[op] = calls.get(op, 0) + 1
            if op == "Enable":
                calls["enabled"] = calls.get("enabled", 0) + len(ids)
    world.notifications(timeout_s=0.2)
    reserve = re.findall(r"reserve (\d+) ms", run.log)
    calls["reserve"] = int(reserve[-1]) if reserve else 0
    return run.latencies_ms[0], cpu * 1000.0, calls, inv.body["organization"]["regions"][0]


def main():
    counts = [int(x) for x in (sys.argv[1] if len(sys.argv) > 1 else "100,250,500,1000").split(",")]
    repeat = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    latency_ms = float(sys.argv[3]) if len(sys.argv) > 3 else 0.0
    labels = ("all", "third", "none") if latency_ms > 0 else ("all", "none")
    print("%8s %-12s %10s %10s %6s %6s %6s %6s %8s %8s" % (
        "members", "drifted", "wall ms", "cpu ms", "List", "BGAS", "Enable", "total",
        "ids/Enbl", "reserve"))
    for n in counts:
        world = harness.World()
        try:
            front = Inspector2OrgFront(upstream=world.endpoint, region=harness.REGION).start()
            world.front = front
            members = ["%012d" % (200000000000 + i * 7919) for i in range(n)]
            t0 = time.time()
            for m in members:
                world.inspector2.associate_member(accountId=m)
            setup_s = time.time() - t0
            world.good_state()
            env = world.function_env(SCOPE="organization",
                                     AWS_ENDPOINT_URL_INSPECTOR2=front.endpoint_url,
                                     AWS_ENDPOINT_URL_SNS=front.endpoint_url)
            for label in labels:
                walls, cpus, last = [], [], None
                for _ in range(repeat):
                    for c in chunks(members):
                        world.inspector2.enable(accountIds=c, resourceTypes=["ECR"])
                    off = members if label == "all" else members[::3] if label == "third" else []
                    for c in chunks(off):
                        world.inspector2.disable(accountIds=c, resourceTypes=["ECR"])
                    front.reset()
                    front.latency_s = latency_ms / 1000.0
                    wall, cpu, calls, region = one_run(world, front, env)
                    front.latency_s = 0.0
                    expect = len(off)
                    if region["drifted"] != expect or not region["complete"]:
                        raise RuntimeError("unexpected result: %r" % region)
                    walls.append(wall)
                    cpus.append(cpu)
                    last = calls
                total = sum(last.get(k, 0) for k in ("ListMembers", "BatchGetAccountStatus",
                                                         "Enable"))
                enables = last.get("Enable", 0)
                print("%8d %-12s %10.0f %10.0f %6d %6d %6d %6d %8s %8d" % (
                    n, label, statistics.median(walls), statistics.median(cpus),
                    last.get("ListMembers", 0), last.get("BatchGetAccountStatus", 0),
                    enables, total,
                    "%.1f" % (last.get("enabled", 0) / enables) if enables else "-",
                    last.get("reserve", 0)), flush=True)
            print("         (set-up: %d associate_member calls in %.1f s)" % (n, setup_s))
        finally:
            world.stop()
    print("AWS calls counted at the front: ListMembers, BatchGetAccountStatus (including the "
          "administrator's own account check's one) and Enable. Not counted: one "
          "DescribeOrganizationConfiguration per region, the account check's "
          "GetRegistryScanningConfiguration, and one SNS Publish when something drifted.")


if __name__ == "__main__":
    main()
