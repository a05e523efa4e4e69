#!/usr/bin/env python3
"""securityhub_front: Security Hub's BatchUpdateFindings, which moto lacks, in front of moto.

moto 5.2 does not implement BatchUpdateFindings. This server on 127.0.0.1 (port 0) serves
PATCH /findings/batchupdate itself and forwards every other request unchanged to the upstream
moto_server (like inspector2_front.py, whose forwarding it reuses), so a client configured
with AWS_ENDPOINT_URL_SECURITYHUB=<front> sees the operation.

For BatchUpdateFindings it checks what AWS would:
  - the SigV4 signature for service securityhub (as inspector2_front.py checks inspector2's);
  - the caller's permissions: only keys granted securityhub:BatchUpdateFindings with allow()
    pass (otherwise 403 AccessDeniedException);
  - the input against the operation's shape: FindingIdentifiers required, 1 to 100 of them,
    each with non-empty string Id and ProductArn; Workflow.Status one of NEW, NOTIFIED,
    RESOLVED, SUPPRESSED; Note with both Text and UpdatedBy, non-empty, at most 512
    characters each; no member the operation does not have (400 InvalidInputException).
Findings added with add_finding() are updated (Workflow.Status, Notes appended); others are
answered as UnprocessedFindings (FindingNotFound), as Security Hub does.

Python interface:
    front = SecurityHubFront(upstream="http://127.0.0.1:PORT", region="us-east-1").start()
    front.allow(creds, ["securityhub:BatchUpdateFindings"])
    front.add_finding(finding_id, product_arn)   # Workflow.Status NEW, no note
    front.findings[(finding_id, product_arn)]    # {"Workflow": {...}, "Notes": [...]}
    front.calls                                  # [(operation, access key id, outcome, body)]
    front.fail_with = (500, "InternalException") # every update answered with this error
    front.stop()
"""

import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials

from inspector2_front import ApiError, Inspector2Front

PATH = "/findings/batchupdate"
ACTION = "securityhub:BatchUpdateFindings"
WORKFLOW = ("NEW", "NOTIFIED", "RESOLVED", "SUPPRESSED")
MEMBERS = {"FindingIdentifiers", "Note", "Severity", "VerificationState", "Confidence",
           "Criticality", "Types", "UserDefinedFields", "Workflow", "RelatedFindings"}
NOTE_MAX = 512
MAX_BODY = 1024 * 1024


def invalid(message):
    return ApiError(400, "InvalidInputException", message)


def check_shape(doc):
    """Raises InvalidInputException when doc does not fit BatchUpdateFindings' input."""
    if not isinstance(doc, dict):
        raise invalid("the request body is not a JSON object")
    unknown = set(doc) - MEMBERS
    if unknown:
        raise invalid("unknown members: %s" % sorted(unknown))
    ids = doc.get("FindingIdentifiers")
    if not isinstance(ids, list) or not 1 <= len(ids) <= 100:
        raise invalid("FindingIdentifiers is required: a list of 1 to 100 identifiers")
    for i in ids:
        if not isinstance(i, dict) or set(i) != {"Id", "ProductArn"} or \
                not all(isinstance(i[k], str) and i[k] for k in ("Id", "ProductArn")):
            raise invalid("each FindingIdentifier needs a non-empty Id and ProductArn")
    if "Workflow" in doc:
        w = doc["Workflow"]
        if not isinstance(w, dict) or set(w) - {"Status"} or w.get("Status") not in WORKFLOW:
            raise invalid("Workflow.Status must be one of %s" % list(WORKFLOW))
    if "Note" in doc:
        n = doc["Note"]
        if not isinstance(n, dict) or set(n) != {"Text", "UpdatedBy"}:
            raise invalid("Note needs Text and UpdatedBy")
        for k in ("Text", "UpdatedBy"):
            if not isinstance(n[k], str) or not 1 <= len(n[k]) <= NOTE_MAX:
                raise invalid("Note.%s must be 1 to %d characters" % (k, NOTE_MAX))


class SecurityHubFront(Inspector2Front):
    def __init__(self, upstream, region="us-east-1"):
        super().__init__(upstream, region)
        self.findings = {}
        self.fail_with = None

    def add_finding(self, finding_id, product_arn):
        with self.lock:
            self.findings[(finding_id, product_arn)] = {"Workflow": {"Status": "NEW"},
                                                        "Notes": []}

    def start(self):
        front = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def log_message(self, fmt, *args):
                pass

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(min(length, MAX_BODY)) if length else b""
                if self.command == "PATCH" and self.path.split("?")[0] == PATH:
                    status, headers, data = front.serve_update(self, body)
                else:
                    status, headers, data = front.forward(self, body)
                self.send_response(status)
                for k, v in headers:
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PATCH = do_PUT = do_DELETE = do_POST

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.endpoint_url = "http://127.0.0.1:%d" % self.server.server_address[1]
        return self

    def serve_update(self, handler, body):
        key, outcome, doc = "-", "ok", None
        try:
            key = self.authenticate_securityhub(handler, body)
            with self.lock:
                actions = self.keys[key][2]
            if ACTION not in actions and "securityhub:*" not in actions:
                raise ApiError(403, "AccessDeniedException",
                               "User with access key %s is not authorized to perform: %s"
                               % (key, ACTION))
            try:
                doc = json.loads(body or b"{}")
            except ValueError:
                raise invalid("the request body is not valid JSON")
            check_shape(doc)
            if self.fail_with:
                raise ApiError(self.fail_with[0], self.fail_with[1], "injected failure")
            data = json.dumps(self.update(doc)).encode()
            return 200, [("Content-Type", "application/json"),
                         ("x-amzn-RequestId", "sh-%d" % len(self.calls))], data
        except ApiError as e:
            outcome = e.code
            return e.status, [("Content-Type", "application/json"),
                              ("x-amzn-ErrorType", e.code),
                              ("x-amzn-RequestId", "sh-%d" % len(self.calls))], \
                json.dumps({"Message": e.message, "Code": e.code}).encode()
        finally:
            with self.lock:
                self.calls.append(("BatchUpdateFindings", key, outcome, doc))

    def authenticate_securityhub(self, handler, body):
        """inspector2_front.py's checks, for service securityhub."""
        auth = handler.headers.get("Authorization", "")
        scope = auth.split("Credential=", 1)[-1].split(",", 1)[0].split("/")
        if len(scope) != 5 or scope[3] != "securityhub":
            raise ApiError(403, "InvalidSignatureException",
                           "Credential should be scoped to service securityhub")
        return self.authenticate_as(handler, body, "securityhub")

    def authenticate_as(self, handler, body, service):
        auth = handler.headers.get("Authorization", "")
        if not auth.startswith("AWS4-HMAC-SHA256 "):
            raise ApiError(403, "MissingAuthenticationTokenException",
                           "Missing Authentication Token")
        fields = dict(p.strip().split("=", 1) for p in auth[len("AWS4-HMAC-SHA256 "):].split(","))
        key_id, _, region, _, _ = fields.get("Credential", "").split("/")
        with self.lock:
            known = self.keys.get(key_id)
        if not known:
            raise ApiError(403, "UnrecognizedClientException",
                           "The security token included in the request is invalid.")
        secret, token, _ = known
        if token and handler.headers.get("X-Amz-Security-Token") != token:
            raise ApiError(403, "InvalidSignatureException", "The security token is invalid.")
        signed = fields.get("SignedHeaders", "").split(";")
        if "host" not in signed or "x-amz-date" not in signed or region != self.region:
            raise ApiError(403, "InvalidSignatureException", "Bad credential scope")
        req = AWSRequest(method=handler.command,
                         url="http://%s%s" % (handler.headers.get("Host"), handler.path),
                         data=body, headers={h: handler.headers.get(h, "") for h in signed})
        req.context["timestamp"] = handler.headers.get("X-Amz-Date", "")
        signer = SigV4Auth(Credentials(key_id, secret, token), service, region)
        expected = signer.signature(signer.string_to_sign(req, signer.canonical_request(req)), req)
        if not hmac.compare_digest(expected, fields.get("Signature", "")):
            raise ApiError(403, "InvalidSignatureException",
                           "The request signature we calculated does not match the signature "
                           "you provided.")
        return key_id

    def update(self, doc):
        done, left = [], []
        with self.lock:
            for ident in doc["FindingIdentifiers"]:
                f = self.findings.get((ident["Id"], ident["ProductArn"]))
                if f is None:
                    left.append({"FindingIdentifier": ident, "ErrorCode": "FindingNotFound",
                                 "ErrorMessage": "Finding not found"})
                    continue
                if "Workflow" in doc:
                    f["Workflow"] = dict(doc["Workflow"])
                if "Note" in doc:
                    f["Notes"].append(dict(doc["Note"], UpdatedAt=time.time()))
                done.append(ident)
        return {"ProcessedFindings": done, "UnprocessedFindings": left}
