"""Checks every notification kind's JSON document and chat payload against the schemas.

Runs the test_notify_wire binary (given as argv[1]) with SW_WIRE_OUT set to a temporary
folder, where it writes each document (NAME.json) and chat payload (NAME.chat.json) it
built from the real builders, then validates them with jsonschema against
docs/notification.schema.json and docs/chatbot-notification.schema.json, and checks that
every kind was there.
"""

import glob
import json
import os
import subprocess
import sys
import tempfile

try:
    import jsonschema
except ImportError:  # a test dependency (scripts/lib/deps.sh): its absence is a failure
    print("FAIL: python jsonschema is not installed (pip install jsonschema): the "
          "notification documents cannot be schema-checked", file=sys.stderr)
    sys.exit(1)

SOURCE_DIR = os.environ.get(
    "SW_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))
KINDS = {"finding", "scan", "basic-scan", "coverage", "remediation", "drift", "summary"}


def load(name):
    with open(os.path.join(SOURCE_DIR, "docs", name), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def main():
    doc_schema = load("notification.schema.json")
    chat_schema = load("chatbot-notification.schema.json")
    with tempfile.TemporaryDirectory() as out:
        env = dict(os.environ, SW_WIRE_OUT=out)
        subprocess.run([sys.argv[1]], env=env, check=True, timeout=50,
                       stdout=subprocess.DEVNULL)
        docs = sorted(p for p in glob.glob(os.path.join(out, "*.json"))
                      if not p.endswith(".chat.json"))
        chats = sorted(glob.glob(os.path.join(out, "*.chat.json")))
        failures = []
        seen = set()
        for path, validator in [(p, doc_schema) for p in docs] + [(p, chat_schema) for p in chats]:
            with open(path, encoding="utf-8") as f:
                data = json.load(f)
            if validator is doc_schema:
                seen.add(data.get("kind"))
            for e in validator.iter_errors(data):
                failures.append("%s: %s at %s" % (os.path.basename(path), e.message,
                                                  "/".join(map(str, e.absolute_path))))
        print("validated %d documents and %d chat payloads" % (len(docs), len(chats)))
        if KINDS - seen:
            failures.append("kinds never produced: %s" % sorted(KINDS - seen))
        if len(chats) != len(docs):
            failures.append("%d documents but %d chat payloads" % (len(docs), len(chats)))
        # A schema that accepts anything would pass the above: it must reject a broken one.
        with open(docs[0], encoding="utf-8") as f:
            broken = json.load(f)
        broken["kind"] = "nonsense"
        if doc_schema.is_valid(broken):
            failures.append("the document schema accepts kind 'nonsense'")
        if failures:
            print("\n".join(failures))
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
