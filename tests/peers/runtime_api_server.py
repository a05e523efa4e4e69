#!/usr/bin/env python3
"""A local AWS Lambda Runtime API for tests: serves scripted invocations, records requests.

Python standard library only. Stable interface, reused by the runtime tests and the
function's end-to-end tests.

Command line
------------
    runtime_api_server.py [--events FILE] [--stdin] [--keep-open] [--record FILE]
                          [--on-empty exit|hang|500] [--port N] [--default-deadline-ms N]

- Binds 127.0.0.1 (port 0 = a free port unless --port) and prints ``PORT <n>`` on stdout,
  flushed, once it accepts connections. Point the function at it with
  ``AWS_LAMBDA_RUNTIME_API=127.0.0.1:<n>``.
- ``--events FILE``: the invocation queue, JSON Lines, one event per line (blank lines and
  lines starting with ``#`` are skipped)::

      {"payload": <any JSON value>            -> sent as compact JSON (application/json)
                | {"raw": "text"}             -> sent as these UTF-8 bytes
                | {"raw_b64": "base64"},      -> sent as these bytes (binary)
       "headers": {"Name": "value" | null},   optional: extra or overriding headers;
                                              null removes a default header
       "deadline_ms_from_now": 3000,          optional (default --default-deadline-ms)
       "next_status": 500,                    optional fault: /next answers this status
                                              (with an error body) instead of the event
       "response_status": 413,                optional fault: the runtime's POST
                                              /response or /error for it gets this status
       "delay_ms": 200,                       optional fault: /next waits this long
       "drop": true,                          optional fault: /next sends the headers and
                                              half the body, then closes the connection
                                              (the event is consumed)
       "chunked": true}                       optional: /next sends the payload with
                                              Transfer-Encoding: chunked (no Content-Length)

  Default headers per event: Lambda-Runtime-Aws-Request-Id (a new UUID),
  Lambda-Runtime-Deadline-Ms, Lambda-Runtime-Invoked-Function-Arn
  (arn:aws:lambda:us-east-1:123456789012:function:test), Lambda-Runtime-Trace-Id, and
  Content-Type (application/json, or application/octet-stream for raw/raw_b64).
- ``--stdin``: also read event lines from stdin as they arrive (the queue stays open until
  EOF). ``--keep-open``: the queue stays open until ``POST /_control/close``.
- While the queue is empty and open, /next waits. Once it is empty and closed,
  ``--on-empty`` decides: ``exit`` (default) closes the connection and shuts the server
  down, so the runtime sees connection refused; ``hang`` never answers; ``500`` answers
  500 (the runtime must exit).
- ``--record FILE``: every request the runtime makes, one JSON object per line, written
  before the request is answered (a client holding an answer finds its record): ``{"seq", "t" (time.monotonic()), "conn" (connection number, from 1),
  "method", "path", "headers": {name: value}, "body" (text, or null when not UTF-8),
  "body_b64", "status" (what the server answered)}``.
- Control endpoints (for tests; not part of the Runtime API): ``POST /_control/enqueue``
  (body: event lines), ``POST /_control/close``, ``GET /_control/stats`` ->
  ``{"connections", "requests", "served", "queued"}``, ``POST /_control/shutdown``.
- Runtime API: ``GET /2018-06-01/runtime/invocation/next``,
  ``POST /2018-06-01/runtime/invocation/<id>/response`` and ``/error`` (202; 400 for an
  unknown or already answered id), ``POST /2018-06-01/runtime/init/error`` (202).
  HTTP/1.1 with keep-alive; the server counts connections so a test can assert that one
  connection was reused.
- Exits 0 when shut down (on-empty exit, /_control/shutdown, SIGTERM/SIGINT).

From Python
-----------
    from runtime_api_server import RuntimeApiServer
    with RuntimeApiServer(events=[{"payload": {"a": 1}}], on_empty="500") as srv:
        env["AWS_LAMBDA_RUNTIME_API"] = srv.address      # "127.0.0.1:<port>"
        ... run the function ...
        srv.records          # list of recorded requests (dicts as above)
        srv.connections      # number of TCP connections accepted
"""

import argparse
import base64
import json
import signal
import socket
import sys
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

API = "/2018-06-01/runtime"
DEFAULT_ARN = "arn:aws:lambda:us-east-1:123456789012:function:test"
MAX_BODY = 64 * 1024 * 1024


def encode_payload(payload):
    """Returns (bytes, default content type) for an event's "payload" field."""
    if isinstance(payload, dict) and len(payload) == 1 and "raw" in payload:
        return payload["raw"].encode("utf-8"), "application/octet-stream"
    if isinstance(payload, dict) and len(payload) == 1 and "raw_b64" in payload:
        return base64.b64decode(payload["raw_b64"]), "application/octet-stream"
    return json.dumps(payload, separators=(",", ":")).encode("utf-8"), "application/json"


class RuntimeApiServer:
    """The server, usable in-process (start/stop or a with-block) or from the CLI."""

    def __init__(self, events=(), on_empty="exit", record=None, keep_open=False,
                 default_deadline_ms=60000, port=0):
        if on_empty not in ("exit", "hang", "500"):
            raise ValueError("on_empty must be exit, hang or 500")
        self.on_empty = on_empty
        self.default_deadline_ms = default_deadline_ms
        self.records = []
        self.connections = 0
        self.served = 0
        self._queue = list(events)
        self._open = keep_open
        self._pending = {}  # request id -> event, until answered
        self._cond = threading.Condition()
        self._record_file = open(record, "w", encoding="utf-8") if record else None
        self._seq = 0
        self._stopping = threading.Event()
        self._requested_port = port
        self._httpd = None
        self._thread = None
        self.port = None

    # ---- queue ----
    def enqueue(self, event):
        with self._cond:
            self._queue.append(event)
            self._cond.notify_all()

    def close_queue(self):
        with self._cond:
            self._open = False
            self._cond.notify_all()

    def open_queue(self):
        with self._cond:
            self._open = True

    def _take(self):
        """Next event, or None once the queue is empty and closed (or the server stops)."""
        with self._cond:
            while not self._queue and self._open and not self._stopping.is_set():
                self._cond.wait(0.2)
            if self._queue:
                return self._queue.pop(0)
            return None

    # ---- lifecycle ----
    @property
    def address(self):
        return "127.0.0.1:%d" % self.port

    def start(self):
        server = self

        class Handler(_Handler):
            owner = server

        self._httpd = ThreadingHTTPServer(("127.0.0.1", self._requested_port), Handler)
        self._httpd.daemon_threads = True
        self.port = self._httpd.server_address[1]
        self._thread = threading.Thread(target=self._httpd.serve_forever,
                                        kwargs={"poll_interval": 0.05}, daemon=True)
        self._thread.start()
        return self.port

    def shutdown_async(self):
        """Stops accepting and closes the listening socket (from any thread)."""
        if self._stopping.is_set():
            return
        self._stopping.set()
        with self._cond:
            self._cond.notify_all()

        def stop():
            self._httpd.shutdown()
            self._httpd.server_close()

        threading.Thread(target=stop, daemon=True).start()

    def wait(self, timeout=None):
        self._stopping.wait(timeout)
        if self._thread:
            self._thread.join(timeout)

    def stop(self):
        self.shutdown_async()
        self.wait(5)
        if self._record_file:
            self._record_file.close()
            self._record_file = None

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stats(self):
        with self._cond:
            return {"connections": self.connections, "requests": self._seq,
                    "served": self.served, "queued": len(self._queue)}

    # ---- recording ----
    def record(self, conn, method, path, headers, body, status, t=None, **extra):
        """Records one request. Called before the request is answered, so a client that has
        its answer can rely on finding the record."""
        with self._cond:
            self._seq += 1
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            rec = {"seq": self._seq, "t": time.monotonic() if t is None else t, "conn": conn,
                   "method": method, "path": path, "headers": dict(headers.items()),
                   "body": text, "body_b64": base64.b64encode(body).decode("ascii"),
                   "status": status}
            rec.update(extra)
            self.records.append(rec)
            if self._record_file:
                self._record_file.write(json.dumps(rec) + "\n")
                self._record_file.flush()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    owner = None  # set by RuntimeApiServer.start
    server_version = "runtime-api-test-server/1"

    def setup(self):
        super().setup()
        with self.owner._cond:
            self.owner.connections += 1
            self.conn_id = self.owner.connections
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, fmt, *args):  # quiet
        pass

    def _body(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n < 0 or n > MAX_BODY:
            raise ValueError("bad Content-Length")
        return self.rfile.read(n) if n else b""

    def _send(self, status, body=b"", headers=None, ctype="application/json"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.wfile.flush()

    def _error(self, status, error_type, message):
        body = json.dumps({"errorMessage": message, "errorType": error_type}).encode()
        self._send(status, body)
        return status

    def do_GET(self):
        srv = self.owner
        if self.path == API + "/invocation/next":
            self._next()
        elif self.path == "/_control/stats":
            self._send(200, json.dumps(srv.stats()).encode())
        else:
            srv.record(self.conn_id, "GET", self.path, self.headers, b"", 404)
            self._error(404, "NotFound", "no such path")

    def _next(self):
        srv = self.owner
        arrived = time.monotonic()
        event = srv._take()
        if event is None:
            if srv.on_empty == "500":
                status = 500
                srv.record(self.conn_id, "GET", self.path, self.headers, b"", status)
                self._error(500, "ServiceException", "no more invocations (test server)")
                return None
            srv.record(self.conn_id, "GET", self.path, self.headers, b"", 0)
            if srv.on_empty == "hang":
                while not srv._stopping.is_set():
                    time.sleep(0.1)
            else:
                srv.shutdown_async()
            self.close_connection = True
            return None
        if event.get("delay_ms"):
            time.sleep(event["delay_ms"] / 1000.0)
        if event.get("next_status"):
            status = int(event["next_status"])
            srv.record(self.conn_id, "GET", self.path, self.headers, b"", status, t=arrived)
            self._error(status, "ServiceException", "scripted failure (test server)")
            return None
        payload, ctype = encode_payload(event.get("payload", {}))
        request_id = str(uuid.uuid4())
        deadline_ms = int(time.time() * 1000) + int(
            event.get("deadline_ms_from_now", srv.default_deadline_ms))
        headers = {
            "Lambda-Runtime-Aws-Request-Id": request_id,
            "Lambda-Runtime-Deadline-Ms": str(deadline_ms),
            "Lambda-Runtime-Invoked-Function-Arn": DEFAULT_ARN,
            "Lambda-Runtime-Trace-Id":
                "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1",
            "Content-Type": ctype,
        }
        for k, v in (event.get("headers") or {}).items():
            for existing in [h for h in headers if h.lower() == k.lower()]:
                del headers[existing]
            if v is not None:
                headers[k] = str(v)
        request_id = next((v for k, v in headers.items()
                           if k.lower() == "lambda-runtime-aws-request-id"), None)
        with srv._cond:
            srv.served += 1
            if request_id is not None:
                srv._pending[request_id] = event
        srv.record(self.conn_id, "GET", self.path, self.headers, b"", 200, t=arrived,
                   request_id=request_id)
        if event.get("drop"):
            self.send_response(200)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(max(len(payload), 2)))
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            self.close_connection = True
            return None
        self.send_response(200)
        for k, v in headers.items():
            self.send_header(k, v)
        if event.get("chunked"):
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(payload), 65536):
                piece = payload[i:i + 65536]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        else:
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        self.wfile.flush()
        return None

    def do_POST(self):
        srv = self.owner
        try:
            body = self._body()
        except ValueError:
            self.close_connection = True
            return
        path = self.path
        if path.startswith("/_control/"):
            self._control(path, body)
            return
        if path == API + "/init/error":
            status = 202
        elif path.startswith(API + "/invocation/") and (
                path.endswith("/response") or path.endswith("/error")):
            request_id = path[len(API + "/invocation/"):].rsplit("/", 1)[0]
            with srv._cond:
                event = srv._pending.pop(request_id, None)
            if event is None:
                status = 400
            else:
                status = int(event.get("response_status") or 202)
        else:
            status = 404
        srv.record(self.conn_id, "POST", path, self.headers, body, status)
        if status == 202:
            self._send_status(202)
        elif status == 400:
            self._error(400, "InvalidRequestID", "unknown or answered request id")
        elif status == 404:
            self._error(404, "NotFound", "no such path")
        elif status == 413:
            self._error(413, "RequestEntityTooLarge", "payload too large (scripted)")
        else:
            self._error(status, "ScriptedFault", "scripted status (test server)")

    def _send_status(self, status):
        self._send(status, b'{"status":"OK"}')
        return status

    def _control(self, path, body):
        srv = self.owner
        if path == "/_control/enqueue":
            for line in body.decode("utf-8").splitlines():
                if line.strip() and not line.lstrip().startswith("#"):
                    srv.enqueue(json.loads(line))
            self._send_status(200)
        elif path == "/_control/close":
            srv.close_queue()
            self._send_status(200)
        elif path == "/_control/shutdown":
            self._send_status(200)
            srv.shutdown_async()
        else:
            self._error(404, "NotFound", "no such control path")


def load_events(path):
    events = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.strip() and not line.lstrip().startswith("#"):
                events.append(json.loads(line))
    return events


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", help="JSON Lines file of invocations")
    ap.add_argument("--stdin", action="store_true", help="also read event lines from stdin")
    ap.add_argument("--keep-open", action="store_true",
                    help="keep the queue open until POST /_control/close")
    ap.add_argument("--record", help="write every request as JSON Lines to this file")
    ap.add_argument("--on-empty", choices=("exit", "hang", "500"), default="exit")
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--default-deadline-ms", type=int, default=60000)
    args = ap.parse_args(argv)

    events = load_events(args.events) if args.events else []
    srv = RuntimeApiServer(events=events, on_empty=args.on_empty, record=args.record,
                           keep_open=args.stdin or args.keep_open,
                           default_deadline_ms=args.default_deadline_ms, port=args.port)
    port = srv.start()

    def on_signal(signum, frame):
        srv.shutdown_async()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)

    if args.stdin:
        def feed():
            for line in sys.stdin:
                if line.strip() and not line.lstrip().startswith("#"):
                    srv.enqueue(json.loads(line))
            if not args.keep_open:
                srv.close_queue()

        threading.Thread(target=feed, daemon=True).start()

    sys.stdout.write("PORT %d\n" % port)
    sys.stdout.flush()
    while not srv._stopping.is_set():
        srv._stopping.wait(0.5)
    srv.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
