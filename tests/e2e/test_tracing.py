"""Tracing end to end (docs/operations.md, "Tracing"): build/bootstrap behind a recording
proxy in front of moto_server and a UDP listener standing in for the X-Ray daemon.

Every AWS request the function makes in an invocation carries that invocation's trace
header (Lambda-Runtime-Trace-Id) as X-Amzn-Trace-Id, unsigned; with Sampled=1 each AWS
call arrives at the daemon as one valid subsegment of the function's segment (ids, times,
service, operation, region, status, flags; no secret); with Sampled=0 nothing is sent; a
missing daemon changes nothing in the invocation's answer."""

import http.client
import http.server
import json
import os
import re
import socket
import sys
import threading
import unittest

import harness
from harness import WorldTestCase, run_function

sys.path.insert(0, os.path.join(harness.SOURCE_DIR, "tests", "peers"))
from local_http import LocalHttpServer  # noqa: E402

ROOT = "1-6a1f3c2e-0123456789abcdef01234567"
PARENT = "a1b2c3d4e5f60718"
SAMPLED = "Root=%s;Parent=%s;Sampled=1" % (ROOT, PARENT)
UNSAMPLED = "Root=%s;Parent=%s;Sampled=0" % (ROOT, PARENT)
HEAD = b'{"format":"json","version":1}\n'
SERVICES = {"inspector2", "ecr", "sns", "sts", "sqs"}
HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "content-length"}


class RecordingProxy(LocalHttpServer):
    """Forwards every request to moto unchanged (so moto checks the signature) and records
    its headers."""

    def __init__(self, upstream):
        self.requests = []
        recorded = self.requests
        host, port = upstream.split("//", 1)[1].rstrip("/").split(":")

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                recorded.append(dict(self.headers.items()))
                conn = http.client.HTTPConnection(host, int(port), timeout=30)
                try:
                    conn.request(self.command, self.path, body=body,
                                 headers={k: v for k, v in self.headers.items()
                                          if k.lower() not in HOP_BY_HOP})
                    r = conn.getresponse()
                    data = r.read()
                    self.send_response(r.status)
                    for k, v in r.getheaders():
                        if k.lower() not in HOP_BY_HOP:
                            self.send_header(k, v)
                finally:
                    conn.close()
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_PUT = do_POST

            def log_message(self, *a):
                pass

        super().__init__(Handler)


class FakeDaemon:
    """UDP on 127.0.0.1: every datagram received, kept."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.address = "127.0.0.1:%d" % self.sock.getsockname()[1]
        self.datagrams = []
        self.sock.settimeout(0.2)

    def drain(self):
        while True:
            try:
                self.datagrams.append(self.sock.recv(65536))
            except socket.timeout:
                return self.datagrams

    def close(self):
        self.sock.close()


def secrets(env):
    return [env["AWS_SECRET_ACCESS_KEY"], env["AWS_SESSION_TOKEN"], env["AWS_ACCESS_KEY_ID"]]


class Tracing(WorldTestCase):
    def setUp(self):
        super().setUp()
        self.daemon = FakeDaemon()
        self.addCleanup(self.daemon.close)

    def run_traced(self, trace_header, events, **env_overrides):
        w = self.world
        with RecordingProxy(w.endpoint) as proxy:
            env = w.function_env(AWS_ENDPOINT_URL=proxy.url, **env_overrides)
            run = run_function(w, events, env=env,
                               headers={"Lambda-Runtime-Trace-Id": trace_header})
            requests = list(proxy.requests)
        self.assertEqual(len(run.invocations), len(events), run.log)
        return run, requests, env

    def check_document(self, dgram, env):
        self.assertTrue(dgram.startswith(HEAD), dgram)
        text = dgram[len(HEAD):].decode("utf-8")
        for s in secrets(env):
            self.assertNotIn(s, text)
            self.assertNotIn(s[:8], text)
        doc = json.loads(text)
        self.assertEqual(doc["type"], "subsegment")
        self.assertEqual(doc["trace_id"], ROOT)
        self.assertEqual(doc["parent_id"], PARENT)
        self.assertRegex(doc["id"], r"^[0-9a-f]{16}$")
        self.assertIn(doc["name"], SERVICES)
        self.assertEqual(doc["namespace"], "aws")
        self.assertRegex(doc["aws"]["operation"], r"^[A-Z][A-Za-z]+$")
        self.assertEqual(doc["aws"]["region"], harness.REGION)
        self.assertIsInstance(doc["aws"]["retries"], int)
        for t in ("start_time", "end_time"):
            self.assertIsInstance(doc[t], float)
        self.assertLessEqual(doc["start_time"], doc["end_time"])
        self.assertLess(doc["end_time"] - doc["start_time"], 60)
        self.assertIsInstance(doc["http"]["response"]["status"], int)
        for flag in ("error", "throttle", "fault"):
            self.assertIsInstance(doc[flag], bool)
        return doc

    def test_every_request_carries_the_trace_header_and_each_call_is_a_subsegment(self):
        w = self.world
        w.break_state()
        run, requests, env = self.run_traced(
            SAMPLED, [w.scheduled_event(), w.finding_event()],
            AWS_XRAY_DAEMON_ADDRESS=self.daemon.address)
        self.assertTrue(run.invocations[0].ok, run.invocations[0])
        self.assertIn("inspector2:Enable", [a["api"] for a in run.invocations[0].body["actions"]])
        self.assertGreaterEqual(len(requests), 5, requests)  # reads, restores, publishes
        for h in requests:
            self.assertEqual(h.get("X-Amzn-Trace-Id"), SAMPLED, h)
            signed = re.search(r"SignedHeaders=([^,]+)", h["Authorization"]).group(1)
            self.assertNotIn("x-amzn-trace-id", signed.split(";"))
        docs = [self.check_document(d, env) for d in self.daemon.drain()]
        # one subsegment per call; no call was retried against moto
        self.assertEqual(len(docs), len(requests), docs)
        self.assertEqual(len({d["id"] for d in docs}), len(docs))
        ops = {(d["name"], d["aws"]["operation"]) for d in docs}
        for op in [("inspector2", "BatchGetAccountStatus"), ("inspector2", "Enable"),
                   ("ecr", "GetRegistryScanningConfiguration"),
                   ("ecr", "PutRegistryScanningConfiguration"), ("sns", "Publish")]:
            self.assertIn(op, ops)
        self.assertTrue(all(d["http"]["response"]["status"] == 200 for d in docs), docs)
        self.assertFalse(any(d["error"] or d["fault"] or d["throttle"] for d in docs))

    def test_not_sampled_sends_the_header_and_no_subsegment(self):
        w = self.world
        w.break_state()
        run, requests, _ = self.run_traced(
            UNSAMPLED, [w.scheduled_event()], AWS_XRAY_DAEMON_ADDRESS=self.daemon.address)
        self.assertTrue(run.invocations[0].ok, run.invocations[0])
        self.assertTrue(requests)
        for h in requests:
            self.assertEqual(h.get("X-Amzn-Trace-Id"), UNSAMPLED, h)
        self.assertEqual(self.daemon.drain(), [])

    def test_a_missing_or_unreachable_daemon_changes_nothing(self):
        w = self.world
        answers = []
        for address in (None, "127.0.0.1:1", "not-a-daemon"):
            w.break_state()
            run, requests, _ = self.run_traced(SAMPLED, [w.scheduled_event()],
                                               AWS_XRAY_DAEMON_ADDRESS=address)
            inv = run.invocations[0]
            self.assertTrue(inv.ok, inv)
            self.assertTrue(inv.body["notified"], inv.body)
            answers.append(sorted(a["api"] for a in inv.body["actions"]))
        self.assertEqual(answers[0], answers[1])
        self.assertEqual(answers[0], answers[2])


if __name__ == "__main__":
    unittest.main()
