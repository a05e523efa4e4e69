"""A small HTTP(S) server on 127.0.0.1 (a free port) for tests that need an endpoint with
canned answers in the test process itself: it serves from a thread inside a `with` block
and is shut down at its end. The handler class says what it answers."""

import http.server
import ssl
import threading


class LocalHttpServer:
    def __init__(self, handler, tls_cert=None, tls_key=None):
        """handler: a BaseHTTPRequestHandler class; tls_cert/tls_key: PEM files to serve
        HTTPS instead of HTTP."""
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        if tls_cert:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(tls_cert, tls_key)
            self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.url = "%s://127.0.0.1:%d" % ("https" if tls_cert else "http", self.port)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.httpd.shutdown()
        self.httpd.server_close()
