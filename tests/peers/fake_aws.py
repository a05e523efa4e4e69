#!/usr/bin/env python3
"""fake_aws: one local endpoint answering the AWS calls scanwarden makes, with faults on demand.

Inspector2 (restJson1: BatchGetAccountStatus, Enable, GetConfiguration, UpdateConfiguration,
GetClustersForImage answering the `clusters` attribute),
ECR (awsJson1_1: Get/PutRegistryScanningConfiguration) and SNS (awsQuery: Publish), told
apart by path, X-Amz-Target and Action, over one account's state. Point the function at it
with AWS_ENDPOINT_URL. Signatures are not checked (tests/e2e against moto_server do that);
what this adds is faults that moto cannot produce, scripted per operation:

    aws.fault("sns:Publish", {"status": 429, "code": "Throttling"}, times=10)
    aws.fault("inspector2:Enable", {"partial": "ACCESS_DENIED"})   # failedAccounts
    aws.fault("ecr:GetRegistryScanningConfiguration", {"action": "reset"})
    aws.fault("sns:Publish", {"action": "slow", "delay": 5})

A fault is {"status", "code", "message"} (an AWS error in the operation's protocol), or an
"action": "reset" (RST, no answer) or "slow" (wait "delay" seconds, then answer normally).
An error fault with "echo" quotes the request it refuses in its message, as AWS does:
"canonical" appends SignatureDoesNotMatch's "The Canonical String for this request should
have been ..." (with the x-amz-security-token line) and "The String-to-Sign should have been
..." (with the credential scope); "authorization" quotes the Authorization header (the access
key id) and the token, as IncompleteSignature messages do.
times=None repeats it for every call. Binds 127.0.0.1 port 0; records each call.
Also runnable alone: `fake_aws.py` prints {"port": N} and serves until stdin closes.
"""

import hashlib
import json
import socket
import struct
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs
from xml.sax.saxutils import escape

MAX_BODY = 8 * 1024 * 1024
MAX_DELAY_S = 30
ECR_TARGET = "AmazonEC2ContainerRegistry_V20150921."
INSPECTOR2_PATHS = {
    "/status/batch/get": "inspector2:BatchGetAccountStatus",
    "/enable": "inspector2:Enable",
    "/configuration/get": "inspector2:GetConfiguration",
    "/configuration/update": "inspector2:UpdateConfiguration",
    "/cluster/get": "inspector2:GetClustersForImage",
}


class FakeAws:
    def __init__(self, account="123456789012"):
        self.account = account
        self.lock = threading.Lock()
        self.ecr_status = "ENABLED"
        self.scan_config = {"scanType": "ENHANCED", "rules": [{
            "scanFrequency": "CONTINUOUS_SCAN",
            "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}]}
        self.rescan_duration = "LIFETIME"
        self.clusters = []   # GetClustersForImage "cluster" list (ClusterInformation objects)
        self.faults = {}     # op -> [fault, remaining (None: always)]
        self.calls = []      # (op, time) per request
        self.published = []  # {"Subject", "Message", "TopicArn"} per successful Publish
        self.server = None

    # -- control ----------------------------------------------------------------------------

    def start(self):
        fake = self

        class Handler(_Handler):
            aws = fake

        self.server = _Server(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    @property
    def endpoint_url(self):
        return "http://127.0.0.1:%d" % self.server.server_address[1]

    def fault(self, op, fault, times=1):
        with self.lock:
            self.faults[op] = [fault, times]

    def break_state(self):
        """Inspector ECR scanning disabled and the registry on BASIC scan-on-push."""
        with self.lock:
            self.ecr_status = "DISABLED"
            self.scan_config = {"scanType": "BASIC", "rules": [{
                "scanFrequency": "SCAN_ON_PUSH",
                "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}]}

    def ops(self):
        with self.lock:
            return [op for op, _ in self.calls]

    # -- answers ----------------------------------------------------------------------------

    def take_fault(self, op):
        with self.lock:
            self.calls.append((op, time.time()))
            entry = self.faults.get(op)
            if entry is None:
                return None
            fault, remaining = entry
            if remaining is not None:
                if remaining <= 1:
                    del self.faults[op]
                else:
                    entry[1] = remaining - 1
            return fault

    def answer(self, op, body):
        """(status, headers, body bytes) for a successful call of op."""
        with self.lock:
            if op == "inspector2:BatchGetAccountStatus":
                return 200, {}, _json({"accounts": [{
                    "accountId": self.account, "state": {"status": "ENABLED"},
                    "resourceState": {
                        r: {"status": self.ecr_status if r == "ecr" else "DISABLED"}
                        for r in ("ec2", "ecr", "lambda", "lambdaCode", "codeRepository")}}],
                    "failedAccounts": []})
            if op == "inspector2:Enable":
                self.ecr_status = "ENABLED"
                return 200, {}, _json({"accounts": [{
                    "accountId": self.account, "status": "ENABLED",
                    "resourceStatus": {"ec2": "DISABLED", "ecr": "ENABLED",
                                       "lambda": "DISABLED"}}], "failedAccounts": []})
            if op == "inspector2:GetConfiguration":
                return 200, {}, _json({"ecrConfiguration": {"rescanDurationState": {
                    "rescanDuration": self.rescan_duration, "status": "SUCCESS",
                    "updatedAt": 1700000000}}})
            if op == "inspector2:UpdateConfiguration":
                req = json.loads(body or b"{}")
                self.rescan_duration = req.get("ecrConfiguration", {}).get(
                    "rescanDuration", self.rescan_duration)
                return 200, {}, b"{}"
            if op == "inspector2:GetClustersForImage":
                return 200, {}, _json({"cluster": self.clusters})
            if op == "ecr:GetRegistryScanningConfiguration":
                return 200, {}, _json({"registryId": self.account,
                                       "scanningConfiguration": self.scan_config})
            if op == "ecr:PutRegistryScanningConfiguration":
                req = json.loads(body or b"{}")
                self.scan_config = {"scanType": req.get("scanType"),
                                    "rules": req.get("rules", [])}
                return 200, {}, _json({"registryScanningConfiguration": self.scan_config})
            if op == "sns:Publish":
                try:  # strictly: invalid UTF-8 would otherwise become U+FFFD unnoticed
                    form = {k: v[0] for k, v in parse_qs(body.decode("utf-8"),
                                                         keep_blank_values=True,
                                                         errors="strict").items()}
                except UnicodeDecodeError as e:
                    return 400, {}, _json({"__type": "InvalidParameter",
                                           "message": "Publish is not valid UTF-8: %s" % e})
                self.published.append(form)
                mid = str(uuid.uuid4())
                return 200, {"Content-Type": "text/xml"}, (
                    "<PublishResponse xmlns=\"http://sns.amazonaws.com/doc/2010-03-31/\">"
                    "<PublishResult><MessageId>%s</MessageId></PublishResult>"
                    "<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata>"
                    "</PublishResponse>" % (mid, uuid.uuid4())).encode()
        return 400, {}, _json({"__type": "UnknownOperationException", "message": op})

    def partial_enable(self, code):
        return 200, {}, _json({"accounts": [], "failedAccounts": [{
            "accountId": self.account, "status": "DISABLED",
            "resourceStatus": {"ecr": "DISABLED"}, "errorCode": code,
            "errorMessage": "The account is not permitted to enable Inspector for ECR"}]})


def _json(obj):
    return json.dumps(obj).encode()


def error_answer(op, status, code, message):
    """An AWS error in op's protocol."""
    rid = str(uuid.uuid4())
    if op.startswith("inspector2:"):
        return status, {"x-amzn-ErrorType": code, "x-amzn-RequestId": rid,
                        "Content-Type": "application/json"}, _json({"message": message})
    if op.startswith("ecr:"):
        return status, {"x-amzn-RequestId": rid, "Content-Type": "application/x-amz-json-1.1"}, \
            _json({"__type": code, "message": message})
    return status, {"Content-Type": "text/xml"}, (
        "<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message>"
        "</Error><RequestId>%s</RequestId></ErrorResponse>"
        % (escape(code), escape(message), rid)).encode()


def signing_echo(kind, message, path, headers, body):
    """message followed by what AWS quotes back from a refused request (see the docstring)."""
    auth = headers.get("Authorization", "")
    fields = dict(part.strip().split("=", 1) for part in auth.split(" ", 1)[-1].split(",")
                  if "=" in part)
    credential = fields.get("Credential", "")
    signed = fields.get("SignedHeaders", "")
    if kind == "authorization":
        return "%s Authorization=%s x-amz-security-token=%s" % (
            message, auth, headers.get("X-Amz-Security-Token", ""))
    canonical = "POST\n%s\n\n%s\n\n%s\n%s" % (
        path, "".join("%s:%s\n" % (h, (headers.get(h) or "").strip())
                      for h in signed.split(";") if h),
        signed, hashlib.sha256(body).hexdigest())
    scope = credential.split("/", 1)[-1]
    string_to_sign = "AWS4-HMAC-SHA256\n%s\n%s\n%s" % (
        headers.get("X-Amz-Date", ""), scope, hashlib.sha256(canonical.encode()).hexdigest())
    return ("%s\n\nThe Canonical String for this request should have been\n'%s'\n\n"
            "The String-to-Sign should have been\n'%s'\n" % (message, canonical, string_to_sign))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    aws = None  # set by FakeAws.start

    def log_message(self, fmt, *args):
        pass

    def operation(self, body):
        target = self.headers.get("X-Amz-Target", "")
        if target.startswith(ECR_TARGET):
            return "ecr:" + target[len(ECR_TARGET):]
        if self.path in INSPECTOR2_PATHS:
            return INSPECTOR2_PATHS[self.path]
        if b"Action=Publish" in body:
            return "sns:Publish"
        return "unknown:" + self.path

    def do_POST(self):
        try:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(min(length, MAX_BODY)) if length else b""
            op = self.operation(body)
            fault = self.aws.take_fault(op)
            if fault and fault.get("action") == "reset":
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                           struct.pack("ii", 1, 0))
                self.close_connection = True
                self.connection.close()
                return
            if fault and fault.get("action") == "slow":
                time.sleep(min(float(fault.get("delay", 5)), MAX_DELAY_S))
                fault = None
            if fault and "partial" in fault:
                status, headers, data = self.aws.partial_enable(fault["partial"])
            elif fault:
                message = fault.get("message", "fake_aws fault")
                if fault.get("echo"):
                    message = signing_echo(fault["echo"], message, self.path, self.headers, body)
                status, headers, data = error_answer(op, int(fault.get("status", 400)),
                                                     fault.get("code", "ValidationException"),
                                                     message)
            else:
                status, headers, data = self.aws.answer(op, body)
            self.send_response(status)
            headers.setdefault("Content-Type", "application/json")
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (its timeout): expected


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


def main():
    aws = FakeAws().start()
    print(json.dumps({"port": aws.server.server_address[1]}), flush=True)
    try:
        sys.stdin.read()
    finally:
        aws.stop()


if __name__ == "__main__":
    main()
