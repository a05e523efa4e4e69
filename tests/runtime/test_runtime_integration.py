"""Integration tests: the runtime library (examples/echo and lr_test_handler) against the
local Runtime API server (tests/peers/runtime_api_server.py), started and stopped per test
on a free 127.0.0.1 port. Run by ctest with SW_ECHO and SW_LR_TEST_HANDLER set to the
binaries; `python3 -m unittest -v test_runtime_integration` from this folder."""

import base64
import json
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "peers"))
from runtime_api_server import RuntimeApiServer  # noqa: E402

BUILD = os.environ.get("SW_BUILD_DIR", os.path.join(HERE, "..", "..", "build"))
ECHO = os.environ.get("SW_ECHO", os.path.join(BUILD, "examples", "echo"))
HANDLER = os.environ.get("SW_LR_TEST_HANDLER",
                         os.path.join(BUILD, "tests", "runtime", "lr_test_handler"))
API = "/2018-06-01/runtime"
RUN_TIMEOUT = 30


def raw(text):
    return {"payload": {"raw": text}}


def run(binary, srv, extra_env=None, crash_expected=False):
    """Runs the function against srv until it exits; returns (exit code, stderr text)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA_")}
    env.pop("_X_AMZN_TRACE_ID", None)
    env["AWS_LAMBDA_RUNTIME_API"] = srv.address
    env.update(extra_env or {})
    proc = subprocess.run([binary], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=RUN_TIMEOUT)
    err = proc.stderr.decode("utf-8", "replace")
    # A crash or a sanitizer report is never an acceptable way to end.
    if (proc.returncode < 0 and not crash_expected) or "Sanitizer" in err or \
            "runtime error:" in err:
        raise AssertionError("%s crashed (status %d):\n%s" % (binary, proc.returncode, err))
    return proc.returncode, err


def posts(srv):
    return [r for r in srv.records if r["method"] == "POST"]


def body_bytes(rec):
    return base64.b64decode(rec["body_b64"])


def header(rec, name):
    for k, v in rec["headers"].items():
        if k.lower() == name.lower():
            return v
    return None


class RuntimeIntegration(unittest.TestCase):
    def serve(self, events, on_empty="500"):
        srv = RuntimeApiServer(events=events, on_empty=on_empty)
        srv.start()
        self.addCleanup(srv.stop)
        return srv

    def assert_error_post(self, rec, error_type, message=None):
        self.assertTrue(rec["path"].endswith("/error"), rec["path"])
        self.assertEqual(header(rec, "Lambda-Runtime-Function-Error-Type"), error_type)
        self.assertEqual(header(rec, "Content-Type"), "application/json")
        doc = json.loads(body_bytes(rec).decode("utf-8"))
        self.assertEqual(sorted(doc), ["errorMessage", "errorType", "stackTrace"])
        self.assertEqual(doc["errorType"], error_type)
        self.assertEqual(doc["stackTrace"], [])
        if message is not None:
            self.assertEqual(doc["errorMessage"], message)
        return doc

    def test_many_invocations_reuse_one_connection(self):
        n = 200
        srv = self.serve([{"payload": {"n": i, "s": "x" * (i % 7)}} for i in range(n)])
        code, err = run(ECHO, srv)
        self.assertNotEqual(code, 0)  # the 500 on the empty queue ends it
        answered = posts(srv)
        self.assertEqual(len(answered), n)
        for i, rec in enumerate(answered):
            self.assertEqual(json.loads(rec["body"]), {"n": i, "s": "x" * (i % 7)})
            self.assertEqual(rec["status"], 202)
            self.assertEqual(header(rec, "Content-Type"), "application/json")
            self.assertIsNone(header(rec, "Lambda-Runtime-Function-Error-Type"))
        self.assertEqual(srv.connections, 1)
        self.assertEqual({r["conn"] for r in srv.records}, {1})

    def test_every_header_reaches_the_handler_and_trace_env_is_set(self):
        trace = "Root=1-65f00000-0123456789abcdef01234567;Parent=1234567890abcdef;Sampled=1"
        srv = self.serve([
            {"payload": {"raw": "describe"}, "deadline_ms_from_now": 9000, "headers": {
                "Lambda-Runtime-Trace-Id": trace,
                "Lambda-Runtime-Client-Context": '{"client":{"app_title":"t"},"custom":{}}',
                "Lambda-Runtime-Cognito-Identity": '{"cognitoIdentityId":"id","poolId":"p"}',
                "Lambda-Runtime-Invoked-Function-Arn":
                    "arn:aws:lambda:eu-west-1:111122223333:function:scan:prod",
                "Lambda-Runtime-Aws-Tenant-Id": "tenant-42",
                "Content-Type": "text/plain; charset=utf-8"}},
            # No trace header: the variable from the previous invocation must not leak.
            {"payload": {"raw": "describe"}, "headers": {"Lambda-Runtime-Trace-Id": None}},
            {"payload": {"raw": "describe"}, "headers": {"Lambda-Runtime-Trace-Id": "Root=2"}},
            {"payload": {"raw": "describe"}, "headers": {"Lambda-Runtime-Trace-Id": "Root=3"}},
        ])
        code, err = run(HANDLER, srv)
        first_next = [r for r in srv.records if r["method"] == "GET"][0]
        answered = posts(srv)
        self.assertEqual(len(answered), 4)
        d = json.loads(answered[0]["body"])
        self.assertEqual(d["request_id"], srv.records[0]["request_id"])
        self.assertTrue(answered[0]["path"].endswith("/%s/response" % d["request_id"]))
        self.assertEqual(d["xray_trace_id"], trace)
        self.assertEqual(d["env_trace_id"], trace)
        self.assertEqual(d["client_context"], '{"client":{"app_title":"t"},"custom":{}}')
        self.assertEqual(d["cognito_identity"], '{"cognitoIdentityId":"id","poolId":"p"}')
        self.assertEqual(d["function_arn"],
                         "arn:aws:lambda:eu-west-1:111122223333:function:scan:prod")
        self.assertEqual(d["tenant_id"], "tenant-42")
        self.assertEqual(d["content_type"], "text/plain; charset=utf-8")
        self.assertGreater(int(d["deadline_ms"]), 0)
        self.assertTrue(0 < int(d["remaining_ms"]) <= 9000, d["remaining_ms"])
        d2 = json.loads(answered[1]["body"])
        self.assertEqual(d2["xray_trace_id"], "")
        self.assertEqual(d2["env_trace_id"], "<unset>")
        self.assertEqual(d2["tenant_id"], "")
        self.assertNotEqual(d2["request_id"], d["request_id"])
        for rec, want in zip(answered[2:], ["Root=2", "Root=3"]):
            d3 = json.loads(rec["body"])
            self.assertEqual((d3["xray_trace_id"], d3["env_trace_id"]), (want, want))
        self.assertEqual(header(first_next, "Accept-Encoding"), None)

    def test_success_body_and_headers(self):
        srv = self.serve([{"payload": {"raw": "hello \u00e9"},
                           "headers": {"Content-Type": "text/x-custom"}}])
        run(HANDLER, srv)
        rec = posts(srv)[0]
        self.assertEqual(body_bytes(rec), "hello \u00e9".encode("utf-8"))
        self.assertEqual(header(rec, "Content-Type"), "text/x-custom")
        self.assertEqual(header(rec, "Content-Length"), str(len("hello \u00e9".encode())))
        self.assertIsNone(header(rec, "Lambda-Runtime-Function-Error-Type"))
        self.assertIsNone(header(rec, "Expect"))

    def test_failure_body_and_headers(self):
        msg = 'bad "input"\n\tcaf\u00e9 \u65e5\u672c \U0001F600 \\ end'
        srv = self.serve([
            raw("fail:Handler.BadInput:" + msg),
            {"payload": {"raw_b64": base64.b64encode(b"fail:T.Bin:x\xff\xc0\xafy\x01").decode()}},
            raw("fail::"),
            raw("fail:Type\r\nX-Injected: 1:msg"),
        ])
        code, err = run(HANDLER, srv)
        p = posts(srv)
        self.assertEqual(len(p), 4)
        self.assert_error_post(p[0], "Handler.BadInput", msg)
        # Exact bytes: valid UTF-8 kept, controls escaped, no \uffff-style mangling.
        self.assertEqual(body_bytes(p[0]).decode("utf-8"),
                         '{"errorMessage":"bad \\"input\\"\\n\\tcaf\u00e9 \u65e5\u672c '
                         '\U0001F600 \\\\ end","errorType":"Handler.BadInput","stackTrace":[]}')
        self.assert_error_post(p[1], "T.Bin", "x\ufffd\ufffd\ufffdy\x01")
        self.assertIn(b"\\u0001", body_bytes(p[1]))
        self.assert_error_post(p[2], "Runtime.Unknown", "")
        # An error type cannot inject a header; the body keeps it verbatim, escaped.
        rec = p[3]
        self.assertEqual(header(rec, "Lambda-Runtime-Function-Error-Type"), "Type__X-Injected")
        self.assertIsNone(header(rec, "X-Injected"))
        self.assertEqual(json.loads(rec["body"])["errorType"], "Type\r\nX-Injected")

    def test_handler_misuse_gets_a_defined_error_and_the_loop_goes_on(self):
        srv = self.serve([raw("none"), raw("none-nonzero"), raw("badct"), raw("nullbody"),
                          raw("still alive")])
        code, err = run(HANDLER, srv)
        p = posts(srv)
        self.assertEqual(len(p), 5)
        self.assert_error_post(p[0], "Runtime.NoResponse")
        self.assert_error_post(p[1], "Runtime.HandlerFailed")
        self.assert_error_post(p[2], "Runtime.InvalidResponse")
        self.assertIsNone(header(p[2], "X-Injected"))
        self.assert_error_post(p[3], "Runtime.InvalidResponse")
        self.assertEqual(p[4]["body"], "still alive")
        self.assertIn("without setting a response", err)

    def test_handler_crash_is_logged_with_the_request_id(self):
        srv = self.serve([raw("abort")])
        code, err = run(HANDLER, srv, {"AWS_LAMBDA_LOG_FORMAT": "JSON"}, crash_expected=True)
        self.assertEqual(code, -6)  # SIGABRT's default action still ends the process
        rid = [r for r in srv.records if r["method"] == "GET"][0]["request_id"]
        last = json.loads(err.strip().splitlines()[-1])
        self.assertEqual(last["level"], "FATAL")
        self.assertEqual(last["requestId"], rid)
        self.assertEqual(last["message"], "the process is dying of signal 6 (SIGABRT)")

    def test_init_error(self):
        srv = self.serve([])
        code, err = run(HANDLER, srv, {"LR_TEST_INIT_ERROR": "config \"X\" invalid: caf\u00e9"})
        self.assertEqual(code, 2)
        self.assertEqual(len(srv.records), 1)
        rec = srv.records[0]
        self.assertEqual(rec["path"], API + "/init/error")
        self.assertEqual(rec["status"], 202)
        self.assertEqual(header(rec, "Lambda-Runtime-Function-Error-Type"), "Test.InitFailed")
        self.assertEqual(body_bytes(rec).decode("utf-8"),
                         '{"errorMessage":"config \\"X\\" invalid: caf\u00e9",'
                         '"errorType":"Test.InitFailed","stackTrace":[]}')

    def test_500_from_next_exits_non_zero_without_retrying(self):
        srv = self.serve([raw("a"), {"next_status": 500}, raw("never served")])
        code, err = run(ECHO, srv)
        self.assertEqual(code, 1)
        gets = [r for r in srv.records if r["method"] == "GET"]
        self.assertEqual(len(gets), 2)
        self.assertEqual(len(posts(srv)), 1)
        self.assertIn("answered 500", err)
        self.assertNotIn("retrying", err)

    def test_header_over_100kb_is_reported_as_too_large_not_out_of_memory(self):
        # A response header line over 100 KiB (libcurl's CURL_MAX_HTTP_HEADER, kept when the
        # runtime stopped using libcurl): the runtime cannot answer that invocation (no
        # request id was read) and must say why.
        srv = self.serve([{"payload": {"raw": "a"},
                           "headers": {"Lambda-Runtime-Client-Context": "c" * 150000}}])
        code, err = run(ECHO, srv)
        self.assertEqual(code, 1)
        self.assertNotIn("out of memory", err)
        self.assertIn("header", err)
        self.assertIn("102400 bytes per header line", err)
        self.assertIn("FATAL", err)
        # Lines under the cap but over 300 KiB for all of them: the same report.
        srv = self.serve([{"payload": {"raw": "a"},
                           "headers": {"X-Big-%d" % i: "c" * 90000 for i in range(4)}}])
        code, err = run(ECHO, srv)
        self.assertEqual(code, 1)
        self.assertNotIn("out of memory", err)
        self.assertIn("headers too large", err)

    def test_connection_refused_retries_with_backoff_then_exits(self):
        srv = self.serve([raw("a")], on_empty="exit")
        code, err = run(ECHO, srv)
        self.assertEqual(code, 1)
        self.assertEqual(len(posts(srv)), 1)
        delays = [int(line.split("retrying in ")[1].split()[0])
                  for line in err.splitlines() if "retrying in" in line]
        self.assertEqual(delays, [50, 100, 200, 400, 800])
        self.assertIn("unreachable after 6 attempts", err)
        self.assertIn("FATAL", err)

    def test_413_is_logged_with_the_request_id_and_the_loop_goes_on(self):
        srv = self.serve([{"payload": {"raw": "too big"}, "response_status": 413}, raw("next")])
        code, err = run(ECHO, srv)
        p = posts(srv)
        self.assertEqual([r["status"] for r in p], [413, 202])
        rid = p[0]["path"].split("/")[-2]
        line = [ln for ln in err.splitlines() if "413" in ln]
        self.assertEqual(len(line), 1, err)
        self.assertIn(rid, line[0])
        self.assertEqual(p[1]["body"], "next")

    def test_5mb_and_empty_payloads_round_trip_byte_for_byte(self):
        big = os.urandom(5 * 1024 * 1024)
        srv = self.serve([
            {"payload": {"raw_b64": base64.b64encode(big).decode()}},
            {"payload": {"raw": ""}},
            {"payload": {"raw_b64": base64.b64encode(b"\x00\x01nul\x00").decode()},
             "headers": {"Content-Type": "application/x-binary"}},
        ])
        code, err = run(ECHO, srv)
        p = posts(srv)
        self.assertEqual(len(p), 3)
        self.assertEqual(body_bytes(p[0]), big)
        self.assertEqual(header(p[0], "Content-Type"), "application/octet-stream")
        self.assertEqual(body_bytes(p[1]), b"")
        self.assertEqual(header(p[1], "Content-Length"), "0")
        self.assertEqual(body_bytes(p[2]), b"\x00\x01nul\x00")
        self.assertEqual(header(p[2], "Content-Type"), "application/x-binary")
        self.assertEqual(srv.connections, 1)

    def test_payload_over_the_limit_is_answered_with_an_error(self):
        huge = b"a" * (7 * 1024 * 1024 + 1)
        srv = self.serve([{"payload": {"raw_b64": base64.b64encode(huge).decode()}},
                          raw("small")])
        code, err = run(ECHO, srv)
        p = posts(srv)
        self.assertEqual(len(p), 2)
        self.assert_error_post(p[0], "Runtime.PayloadTooLarge")
        self.assertEqual(p[1]["body"], "small")

    def test_chunked_payloads_are_bounded_without_a_content_length(self):
        huge = b"b" * (7 * 1024 * 1024 + 1)
        srv = self.serve([
            {"payload": {"raw": "chunked small"}, "chunked": True},
            {"payload": {"raw_b64": base64.b64encode(huge).decode()}, "chunked": True},
            {"payload": {"raw": ""}, "chunked": True},
        ])
        code, err = run(ECHO, srv)
        p = posts(srv)
        self.assertEqual(len(p), 3)
        self.assertEqual(p[0]["body"], "chunked small")
        self.assert_error_post(p[1], "Runtime.PayloadTooLarge")
        self.assertEqual(body_bytes(p[2]), b"")
        self.assertEqual(srv.connections, 1)

    def test_5xx_to_a_response_exits(self):
        srv = self.serve([{"payload": {"raw": "a"}, "response_status": 500},
                          raw("never served")])
        code, err = run(ECHO, srv)
        self.assertEqual(code, 1)
        self.assertEqual([r["status"] for r in srv.records], [200, 500])
        self.assertIn("answered 500", err)

    def test_bad_deadline_is_answered_and_missing_request_id_exits(self):
        srv = self.serve([
            {"payload": {"raw": "x"}, "headers": {"Lambda-Runtime-Deadline-Ms": "soon"}},
            {"payload": {"raw": "x"}, "headers": {"Lambda-Runtime-Deadline-Ms": None}},
            raw("ok"),
            {"payload": {"raw": "x"}, "headers": {"Lambda-Runtime-Aws-Request-Id": None}},
            raw("never served"),
        ])
        code, err = run(ECHO, srv)
        self.assertEqual(code, 1)
        p = posts(srv)
        self.assertEqual(len(p), 3)
        self.assert_error_post(p[0], "Runtime.InvalidInvocation")
        self.assert_error_post(p[1], "Runtime.InvalidInvocation")
        self.assertEqual(p[2]["body"], "ok")
        self.assertIn("missing Lambda-Runtime-Aws-Request-Id", err)

    def test_unsafe_request_id_is_never_put_in_a_url(self):
        srv = self.serve([{"payload": {"raw": "x"},
                           "headers": {"Lambda-Runtime-Aws-Request-Id": "../init/error"}}])
        code, err = run(ECHO, srv)
        self.assertEqual(code, 1)
        self.assertEqual(posts(srv), [])
        self.assertIn("invalid Lambda-Runtime-Aws-Request-Id", err)

    def test_connection_dropped_mid_answer_is_retried(self):
        srv = self.serve([{"payload": {"raw": "lost"}, "drop": True}, raw("after")])
        code, err = run(ECHO, srv)
        p = posts(srv)
        self.assertEqual([r["body"] for r in p], ["after"])
        self.assertIn("retrying in 50 ms", err)

    def test_next_has_no_read_timeout(self):
        # /next may block for as long as the sandbox is frozen: longer than the 1 s connect
        # timeout must not count as a failure.
        srv = self.serve([{"payload": {"raw": "late"}, "delay_ms": 1300}])
        code, err = run(ECHO, srv)
        self.assertEqual([r["body"] for r in posts(srv)], ["late"])
        self.assertNotIn("retrying", err)
        self.assertEqual(srv.connections, 1)

    def test_json_logs_carry_the_request_id_and_never_the_payload(self):
        secret = "s3cr3t-payload-marker"
        srv = self.serve([raw(secret), raw("fail:E:boom")])
        code, err = run(HANDLER, srv, {"AWS_LAMBDA_LOG_FORMAT": "JSON",
                                       "AWS_LAMBDA_LOG_LEVEL": "DEBUG"})
        lines = [json.loads(ln) for ln in err.splitlines() if ln.strip()]
        self.assertTrue(lines)
        for rec in lines:
            self.assertEqual(sorted(set(rec) - {"requestId"}), ["level", "message", "timestamp"])
        rid = posts(srv)[0]["path"].split("/")[-2]
        handler_lines = [r for r in lines if r["message"].startswith("test handler")]
        self.assertEqual(handler_lines[0]["requestId"], rid)
        self.assertNotIn(secret, err)
        self.assertEqual(lines[-1]["level"], "FATAL")
        self.assertNotIn("requestId", lines[-1])  # outside an invocation

    def test_level_filter_hides_info(self):
        srv = self.serve([raw("x")])
        code, err = run(HANDLER, srv, {"AWS_LAMBDA_LOG_LEVEL": "ERROR"})
        self.assertNotIn("test handler", err)
        self.assertIn("FATAL", err)


def invocation(rid, body, extra=b"", framing=None):
    """The raw bytes of a /next answer: body framed by Content-Length, or as framing says."""
    head = (b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: " + rid.encode() +
            b"\r\nLambda-Runtime-Deadline-Ms: 4102444800000\r\n"
            b"Content-Type: application/json\r\n" + extra)
    if framing is None:
        return head + b"Content-Length: %d\r\n\r\n" % len(body) + body
    return head + framing


ACCEPTED = b"HTTP/1.1 202 Accepted\r\nContent-Length: 16\r\n\r\n{\"status\":\"OK\"}\n"
GONE = b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 2\r\n\r\n{}"


class RawApi:
    """A Runtime API that answers each request, in order, with scripted raw bytes: the
    HTTP framings the runtime must read whatever the server (connection close, HTTP/1.0,
    interim answers, chunked with extensions and trailers, a body up to the close) and the
    malformed answers it must refuse. An answer is bytes (the connection stays open) or
    ("close", bytes) (sent, then the connection is closed). Past the script: 500."""

    def __init__(self, answers):
        import socket
        import threading
        self.answers = list(answers)
        self.requests = []  # (connection number, request line, body)
        self.connections = 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.address = "127.0.0.1:%d" % self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _read_request(self, conn, buf):
        while b"\r\n\r\n" not in buf:
            more = conn.recv(65536)
            if not more:
                return None, buf
            buf += more
        head, rest = buf.split(b"\r\n\r\n", 1)
        length = 0
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        while len(rest) < length:
            more = conn.recv(65536)
            if not more:
                return None, b""
            rest += more
        return (head.split(b"\r\n")[0].decode(), rest[:length]), rest[length:]

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            buf = b""
            with conn:
                while True:
                    req, buf = self._read_request(conn, buf)
                    if req is None:
                        break
                    self.requests.append((self.connections, req[0], req[1]))
                    answer = self.answers.pop(0) if self.answers else GONE
                    close = isinstance(answer, tuple)
                    conn.sendall(answer[1] if close else answer)
                    if close:
                        break

    def stop(self):
        self.sock.close()


class RuntimeHttpFraming(unittest.TestCase):
    """The runtime's own HTTP/1.1 (runtime/lr_http.c) against answers framed every way
    HTTP allows, and against broken ones."""

    def serve(self, answers):
        srv = RawApi(answers)
        self.addCleanup(srv.stop)
        return srv

    def test_every_framing_is_read_and_a_closed_connection_is_replaced_silently(self):
        srv = self.serve([
            # Connection: close, then HTTP/1.0 (closes too): each next request reconnects.
            ("close", invocation("id-1", b"one", b"Connection: close\r\n")),
            ("close", ACCEPTED.replace(b"HTTP/1.1", b"HTTP/1.0")),
            # An interim answer first, then chunked with an extension and a trailer.
            b"HTTP/1.1 100 Continue\r\n\r\n" + invocation(
                "id-2", None, framing=b"Transfer-Encoding: chunked\r\n\r\n"
                b"3;ext=1\r\ntwo\r\n1\r\n!\r\n0\r\nX-Trailer: t\r\n\r\n"),
            ("close", ACCEPTED),  # closed while idle, with no Connection: close
            # No Content-Length, no chunked: the body ends with the connection.
            ("close", invocation("id-3", None, framing=b"\r\nthree up to the close")),
            ACCEPTED,
        ])
        code, err = run(ECHO, srv)
        self.assertEqual(code, 1)  # the 500 past the script ends it
        self.assertNotIn("retrying", err)
        self.assertEqual([(r[1], r[2]) for r in srv.requests if r[1].startswith("POST")], [
            ("POST %s/invocation/id-1/response HTTP/1.1" % API, b"one"),
            ("POST %s/invocation/id-2/response HTTP/1.1" % API, b"two!"),
            ("POST %s/invocation/id-3/response HTTP/1.1" % API, b"three up to the close"),
        ])
        self.assertEqual([r[0] for r in srv.requests], [1, 2, 3, 3, 4, 5, 5])

    def test_malformed_answers_end_the_runtime_without_retrying(self):
        cases = [
            (b"ICY 200 OK\r\n\r\n", "not HTTP/1.x"),
            (invocation("id", None, framing=b"Transfer-Encoding: chunked\r\n\r\nzz\r\n"),
             "invalid chunk size"),
            (invocation("id", None, framing=b"Transfer-Encoding: chunked\r\n\r\n"
                        b"2\r\ntoo long\r\n0\r\n\r\n"), "chunk longer than its size"),
            (invocation("id", b"x", b"Content-Length: 2\r\n"), "invalid Content-Length"),
            (invocation("id", None, framing=b"Content-Length: -1\r\n\r\n"),
             "invalid Content-Length"),
            (invocation("id", None, framing=b"Transfer-Encoding: gzip\r\n\r\n"),
             "Transfer-Encoding other than chunked"),
        ]
        for answer, why in cases:
            with self.subTest(why=why):
                srv = self.serve([answer])
                code, err = run(ECHO, srv)
                self.assertEqual(code, 1)
                self.assertIn(why, err)
                self.assertIn("FATAL", err)
                self.assertNotIn("retrying", err)
                self.assertEqual(len(srv.requests), 1)


class RuntimeApiServerCli(unittest.TestCase):
    """The server's documented command line, as other tests and scripts use it."""

    def test_cli_control_endpoints_and_connection_count(self):
        import http.client
        import tempfile
        server = os.path.join(HERE, "..", "peers", "runtime_api_server.py")
        with tempfile.TemporaryDirectory() as tmp:
            record = os.path.join(tmp, "record.jsonl")
            proc = subprocess.Popen([sys.executable, server, "--keep-open", "--record", record,
                                     "--on-empty", "exit"], stdout=subprocess.PIPE)
            try:
                line = proc.stdout.readline().decode()
                self.assertRegex(line, r"^PORT [0-9]+\n$")
                conn = http.client.HTTPConnection("127.0.0.1", int(line.split()[1]), timeout=10)
                conn.request("POST", "/_control/enqueue",
                             body=b'{"payload": {"k": "v"}, "headers": {"X-Extra": "1"}}\n')
                self.assertEqual(conn.getresponse().read(), b'{"status":"OK"}')
                conn.request("GET", API + "/invocation/next")
                resp = conn.getresponse()
                self.assertEqual(resp.read(), b'{"k":"v"}')
                self.assertEqual(resp.getheader("X-Extra"), "1")
                rid = resp.getheader("Lambda-Runtime-Aws-Request-Id")
                def status_of(method, path, body):
                    conn.request(method, path, body=body)
                    r = conn.getresponse()
                    r.read()
                    return r.status

                self.assertEqual(status_of("POST", API + "/invocation/%s/response" % rid, b"ok"),
                                 202)
                self.assertEqual(status_of("POST", API + "/invocation/%s/response" % rid,
                                           b"again"), 400)  # already answered
                conn.request("GET", "/_control/stats")
                stats = json.loads(conn.getresponse().read())
                self.assertEqual(stats["connections"], 1)
                self.assertEqual(stats["served"], 1)
                conn.request("POST", "/_control/close", body=b"")
                conn.getresponse().read()
                conn.request("GET", API + "/invocation/next")  # empty and closed: exit
                with self.assertRaises((http.client.HTTPException, OSError)):
                    conn.getresponse()
                self.assertEqual(proc.wait(timeout=10), 0)
            finally:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()
                proc.stdout.close()
            recs = [json.loads(ln) for ln in open(record)]
            self.assertEqual([(r["method"], r["status"]) for r in recs],
                             [("GET", 200), ("POST", 202), ("POST", 400), ("GET", 0)])
            self.assertEqual(recs[1]["body"], "ok")
            self.assertEqual({r["conn"] for r in recs}, {1})

    def test_on_empty_hang_never_answers(self):
        import http.client
        import socket
        with RuntimeApiServer(events=[{"payload": 1}], on_empty="hang") as srv:
            conn = http.client.HTTPConnection("127.0.0.1", srv.port, timeout=5)
            conn.request("GET", API + "/invocation/next")
            self.assertEqual(conn.getresponse().read(), b"1")
            conn.sock.settimeout(0.3)
            conn.request("GET", API + "/invocation/next")
            with self.assertRaises(socket.timeout):
                conn.getresponse()
            conn.close()

    def test_cli_events_file_then_stdin_with_echo(self):
        import tempfile
        server = os.path.join(HERE, "..", "peers", "runtime_api_server.py")
        with tempfile.TemporaryDirectory() as tmp:
            events = os.path.join(tmp, "events.jsonl")
            record = os.path.join(tmp, "record.jsonl")
            with open(events, "w") as f:
                f.write('# a comment\n{"payload": [1, 2]}\n\n')
            proc = subprocess.Popen([sys.executable, server, "--events", events, "--stdin",
                                     "--record", record, "--on-empty", "500"],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE)
            try:
                port = int(proc.stdout.readline().decode().split()[1])
                proc.stdin.write(b'{"payload": {"raw": "from stdin"}}\n')
                proc.stdin.close()  # EOF closes the queue: then /next answers 500
                env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_LAMBDA_")}
                env["AWS_LAMBDA_RUNTIME_API"] = "127.0.0.1:%d" % port
                fn = subprocess.run([ECHO], env=env, capture_output=True, timeout=RUN_TIMEOUT)
                self.assertEqual(fn.returncode, 1)
            finally:
                proc.terminate()
                self.assertEqual(proc.wait(timeout=10), 0)  # SIGTERM: a clean shutdown
                proc.stdout.close()
            recs = [json.loads(ln) for ln in open(record)]
            self.assertEqual([r["body"] for r in recs if r["method"] == "POST"],
                             ["[1,2]", "from stdin"])
            self.assertEqual(recs[-1]["status"], 500)


if __name__ == "__main__":
    unittest.main()
