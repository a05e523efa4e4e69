#!/usr/bin/env python3
"""A local container credentials endpoint for test_credentials (Python stdlib only).

Binds 127.0.0.1 on a free port, prints "PORT <n>" and serves until killed. Behaviour is
chosen by the request path, so one server covers every case:
  /ok[?exp=RFC3339]  200 with fresh credentials (AccessKeyId numbered per hit)
  /flaky             500 twice, then like /ok
  /always500         500 with a JSON error body
  /error             403 {"Code":"AccessDenied","Message":...}
  /echo-token        500 whose Message echoes the Authorization header
  /echo-token-part   401 whose Code and Message quote parts of the Authorization header
  /garbage           200, not JSON          /missing  200 without Token
  /slow              sleeps 1.5 s, then like /ok
  /big               200 with a 100 KB body
  /__log             JSON list of the requests seen so far (path, Authorization, Accept)
"""
import json
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LOCK = threading.Lock()
LOG = []
HITS = {}
OK_COUNT = [0]


def creds(exp):
    with LOCK:
        OK_COUNT[0] += 1
        n = OK_COUNT[0]
    return {
        "AccessKeyId": f"ASIAOK{n:06d}",
        "SecretAccessKey": f"secret-{n}",
        "Token": f"token-{n}",
        "Expiration": exp,
        "AccountId": "123456789012",
    }


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body):
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def do_GET(self):
        parts = urlsplit(self.path)
        path = parts.path
        if path == "/__log":
            with LOCK:
                self.send(200, list(LOG))
            return
        with LOCK:
            LOG.append({
                "path": self.path,
                "authorization": self.headers.get("Authorization"),
                "accept": self.headers.get("Accept"),
            })
            HITS[path] = HITS.get(path, 0) + 1
            hits = HITS[path]
        exp = parse_qs(parts.query).get("exp", ["2030-01-01T00:00:00Z"])[0]
        if path == "/ok":
            self.send(200, creds(exp))
        elif path == "/flaky":
            if hits <= 2:
                self.send(500, {"Code": "InternalError", "Message": "try again"})
            else:
                self.send(200, creds(exp))
        elif path == "/always500":
            self.send(500, {"Code": "InternalError", "Message": "boom"})
        elif path == "/error":
            self.send(403, {"Code": "AccessDenied", "Message": "Unable to fetch credentials"})
        elif path == "/echo-token-part":
            auth = self.headers.get("Authorization") or ""
            self.send(401, {"Code": "Bad-" + auth[-9:],
                            "Message": "token starting %s... is not valid" % auth[:12]})
        elif path == "/echo-token":
            self.send(500, {"Code": "Echo", "Message": f"you sent {self.headers.get('Authorization')}"})
        elif path == "/garbage":
            self.send(200, b"this is not json")
        elif path == "/missing":
            self.send(200, {"AccessKeyId": "A", "SecretAccessKey": "S", "Expiration": exp})
        elif path == "/slow":
            time.sleep(1.5)
            self.send(200, creds(exp))
        elif path == "/big":
            self.send(200, b"{" + b" " * (100 * 1024) + b"}")
        else:
            self.send(404, {"Code": "NotFound", "Message": path})


class Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass  # clients that time out or stop reading (/slow, /big) are expected


def main():
    server = Server(("127.0.0.1", 0), Handler)
    print(f"PORT {server.server_address[1]}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
