#!/usr/bin/env python3
"""Prints, as Markdown, one notification of each kind as subscribers receive it (e-mail
text, JSON document, chat payload), rendered by the real builders: it runs the
test_notify_wire binary with SW_WIRE_OUT (the same cases the unit tests check and the
schema test validates). The README's "Notifications as subscribers see them" section is
this script's output:  scripts/notification-examples.py build/tests/handler/test_notify_wire
"""

import json
import os
import subprocess
import sys
import tempfile

KINDS = [("finding", "Finding (Inspector2 Finding)"),
         ("scan", "Scan summary (Inspector2 Scan)"),
         ("basic-scan", "ECR basic scan (ECR Image Scan)"),
         ("coverage", "Coverage lost (Inspector2 Coverage)"),
         ("remediation", "Remediation (enforce, restored)"),
         ("remediation-failed", "Remediation that failed (RemediationFailed)"),
         ("drift", "Drift (REMEDIATION_MODE=dry-run)"),
         ("summary", "Storm summary (more than MAX_NOTIFICATIONS_PER_INVOCATION)")]


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else "build/tests/handler/test_notify_wire"
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, SW_WIRE_OUT=out)
        env.setdefault("SW_TEST_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "tests",
                                                        "data"))
        subprocess.run([binary], env=env, check=True, stdout=subprocess.DEVNULL, timeout=60)

        def read(name, ext):
            with open(os.path.join(out, name + ext), encoding="utf-8") as f:
                return f.read()

        for name, title in KINDS:
            doc = json.loads(read(name, ".json"))
            chat = json.loads(read(name, ".chat.json"))
            print("#### %s\n" % title)
            print("Subject: `%s`\n" % read(name, ".subject"))
            print("<details><summary>E-mail (default, email)</summary>\n\n```text")
            print(read(name, ".txt").rstrip("\n"))
            print("```\n</details>\n")
            print("<details><summary>JSON document (sqs, lambda, http, https)</summary>\n\n"
                  "```json")
            print(json.dumps(doc, indent=2, ensure_ascii=False))
            print("```\n</details>\n")
            print("<details><summary>Chat, CHAT_FORMAT=chatbot (https)</summary>\n\n```json")
            print(json.dumps(chat, indent=2, ensure_ascii=False))
            print("```\n</details>\n")


if __name__ == "__main__":
    main()
