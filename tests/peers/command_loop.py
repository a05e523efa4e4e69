"""The stdin command loop of the peers run as processes (fault_server.py,
inspector2_front.py, moto_peer.py): JSON commands on stdin, one per line, each answered
with one JSON line on stdout; {"cmd":"stop"} or the end of input ends the loop. The C
tests drive them through tests/aws/peer.h."""

import json
import sys


def reply(answer):
    """Writes one JSON answer line and flushes it (the caller is waiting for it)."""
    print(json.dumps(answer), flush=True)


def serve_commands(handle, not_json=lambda line: {"error": "not JSON"}, lines=None):
    """Calls handle(cmd) for each JSON command read from lines (default: stdin) and writes
    the object it returns as the answer; a line that is not JSON is answered with
    not_json(line); blank lines are ignored. Returns at {"cmd":"stop"} or end of input."""
    for line in sys.stdin if lines is None else lines:
        line = line.strip()
        if not line:
            continue
        try:
            cmd = json.loads(line)
        except ValueError:
            reply(not_json(line))
            continue
        if cmd.get("cmd") == "stop":
            break
        reply(handle(cmd))
