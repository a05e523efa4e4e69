#!/usr/bin/env python3
"""inspector2_org_front: Inspector2's organization limits, which moto lacks, in front of moto.

moto 5.2 ignores ListMembers' maxResults/nextToken/onlyAssociated, accepts more
than 100 account ids in BatchGetAccountStatus and Enable, and never answers
failedAccounts (docs/emulator-notes.md §14). This front (an Inspector2Front, so it also serves
GetConfiguration/UpdateConfiguration) adds them while moto keeps the state and
checks the signature and IAM permissions of every request it forwards:

  - ListMembers: pages of at most maxResults (1..50, default 50) with an opaque
    nextToken; onlyAssociated keeps members whose relationshipStatus is ENABLED;
  - BatchGetAccountStatus / Enable: more than 100 accountIds -> 400 ValidationException;
  - Enable: accounts in fail_enable are answered in failedAccounts with the given
    error (and set back to DISABLED in moto through the undo callback, since moto
    enabled them);
  - delay_s: the next `slow_calls` BatchGetAccountStatus/Enable calls wait this long
    before answering (a slow AWS, to test the deadline cut);
  - list_delay_s: {region: seconds} every ListMembers page there waits this long;
  - org_calls: [(operation, region, [account ids]), ...] of those three operations;
  - enabled_ok: [(region, account id), ...] every account an Enable answered as enabled
    (its successes, as the caller was told them);
  - publishes, publish_bodies: the SNS Publish requests forwarded through it
    (AWS_ENDPOINT_URL_SNS=<front>) and their bodies;
  - latency_s (Inspector2Front): every request, forwarded ones too, waits this long.

Python interface:
    front = Inspector2OrgFront(upstream=moto_url, region="us-east-1").start()
    front.fail_enable["123456789012"] = ("AccessDeniedException", "message")
    front.undo_enable = lambda region, ids: ...
    front.stop()
"""

import json
import os
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from inspector2_front import Inspector2Front  # noqa: E402

MEMBERS_PAGE_MAX = 50
ACCOUNT_IDS_MAX = 100


def _error(status, code, message):
    return status, [("Content-Type", "application/json"), ("x-amzn-ErrorType", code)], \
        json.dumps({"message": message}).encode()


def _region(handler):
    auth = handler.headers.get("Authorization", "")
    try:
        return auth.split("Credential=", 1)[1].split("/")[2]
    except IndexError:
        return ""


class Inspector2OrgFront(Inspector2Front):
    def __init__(self, upstream, region="us-east-1"):
        super().__init__(upstream, region=region)
        self.fail_enable = {}
        self.undo_enable = None
        self.delay_s = 0.0
        self.slow_calls = 0
        self.list_delay_s = {}
        self.org_calls = []
        self.enabled_ok = []
        self.publishes = 0
        self.publish_bodies = []
        self.org_lock = threading.Lock()

    def reset(self):
        with self.org_lock:
            self.fail_enable = {}
            self.delay_s = 0.0
            self.slow_calls = 0
            self.list_delay_s = {}
            self.org_calls = []
            self.enabled_ok = []
            self.publishes = 0
            self.publish_bodies = []
            self.latency_s = 0.0

    def calls_of(self, operation, region=None):
        with self.org_lock:
            return [ids for op, r, ids in self.org_calls
                    if op == operation and (region is None or r == region)]

    def forward(self, handler, body):
        path = handler.path.split("?")[0]
        if path == "/members/list":
            return self.list_members(handler, body)
        if path in ("/status/batch/get", "/enable"):
            return self.batch(handler, body, "Enable" if path == "/enable" else
                              "BatchGetAccountStatus")
        if b"Action=Publish" in (body or b""):
            with self.org_lock:
                self.publishes += 1
                self.publish_bodies.append(body)
        return super().forward(handler, body)

    def _record(self, operation, handler, ids):
        with self.org_lock:
            self.org_calls.append((operation, _region(handler), list(ids)))
            slow = self.slow_calls > 0 and operation != "ListMembers"
            if slow:
                self.slow_calls -= 1
            return self.delay_s if slow else 0.0

    def list_members(self, handler, body):
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            return _error(400, "ValidationException", "body is not JSON")
        self._record("ListMembers", handler, [])
        delay = self.list_delay_s.get(_region(handler), 0.0)
        if delay:
            time.sleep(delay)
        max_results = req.get("maxResults", MEMBERS_PAGE_MAX)
        if not isinstance(max_results, int) or not 1 <= max_results <= MEMBERS_PAGE_MAX:
            return _error(400, "ValidationException",
                          "maxResults must be between 1 and %d" % MEMBERS_PAGE_MAX)
        token = req.get("nextToken") or "0"
        if not token.startswith("page-") and token != "0":
            return _error(400, "ValidationException", "invalid nextToken")
        offset = int(token[5:]) if token != "0" else 0
        status, headers, data = super().forward(handler, body)  # moto checks auth and IAM
        if status != 200:
            return status, headers, data
        members = json.loads(data).get("members", [])
        if req.get("onlyAssociated", True):
            members = [m for m in members if m.get("relationshipStatus") == "ENABLED"]
        page = members[offset:offset + max_results]
        out = {"members": page}
        if offset + max_results < len(members):
            out["nextToken"] = "page-%d" % (offset + max_results)
        headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
        return 200, headers + [("Content-Type", "application/json")], json.dumps(out).encode()

    def batch(self, handler, body, operation):
        try:
            req = json.loads(body or b"{}")
        except ValueError:
            return _error(400, "ValidationException", "body is not JSON")
        ids = req.get("accountIds") or []
        delay = self._record(operation, handler, ids)
        if len(ids) > ACCOUNT_IDS_MAX:
            return _error(400, "ValidationException",
                          "1 validation error detected: Value at 'accountIds' failed to satisfy "
                          "constraint: Member must have length less than or equal to %d"
                          % ACCOUNT_IDS_MAX)
        if delay:
            time.sleep(delay)
        status, headers, data = super().forward(handler, body)
        if status != 200 or operation != "Enable":
            return status, headers, data
        region = _region(handler)
        with self.org_lock:
            failing = {a: self.fail_enable[a] for a in ids if a in self.fail_enable}
            answered = [a.get("accountId") for a in json.loads(data).get("accounts", [])]
            self.enabled_ok.extend((region, a) for a in answered if a not in failing)
        if not failing:
            return status, headers, data
        if self.undo_enable:
            self.undo_enable(_region(handler), sorted(failing))
        doc = json.loads(data)
        doc["accounts"] = [a for a in doc.get("accounts", []) if a.get("accountId") not in failing]
        doc["failedAccounts"] = [
            {"accountId": a, "status": "DISABLED", "errorCode": code, "errorMessage": msg,
             "resourceStatus": {"ec2": "DISABLED", "ecr": "DISABLED", "lambda": "DISABLED"}}
            for a, (code, msg) in sorted(failing.items())]
        headers = [(k, v) for k, v in headers if k.lower() != "content-type"]
        return 200, headers + [("Content-Type", "application/json")], json.dumps(doc).encode()
