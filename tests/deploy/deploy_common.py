"""What the artifact tests (test_artifact.py, test_private_apt.py) share: where the source,
the build and the lean prefix are, and how a check passes, fails or is skipped. Each test
is a script ctest runs; it prints PASSED, FAILED: why, or SKIPPED: why (exit SKIP)."""

import os
import subprocess

SKIP = 77  # ctest's SKIP_RETURN_CODE for tests/deploy
SOURCE = os.environ.get("SW_SOURCE_DIR") or os.path.abspath(
    os.path.join(os.path.dirname(__file__), "..", ".."))
BUILD = os.environ.get("SW_BUILD_DIR") or os.path.join(SOURCE, "build")
PREFIX = os.environ.get("SW_DEPS_PREFIX") or os.path.join(SOURCE, ".deps", "prefix")


class Skip(Exception):
    """The check cannot run here; the message says why."""


class Fail(Exception):
    """The check ran and failed; the message says what was wrong."""


def check(cond, message):
    if not cond:
        raise Fail(message)


def run(cmd, **kw):
    """subprocess.run capturing stdout and stderr as text (each overridable in kw)."""
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    kw.setdefault("text", True)
    return subprocess.run(cmd, **kw)
