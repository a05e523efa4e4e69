"""One version, from CMake's project(VERSION) in CMakeLists.txt, reaches everything a
user or an operator sees: `bootstrap --version`, the User-Agent of every AWS request
and the "scanwarden ready" log line of a Lambda start (docs/building.md)."""

import http.server
import json
import os
import re
import subprocess
import sys
import time
import unittest

SOURCE_DIR = os.environ.get(
    "SW_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
BUILD_DIR = os.environ.get("SW_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
BOOTSTRAP = os.path.join(BUILD_DIR, "bootstrap")
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "peers"))

from local_http import LocalHttpServer  # noqa: E402
from runtime_api_server import RuntimeApiServer  # noqa: E402

TIMEOUT_S = 30


def project_version():
    """The VERSION of project(scanwarden ...) in CMakeLists.txt, read as text."""
    with open(os.path.join(SOURCE_DIR, "CMakeLists.txt"), encoding="utf-8") as f:
        m = re.search(r"^project\(scanwarden\s+VERSION\s+([0-9]+\.[0-9]+\.[0-9]+)\b", f.read(), re.M)
    if not m:
        raise AssertionError("CMakeLists.txt has no project(scanwarden VERSION x.y.z)")
    return m.group(1)


def base_env(**extra):
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
           "SNS_TOPIC_ARN": "arn:aws:sns:eu-west-1:123456789012:scanwarden",
           "AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE",
           "AWS_SECRET_ACCESS_KEY": "x" * 40, "AWS_MAX_ATTEMPTS": "1"}
    env.update(extra)
    return env


class Recorder(LocalHttpServer):
    """HTTP on 127.0.0.1 that records each request's headers and answers a JSON 400."""

    def __init__(self):
        self.headers = []
        recorded = self.headers

        class Handler(http.server.BaseHTTPRequestHandler):
            def _answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                recorded.append(dict(self.headers.items()))
                body = json.dumps({"__type": "ValidationException", "message": "recorded"}).encode()
                self.send_response(400)
                self.send_header("Content-Type", "application/x-amz-json-1.1")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = do_PUT = _answer

            def log_message(self, *a):
                pass

        super().__init__(Handler)


class Version(unittest.TestCase):
    def setUp(self):
        if not os.access(BOOTSTRAP, os.X_OK):
            self.fail("%s is not built" % BOOTSTRAP)
        self.version = project_version()

    def test_version_option_prints_the_project_version(self):
        r = subprocess.run([BOOTSTRAP, "--version"], env=base_env(), capture_output=True, text=True,
                           timeout=TIMEOUT_S)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stdout, "scanwarden %s\n" % self.version)
        self.assertEqual(r.stderr, "")

    def test_help_lists_the_version_option(self):
        r = subprocess.run([BOOTSTRAP, "--help"], env=base_env(), capture_output=True, text=True,
                           timeout=TIMEOUT_S)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("--version", r.stdout)

    def test_aws_requests_carry_the_version_in_the_user_agent(self):
        with Recorder() as peer:
            r = subprocess.run([BOOTSTRAP, "--check"],
                               env=base_env(AWS_ENDPOINT_URL=peer.url), capture_output=True,
                               text=True, timeout=TIMEOUT_S)
        self.assertTrue(peer.headers, "no AWS request reached the peer: %s %s" % (r.stdout, r.stderr))
        agents = {h.get("User-Agent") for h in peer.headers}
        self.assertEqual(agents, {"scanwarden/%s" % self.version}, r.stderr)

    def test_ready_log_line_names_the_version(self):
        env = base_env(AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_LAMBDA_FUNCTION_NAME="scanwarden",
                       AWS_LAMBDA_FUNCTION_MEMORY_SIZE="128", AWS_LAMBDA_FUNCTION_VERSION="$LATEST",
                       AWS_LAMBDA_LOG_FORMAT="JSON")
        with RuntimeApiServer(events=[], on_empty="hang") as srv:
            env["AWS_LAMBDA_RUNTIME_API"] = srv.address
            proc = subprocess.Popen([BOOTSTRAP], env=env, stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT)
            try:
                deadline = time.monotonic() + TIMEOUT_S
                # The ready line is logged before the first /next, which then waits.
                while time.monotonic() < deadline and proc.poll() is None and not any(
                        r["path"].endswith("/invocation/next") for r in srv.records):
                    time.sleep(0.05)
            finally:
                proc.kill()
                output = proc.communicate()[0].decode("utf-8", "replace")
        ready = [json.loads(line) for line in output.splitlines()
                 if line.startswith("{") and "scanwarden ready" in line]
        self.assertEqual(len(ready), 1, output)
        self.assertRegex(ready[0]["message"], r"^scanwarden ready: version %s, " % re.escape(self.version))


if __name__ == "__main__":
    unittest.main()
