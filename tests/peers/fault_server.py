#!/usr/bin/env python3
"""fault_server: a scripted HTTP/1.1 server for fault-injection tests of the AWS client.

Binds 127.0.0.1 port 0, prints {"port": N} on stdout (with --tls also "cert": the PEM
of a self-signed certificate for 127.0.0.1, generated with the openssl CLI into a
temporary directory removed at exit), then takes JSON commands on stdin, one per
line, answering each with one JSON line:

    {"cmd":"script","responses":[R, ...]}  queue answers, served in order -> {"ok":true}
    {"cmd":"requests"}   the requests received so far (method, path, headers, body)
                         and clears them                             -> {"requests":[...]}
    {"cmd":"reset"}      drop unserved answers and recorded requests     -> {"ok":true}
    {"cmd":"default","response":R}  answer R whenever nothing is scripted (benchmarks),
                         and stop recording requests                 -> {"ok":true}
    {"cmd":"stop"} or end of input                                   -> exits

R is an object: {"status":429, "headers":{"x-amzn-ErrorType":"..."}, "body":"..."}
("body_size": N instead of "body" sends N bytes of 'x') plus optionally "action": one of
    "reset"     close the connection (RST) without answering
    "slow"      wait "delay" seconds before answering (past the client's timeout)
    "truncate"  announce Content-Length len(body)+100, send body, close
    "close"     answer normally (no "Connection: close"), then close the connection, as a
                server does with an idle keep-alive connection while Lambda is frozen
    "together"  hold the answer until "count" requests answered with "together" are in
                flight at once (so they were sent together), at most "delay" seconds
                (default 5); requests that never meet get 504 "fault_server: sent one
                after the other" instead
A request arriving with no scripted answer gets 599 "fault_server: nothing scripted".
Keep-alive is honoured so connection reuse can be observed: each recorded request
carries "conn", the number of the TCP connection it arrived on.
"""

import json
import os
import shutil
import socket
import ssl
import subprocess
import struct
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from command_loop import serve_commands

MAX_BODY = 8 * 1024 * 1024
MAX_DELAY_S = 30


class State:
    def __init__(self):
        self.lock = threading.Lock()
        self.responses = []
        self.requests = []
        self.default = None
        self.connections = 0
        self.met = threading.Condition(self.lock)
        self.together = 0  # requests holding a "together" answer


STATE = State()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body are separate writes

    def setup(self):
        super().setup()
        with STATE.lock:
            STATE.connections += 1
            self.conn_no = STATE.connections

    def log_message(self, fmt, *args):  # quiet
        pass

    def _serve(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(min(length, MAX_BODY)) if length else b""
        with STATE.lock:
            if STATE.default is None:  # tests: record every request
                STATE.requests.append({
                    "method": self.command, "path": self.path, "conn": self.conn_no,
                    "headers": {k: v for k, v in self.headers.items()},
                    "body": body.decode("utf-8", "replace"), "time": time.time()})
            r = STATE.responses.pop(0) if STATE.responses else STATE.default
        if r is None:
            r = {"status": 599, "body": "fault_server: nothing scripted"}
        action = r.get("action")
        if action == "reset":
            # SO_LINGER 0: close() sends RST, the client sees "connection reset"
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                                       struct.pack("ii", 1, 0))
            self.close_connection = True
            self.connection.close()
            return
        if action == "slow":
            time.sleep(min(float(r.get("delay", 5)), MAX_DELAY_S))
        if action == "together" and not meet(int(r.get("count", 2)),
                                            min(float(r.get("delay", 5)), MAX_DELAY_S)):
            r = {"status": 504, "body": "fault_server: sent one after the other"}
        if "body_size" in r:
            data = b"x" * min(int(r["body_size"]), 64 * 1024 * 1024)
        else:
            data = r.get("body", "").encode("utf-8")
        self.send_response(int(r.get("status", 200)))
        for k, v in r.get("headers", {}).items():
            self.send_header(k, v)
        if action == "truncate":
            self.send_header("Content-Length", str(len(data) + 100))
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
            self.close_connection = True
            return
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
        if action == "close":
            self.wfile.flush()
            self.close_connection = True

    def _serve_quietly(self):
        try:
            self._serve()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (timeout): expected

    do_POST = _serve_quietly
    do_GET = _serve_quietly
    do_PUT = _serve_quietly


def meet(count, timeout):
    """Waits until count "together" requests are in flight; False when they never are."""
    with STATE.met:
        STATE.together += 1
        STATE.met.notify_all()
        return STATE.met.wait_for(lambda: STATE.together >= count, timeout)


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        if not isinstance(sys.exc_info()[1], (ConnectionError, ssl.SSLError)):
            super().handle_error(request, client_address)  # a client giving up is expected


def self_signed(tmp):
    cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", key, "-out", cert], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    return cert, key


def main():
    tls = "--tls" in sys.argv[1:]
    tmp = tempfile.mkdtemp(prefix="fault_server.") if tls else None
    server = Server(("127.0.0.1", 0), Handler)
    ready = {"port": server.server_address[1]}
    if tls:
        cert, key = self_signed(tmp)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert, key)
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
        ready["cert"] = cert
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(json.dumps(ready), flush=True)
    try:
        serve_commands(handle_command)
    finally:
        server.shutdown()
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


def handle_command(cmd):
    what = cmd.get("cmd")
    if what == "script":
        with STATE.lock:
            STATE.responses.extend(cmd.get("responses", []))
        return {"ok": True}
    if what == "default":
        with STATE.lock:
            STATE.default = cmd.get("response")
        return {"ok": True}
    if what == "reset":
        with STATE.lock:
            STATE.responses, STATE.requests = [], []
            STATE.together = 0
        return {"ok": True}
    if what == "requests":
        with STATE.lock:
            reqs, STATE.requests = STATE.requests, []
        return {"requests": reqs}
    return {"error": "unknown cmd"}


if __name__ == "__main__":
    sys.exit(main())
