#!/usr/bin/env python3
"""inspector2_front: the Inspector2 endpoint moto lacks, in front of moto.

moto 5.2 has no Inspector2 GetConfiguration / UpdateConfiguration (HTTP 404,
docs/emulator-notes.md §4). This small server on 127.0.0.1 (port 0) serves those two
operations itself and forwards every other request unchanged (Host and
Authorization included) to the upstream moto_server, so a client configured with
AWS_ENDPOINT_URL_INSPECTOR2=<front> sees one complete Inspector2.

For its own two operations it checks what AWS would:
  - the SigV4 signature, recomputed with botocore's signer from the headers the
    request says it signed (unknown key -> UnrecognizedClientException, wrong
    signature or session token -> InvalidSignatureException, both 403);
  - the caller's permissions: only actions granted with allow() pass
    (otherwise 403 AccessDeniedException naming the action);
  - the input: rescanDuration must be a known EcrRescanDuration (400 ValidationException).
Errors use the restJson1 format (x-amzn-ErrorType header, {"message": ...} body).

Python interface:
    front = Inspector2Front(upstream="http://127.0.0.1:PORT", region="us-east-1").start()
    front.endpoint_url
    front.allow(creds, ["inspector2:GetConfiguration", "inspector2:UpdateConfiguration"])
    front.configuration          # the current GetConfiguration answer (a dict)
    front.calls                  # [(operation, access key id, outcome), ...]
    front.latency_s = 0.05       # a distant AWS: every request (forwarded ones too) waits
    front.stop()

Other services forwarded through it (e.g. AWS_ENDPOINT_URL_SNS=<front>) get the same latency.

Command line (JSON lines, like moto_peer.py):
    python3 tests/peers/inspector2_front.py --upstream URL [--region R]
prints {"port": N, "endpoint": "http://127.0.0.1:N"}, then answers
    {"cmd":"allow","credentials":{AccessKeyId,SecretAccessKey,SessionToken?},"actions":[...]}
    {"cmd":"state"}  -> {"configuration": {...}, "calls": [...]}
    {"cmd":"stop"} or end of input
"""

import argparse
import copy
import hmac
import http.client
import json
import sys
import threading
import time
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from command_loop import serve_commands

RESCAN_DURATIONS = ("LIFETIME", "DAYS_3", "DAYS_7", "DAYS_14", "DAYS_30", "DAYS_60",
                    "DAYS_90", "DAYS_180")
MAX_BODY = 1024 * 1024
OPERATIONS = {"/configuration/get": "GetConfiguration",
              "/configuration/update": "UpdateConfiguration"}
HOP_BY_HOP = ("connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade",
              "proxy-authorization", "proxy-authenticate")


class ApiError(Exception):
    def __init__(self, status, code, message):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


class Inspector2Front:
    def __init__(self, upstream, region="us-east-1"):
        self.upstream = urllib.parse.urlsplit(upstream)
        self.region = region
        self.lock = threading.Lock()
        self.keys = {}  # access key id -> (secret, token, set of actions)
        self.configuration = {"ecrConfiguration": {"rescanDurationState": {
            "rescanDuration": "LIFETIME", "status": "SUCCESS", "updatedAt": time.time()}}}
        self.calls = []
        self.latency_s = 0.0  # every request waits this long before it is served
        self.server = None
        self.endpoint_url = None

    def allow(self, creds, actions):
        with self.lock:
            self.keys[creds["AccessKeyId"]] = (creds["SecretAccessKey"],
                                               creds.get("SessionToken"), set(actions))

    def start(self):
        front = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body are separate writes

            def log_message(self, fmt, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, MAX_BODY)) if length else b""
                if front.latency_s > 0:  # a distant AWS: every call waits this long
                    time.sleep(front.latency_s)
                path = self.path.split("?")[0]
                if path in OPERATIONS:
                    status, headers, data = front.serve(OPERATIONS[path], self, body)
                else:
                    status, headers, data = front.forward(self, body)
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.endpoint_url = "http://127.0.0.1:%d" % self.server.server_address[1]
        return self

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    # -- forwarding to moto ----------------------------------------------------
    def forward(self, handler, body):
        conn = http.client.HTTPConnection(self.upstream.hostname, self.upstream.port, timeout=30)
        try:
            headers = {k: v for k, v in handler.headers.items()
                       if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"}
            conn.request(handler.command, handler.path, body=body, headers=headers)
            r = conn.getresponse()
            data = r.read()
            out = [(k, v) for k, v in r.getheaders()
                   if k.lower() not in HOP_BY_HOP and k.lower() != "content-length"]
            return r.status, out, data
        finally:
            conn.close()

    # -- the two operations ----------------------------------------------------
    def serve(self, operation, handler, body):
        key = "-"
        try:
            key = self.authenticate(handler, body)
            self.authorize(key, operation)
            data = self.execute(operation, body)
            outcome = "ok"
            return 200, [("Content-Type", "application/json"),
                         ("x-amzn-RequestId", "front-%d" % len(self.calls))], data
        except ApiError as e:
            outcome = e.code
            return e.status, [("Content-Type", "application/json"),
                              ("x-amzn-ErrorType", e.code),
                              ("x-amzn-RequestId", "front-%d" % len(self.calls))], \
                json.dumps({"message": e.message}).encode()
        finally:
            with self.lock:
                self.calls.append((operation, key, outcome))

    def authenticate(self, handler, body):
        auth = handler.headers.get("Authorization", "")
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            raise ApiError(403, "MissingAuthenticationTokenException",
                           "Missing Authentication Token")
        fields = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
        scope = fields.get("Credential", "").split("/")
        if len(scope) != 5:
            raise ApiError(403, "IncompleteSignatureException", "Malformed Authorization header")
        key_id, _, region, service, _ = scope
        with self.lock:
            known = self.keys.get(key_id)
        if not known:
            raise ApiError(403, "UnrecognizedClientException",
                           "The security token included in the request is invalid.")
        secret, token, _ = known
        if token and handler.headers.get("X-Amz-Security-Token") != token:
            raise ApiError(403, "InvalidSignatureException",
                           "The security token included in the request is invalid.")
        signed = fields.get("SignedHeaders", "").split(";")
        if "host" not in signed or "x-amz-date" not in signed or service != "inspector2" \
                or region != self.region:
            raise ApiError(403, "InvalidSignatureException",
                           "Credential should be scoped to a valid region and service "
                           "inspector2, and sign host and x-amz-date.")
        req = AWSRequest(method=handler.command,
                         url="http://%s%s" % (handler.headers.get("Host"), handler.path),
                         data=body,
                         headers={h: handler.headers.get(h, "") for h in signed})
        req.context["timestamp"] = handler.headers.get("X-Amz-Date", "")
        signer = SigV4Auth(Credentials(key_id, secret, token), "inspector2", region)
        string_to_sign = signer.string_to_sign(req, signer.canonical_request(req))
        expected = signer.signature(string_to_sign, req)
        if not hmac.compare_digest(expected, fields.get("Signature", "")):
            raise ApiError(403, "InvalidSignatureException",
                           "The request signature we calculated does not match the signature "
                           "you provided. Check your AWS Secret Access Key and signing method.")
        return key_id

    def authorize(self, key_id, operation):
        with self.lock:
            actions = self.keys[key_id][2]
        if "inspector2:" + operation not in actions and "inspector2:*" not in actions:
            raise ApiError(403, "AccessDeniedException",
                           "User with access key %s is not authorized to perform: inspector2:%s"
                           % (key_id, operation))

    def execute(self, operation, body):
        try:
            doc = json.loads(body or b"{}")
        except ValueError:
            raise ApiError(400, "ValidationException", "Request body is not valid JSON")
        if not isinstance(doc, dict):
            raise ApiError(400, "ValidationException", "Request body is not a JSON object")
        with self.lock:
            if operation == "GetConfiguration":
                return json.dumps(self.configuration).encode()
            ecr = doc.get("ecrConfiguration")
            if not isinstance(ecr, dict) or ecr.get("rescanDuration") not in RESCAN_DURATIONS:
                raise ApiError(400, "ValidationException",
                               "1 validation error detected: Value at "
                               "'ecrConfiguration.rescanDuration' failed to satisfy constraint: "
                               "Member must satisfy enum value set: %s" % list(RESCAN_DURATIONS))
            self.configuration["ecrConfiguration"]["rescanDurationState"] = {
                "rescanDuration": ecr["rescanDuration"], "status": "SUCCESS",
                "updatedAt": time.time()}
            return b"{}"


def main():
    ap = argparse.ArgumentParser(description="Inspector2 configuration front for moto")
    ap.add_argument("--upstream", required=True)
    ap.add_argument("--region", default="us-east-1")
    ap.add_argument("--latency-ms", type=float, default=0.0,
                    help="every request waits this long before it is served")
    args = ap.parse_args()
    front = Inspector2Front(args.upstream, args.region).start()
    front.latency_s = args.latency_ms / 1000.0
    print(json.dumps({"port": front.server.server_address[1], "endpoint": front.endpoint_url}),
          flush=True)
    def handle(cmd):
        if cmd.get("cmd") == "allow":
            front.allow(cmd["credentials"], cmd.get("actions", []))
            return {"ok": True}
        if cmd.get("cmd") == "state":
            with front.lock:  # a copy taken under the lock: the server threads change them
                return copy.deepcopy({"configuration": front.configuration,
                                      "calls": front.calls})
        return {"error": "unknown cmd"}

    serve_commands(handle)
    front.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
