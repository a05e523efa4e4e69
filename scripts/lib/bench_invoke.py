#!/usr/bin/env python3
"""Whole-invocation timing for scripts/bench.sh function: N distinct CRITICAL findings,
each published to SNS (moto_server with IAM authentication), through build/bootstrap and
the local Runtime API server. Reports the median and p90 of the time between the
function's GET /next and its POST /response (as the server recorded them), and the
function's CPU time per invocation (user+sys of the whole process / N)."""

import os
import resource
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "e2e"))
import harness  # noqa: E402


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    world = harness.World()
    try:
        events = [world.finding_event("CRITICAL", finding_id="bench-%d" % i) for i in range(n)]
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        # The highest per-minute cap, so every finding is published (the default, 60,
        # would suppress all but the first 60 and measure less work).
        env = world.function_env(MAX_NOTIFICATIONS_PER_MINUTE="10000")
        run = harness.run_function(world, events, env=env, timeout=600)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        ok = sum(1 for inv in run.invocations if inv.ok and inv.body.get("notified"))
        if ok != n:
            print("only %d of %d invocations notified:\n%s" % (ok, n, run.log[-2000:]))
            return 1
        lat = sorted(run.latencies_ms)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        published = len(world.notifications())
        print("%d invocations, %d messages received by the SQS subscriber" % (n, published))
        print("invocation (GET /next -> POST /response, incl. SNS Publish): median %.2f ms, "
              "p90 %.2f ms" % (statistics.median(lat), lat[int(len(lat) * 0.9)]))
        print("function CPU (user+sys, whole process incl. start-up) per invocation: %.0f us"
              % (cpu * 1e6 / n))
    finally:
        world.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
