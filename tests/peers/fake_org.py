#!/usr/bin/env python3
"""fake_org: Inspector2's organization APIs for a large organization in many regions, fast.

moto holds an organization in Python objects it rebuilds on every ListMembers, so 10,000
members in 17 regions take minutes to set up and seconds per page. This peer (a FakeAws:
signatures are not checked, tests/e2e/test_org.py does that against moto) keeps each
region's members as a dict and answers with Inspector2's limits:

  - ListMembers: pages of at most maxResults (1..50, default 50) with an opaque nextToken,
    onlyAssociated honoured;
  - BatchGetAccountStatus / Enable: more than 100 accountIds -> 400 ValidationException;
  - DescribeOrganizationConfiguration / UpdateOrganizationConfiguration (autoEnable.ecr);
  - the administrator's own account check and SNS Publish as FakeAws answers them.

What benchmarks and tests read from it:

  - latency_s: every request waits this long before it is answered (a distant AWS);
  - calls: [(operation, region, start, end)] of every request, in arrival order;
  - in_flight_max: the most requests in flight at once; regions_in_flight_max: the most
    regions with a request in flight at once (regions really checked together);
    region_in_flight_max: {region: the most requests in flight there at once};
    read_while_paging: {region: how often a BatchGetAccountStatus and a ListMembers of the
    region were in flight at once (counted when the second of them arrives)};
  - published: the SNS Publish forms (FakeAws);
  - throttle(op, region, times): the next `times` calls of op there answer 429
    ThrottlingException.

The server is threaded: concurrent connections are served concurrently.

Python interface:
    org = FakeOrg(members=["200000000000", ...], regions=["us-east-1", ...]).start()
    org.drift(region, ids)         # ECR scanning off for those members there
    org.latency_s = 0.05
    org.stop()
"""

import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fake_aws import INSPECTOR2_PATHS, FakeAws, _Handler, _Server  # noqa: E402

PAGE_MAX = 50
IDS_MAX = 100
ORG_PATHS = {
    "/members/list": "inspector2:ListMembers",
    "/organizationconfiguration/describe": "inspector2:DescribeOrganizationConfiguration",
    "/organizationconfiguration/update": "inspector2:UpdateOrganizationConfiguration",
}


def _region(headers):
    auth = headers.get("Authorization", "")
    try:
        return auth.split("Credential=", 1)[1].split("/")[2]
    except IndexError:
        return ""


def _json(obj):
    return json.dumps(obj).encode()


def _error(status, code, message):
    return status, {"x-amzn-ErrorType": code, "Content-Type": "application/json"}, \
        _json({"message": message})


class FakeOrg(FakeAws):
    def __init__(self, members, regions, account="123456789012"):
        super().__init__(account=account)
        self.members = sorted(members)
        self.ecr = {r: dict.fromkeys(self.members, "ENABLED") for r in regions}
        self.auto_enable = {r: True for r in regions}
        self.latency_s = 0.0
        self.org_calls = []   # (operation, region, start, end)
        self.in_flight = {}   # region -> requests in flight
        self.in_flight_max = 0
        self.regions_in_flight_max = 0
        self.region_in_flight_max = {}  # region -> the most requests in flight there at once
        self.listing = {}     # region -> ListMembers requests in flight
        self.reading = {}     # region -> BatchGetAccountStatus requests in flight
        self.read_while_paging = {}  # region -> times a status read and a page were in flight
        self.throttles = {}   # (op, region) -> times left

    def start(self):
        fake = self

        class Handler(_OrgHandler):
            aws = fake

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.server.request_queue_size = 128
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def drift(self, region, ids):
        with self.lock:
            for a in ids:
                self.ecr[region][a] = "DISABLED"

    def heal(self):
        with self.lock:
            for states in self.ecr.values():
                for a in states:
                    states[a] = "ENABLED"

    def throttle(self, op, region, times):
        with self.lock:
            self.throttles[(op, region)] = times

    def reset_counts(self):
        with self.lock:
            self.org_calls = []
            self.in_flight_max = 0
            self.regions_in_flight_max = 0
            self.region_in_flight_max = {}
            self.read_while_paging = {}
            self.published = []

    def calls_of(self, op=None, region=None):
        with self.lock:
            return [c for c in self.org_calls
                    if (op is None or c[0] == op) and (region is None or c[1] == region)]

    # -- called by the handler --------------------------------------------------------------

    def enter(self, region, op):
        with self.lock:
            listing, reading = self.listing.get(region, 0), self.reading.get(region, 0)
            if op == "inspector2:ListMembers":
                self.listing[region] = listing + 1
                overlap = reading > 0
            elif op == "inspector2:BatchGetAccountStatus":
                self.reading[region] = reading + 1
                overlap = listing > 0
            else:
                overlap = False
            if overlap:
                self.read_while_paging[region] = self.read_while_paging.get(region, 0) + 1
            self.in_flight[region] = self.in_flight.get(region, 0) + 1
            total = sum(self.in_flight.values())
            busy = sum(1 for n in self.in_flight.values() if n > 0)
            self.in_flight_max = max(self.in_flight_max, total)
            self.regions_in_flight_max = max(self.regions_in_flight_max, busy)
            self.region_in_flight_max[region] = max(self.region_in_flight_max.get(region, 0),
                                                    self.in_flight[region])
            return time.time()

    def leave(self, op, region, start):
        with self.lock:
            if op == "inspector2:ListMembers":
                self.listing[region] -= 1
            elif op == "inspector2:BatchGetAccountStatus":
                self.reading[region] -= 1
            self.in_flight[region] -= 1
            self.org_calls.append((op, region, start, time.time()))

    def take_throttle(self, op, region):
        with self.lock:
            left = self.throttles.get((op, region), 0)
            if left > 0:
                self.throttles[(op, region)] = left - 1
                return True
            return False

    def org_answer(self, op, region, body):
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            return _error(400, "ValidationException", "body is not JSON")
        if region not in self.ecr:
            return _error(403, "AccessDeniedException", "not an administrator in " + region)
        if op == "inspector2:ListMembers":
            n = req.get("maxResults", PAGE_MAX)
            if not isinstance(n, int) or not 1 <= n <= PAGE_MAX:
                return _error(400, "ValidationException", "maxResults must be 1..%d" % PAGE_MAX)
            token = req.get("nextToken") or "page-0"
            if not token.startswith("page-") or not token[5:].isdigit():
                return _error(400, "ValidationException", "invalid nextToken")
            at = int(token[5:])
            page = self.members[at:at + n]
            out = {"members": [{"accountId": a, "relationshipStatus": "ENABLED",
                                "delegatedAdminAccountId": self.account} for a in page]}
            if at + n < len(self.members):
                out["nextToken"] = "page-%d" % (at + n)
            return 200, {}, _json(out)
        if op == "inspector2:DescribeOrganizationConfiguration":
            with self.lock:
                ecr = self.auto_enable[region]
            return 200, {}, _json({"autoEnable": {"ec2": False, "ecr": ecr, "lambda": False},
                                   "maxAccountLimitReached": False})
        if op == "inspector2:UpdateOrganizationConfiguration":
            with self.lock:
                self.auto_enable[region] = bool(req.get("autoEnable", {}).get("ecr"))
            return 200, {}, _json({"autoEnable": req.get("autoEnable", {})})
        ids = req.get("accountIds") or []
        if len(ids) > IDS_MAX:
            return _error(400, "ValidationException", "accountIds: at most %d" % IDS_MAX)
        states = self.ecr[region]
        with self.lock:
            if op == "inspector2:Enable":
                for a in ids:
                    states[a] = "ENABLED"
                return 200, {}, _json({"accounts": [
                    {"accountId": a, "status": "ENABLED", "resourceStatus": {"ecr": "ENABLED"}}
                    for a in ids], "failedAccounts": []})
            return 200, {}, _json({"accounts": [
                {"accountId": a, "state": {"status": "ENABLED"},
                 "resourceState": {"ecr": {"status": states.get(a, "DISABLED")}}}
                for a in ids], "failedAccounts": []})


class _OrgHandler(_Handler):
    def operation(self, body):
        if self.path in ORG_PATHS:
            return ORG_PATHS[self.path]
        return super().operation(body)

    def do_POST(self):
        region = _region(self.headers)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        op = self.operation(body)
        start = self.aws.enter(region, op)
        answer = None
        try:
            if self.aws.latency_s > 0:
                time.sleep(self.aws.latency_s)
            if self.aws.take_throttle(op, region):
                answer = _error(429, "ThrottlingException", "Rate exceeded")
            else:
                ids = json.loads(body or b"{}").get("accountIds") \
                    if op in INSPECTOR2_PATHS.values() else None
                if op in ORG_PATHS.values() or (ids and ids != [self.aws.account]):
                    answer = self.aws.org_answer(op, region, body)
                else:
                    answer = self.aws.answer(op, body)
        finally:
            # out of flight before the answer leaves: the caller's next request cannot
            # arrive while this one still counts
            self.aws.leave(op, region, start)
        try:
            self.reply(*answer)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True

    def reply(self, status, headers, data):
        self.send_response(status)
        headers = dict(headers)
        headers.setdefault("Content-Type", "application/json")
        for k, v in headers.items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
