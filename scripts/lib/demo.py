#!/usr/bin/env python3
"""The story scripts/demo.sh tells: scanwarden keeping ECR scanning on, in under a minute.

Everything runs locally: moto_server (IAM authentication on) plays AWS, the local
Runtime API server plays Lambda, and build/bootstrap is the real function, warm for the
whole story, holding only its IAM policy. Each notification is printed as the SQS
subscriber of the SNS topic receives it, with the
e-mail text a person reads. DEMO_KEEP=1 keeps the servers and the
function running after the story, prints how to explore them, and stops them all on
Ctrl-C.
"""

import json
import os
import signal
import subprocess
import sys
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "e2e"))
import harness  # noqa: E402
import moto_peer  # noqa: E402  (tests/peers, on sys.path through harness)

KEEP = os.environ.get("DEMO_KEEP", "0") not in ("", "0")
WIDTH = 78
BOLD, DIM, GREEN, RED, CYAN, OFF = ("\033[1m", "\033[2m", "\033[32m", "\033[31m", "\033[36m",
                                    "\033[0m") if sys.stdout.isatty() else ("",) * 6


def say(text=""):
    print(text, flush=True)


def step(n, title):
    say()
    say("%s%d. %s%s" % (BOLD, n, title, OFF))


def email_text(world, subject):
    """The text an e-mail subscriber gets: the "email" member of the message structure the
    function published (MessageStructure=json), read from what moto's SNS accepted. moto
    does not deliver e-mail, and its SQS delivery carries the "sqs" member only."""
    url = "%s/moto-api/data.json" % world.endpoint
    try:
        with urllib.request.urlopen(url, timeout=5) as r:
            data = json.loads(r.read())
    except (OSError, ValueError):
        return None
    for topic in data.get("sns", {}).get("Topic", []):
        for sent in reversed(topic.get("sent_notifications", [])):
            if len(sent) > 2 and sent[2] == subject:
                try:
                    return json.loads(sent[1]).get("email")
                except (TypeError, ValueError, AttributeError):
                    return None
    return None


def box_line(text=""):
    say("   %s|%s %s" % (CYAN, OFF, text))


def show_notification(world, note, document_lines=14):
    say("   %s+-- SNS notification %s+%s" % (CYAN, "-" * (WIDTH - 26), OFF))
    box_line("Subject: %s%s%s" % (BOLD, note.subject, OFF))
    attrs = ", ".join("%s=%s" % kv for kv in sorted(note.attributes.items()))
    box_line("Attributes: %s" % attrs)
    email = email_text(world, note.subject)
    if email:
        box_line()
        box_line("%sWhat the security engineer reads (e-mail subscription):%s" % (DIM, OFF))
        for line in email.splitlines():
            box_line(line)
    try:  # SQS, Lambda and HTTP subscribers get the JSON document (MessageStructure=json)
        doc = json.loads(note.message)
    except ValueError:
        doc = None
    if isinstance(doc, dict) and "schema_version" in doc:
        lines = json.dumps(doc, indent=2, ensure_ascii=False).splitlines()
        box_line()
        box_line("%sWhat the SQS subscriber received (docs/notification.schema.json):%s"
                 % (DIM, OFF))
        for line in lines[:document_lines]:
            box_line(line)
        if len(lines) > document_lines:
            box_line("%s... (%d more lines of JSON)%s" % (DIM, len(lines) - document_lines, OFF))
    elif not email:
        for line in note.message.splitlines():
            box_line(line)
    say("   %s+%s+%s" % (CYAN, "-" * (WIDTH - 4), OFF))


def show_state(world, label):
    status = world.inspector_ecr_status()
    cfg = world.registry_config()
    rules = "; ".join("%s on %s" % (r["scanFrequency"],
                                    ",".join(f["filter"] for f in r["repositoryFilters"]))
                      for r in cfg.get("rules", [])) or "no rules"
    ok = status in ("ENABLED", "ENABLING") and cfg["scanType"] == "ENHANCED"
    colour = GREEN if ok else RED
    say("   %s: Inspector ECR scanning %s%s%s, registry scanning %s%s%s (%s)"
        % (label, colour, status, OFF, colour, cfg["scanType"], OFF, rules))


class Function:
    """build/bootstrap, warm for the whole story, fed by the local Runtime API server."""

    def __init__(self, world, workdir):
        self.world = world
        self.record_path = os.path.join(workdir, "runtime-api-requests.jsonl")
        self.log_path = os.path.join(workdir, "function.log")
        self.server = subprocess.Popen(
            [sys.executable, os.path.join(harness.PEERS_DIR, "runtime_api_server.py"),
             "--keep-open", "--record", self.record_path],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
        line = self.server.stdout.readline()
        if not line.startswith("PORT "):
            raise RuntimeError("the Runtime API server did not start")
        self.address = "127.0.0.1:%s" % line.split()[1]
        env = world.function_env(AWS_LAMBDA_RUNTIME_API=self.address)
        self.log = open(self.log_path, "w", encoding="utf-8")
        self.proc = subprocess.Popen([harness.BOOTSTRAP], env=env, stdout=self.log,
                                     stderr=subprocess.STDOUT)
        self.answered = 0

    def invoke(self, event):
        """Delivers one event as EventBridge would and waits for the function's answer."""
        line = json.dumps({"payload": event, "headers": {
            "Lambda-Runtime-Invoked-Function-Arn": self.world.function_arn()}})
        req = urllib.request.Request("http://%s/_control/enqueue" % self.address,
                                     data=(line + "\n").encode(), method="POST")
        urllib.request.urlopen(req, timeout=5).read()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            answers = []
            with open(self.record_path, encoding="utf-8") as f:
                for rec_line in f:
                    rec = json.loads(rec_line)
                    if rec["method"] == "POST" and "/invocation/" in rec["path"]:
                        answers.append(rec)
            if len(answers) > self.answered:
                self.answered += 1
                rec = answers[self.answered - 1]
                kind = "error" if rec["path"].endswith("/error") else "response"
                say("   %sfunction answered (%s): %s%s" % (DIM, kind, rec["body"], OFF))
                return json.loads(rec["body"])
            if self.proc.poll() is not None:
                raise RuntimeError("the function exited; see %s" % self.log_path)
            time.sleep(0.05)
        raise RuntimeError("no answer from the function within 20 s")

    def stop(self):
        for p in (self.proc, self.server):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    p.kill()
        self.log.close()


def aws_cli(world, creds, *args):
    env = dict(os.environ, AWS_ACCESS_KEY_ID=creds["AccessKeyId"],
               AWS_SECRET_ACCESS_KEY=creds["SecretAccessKey"], AWS_DEFAULT_REGION=harness.REGION,
               AWS_PAGER="")
    env.pop("AWS_SESSION_TOKEN", None)
    cmd = ["aws", "--endpoint-url", world.endpoint, "--output", "json"] + list(args)
    say("   %s$ aws %s%s" % (DIM, " ".join(args), OFF))
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout
    return json.loads(out) if out.strip() else {}


def main():
    workdir = os.environ.get("DEMO_DIR") or os.path.join(harness.BUILD_DIR, "demo")
    os.makedirs(workdir, exist_ok=True)
    started = time.monotonic()
    say("%sscanwarden demo%s: moto_server plays AWS, a local Runtime API plays Lambda,"
        % (BOLD, OFF))
    say("build/bootstrap is the real function with only its IAM policy.")
    world = harness.World()
    fn = None
    try:
        fn = Function(world, workdir)
        say("   AWS (moto) at %s, account %s, region %s" % (world.endpoint, world.account,
                                                             harness.REGION))
        say("   SNS topic %s -> SQS subscriber" % world.topic_arn)

        step(1, "A new account: Inspector was never enabled, the registry is on BASIC scanning")
        show_state(world, "before")

        step(2, "The scheduled check runs (EventBridge schedule -> the function)")
        fn.invoke(world.scheduled_event())
        for note in world.notifications(expect=1):
            show_notification(world, note)
        show_state(world, "after")

        step(3, "Alice turns Inspector ECR scanning off with the aws CLI")
        alice = world.moto.user_credentials("alice", moto_peer.ADMIN_POLICY)
        who = aws_cli(world, alice, "sts", "get-caller-identity")["Arn"]
        aws_cli(world, alice, "inspector2", "disable", "--account-ids", world.account,
                "--resource-types", "ECR")
        show_state(world, "now")
        say("   CloudTrail records the call; EventBridge delivers it to the function:")
        event = world.cloudtrail_event("cloudtrail-inspector2-Disable-ECR.json", who,
                                       source_ip="192.0.2.44", accountIds=[world.account],
                                       resourceTypes=["ECR"])
        say("   %seventName Disable by %s from %s%s" % (DIM, who, "192.0.2.44", OFF))
        fn.invoke(event)
        for note in world.notifications(expect=1):
            show_notification(world, note)
        show_state(world, "after")

        step(4, "The same CloudTrail event is delivered again (at-least-once delivery)")
        fn.invoke(event)
        say("   nothing drifted: no write, %d notification(s)" % len(world.notifications()))

        step(5, "Inspector reports a CRITICAL vulnerability in an image")
        fn.invoke(world.finding_event("CRITICAL", finding_id="demo-critical-1"))
        for note in world.notifications(expect=1):
            show_notification(world, note)

        step(6, "Final state")
        show_state(world, "final")
        say()
        say("Story told in %.1f s." % (time.monotonic() - started))
        if KEEP:
            explore(world, fn, alice)
    finally:
        if fn is not None:
            fn.stop()
        world.stop()


def explore(world, fn, alice):
    say()
    say("%sDEMO_KEEP=1: everything is still running.%s Explore it:" % (BOLD, OFF))
    say("  export AWS_ENDPOINT_URL=%s AWS_DEFAULT_REGION=%s" % (world.endpoint, harness.REGION))
    say("  export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s   # alice (admin)"
        % (alice["AccessKeyId"], alice["SecretAccessKey"]))
    say("  aws inspector2 batch-get-account-status --account-ids %s" % world.account)
    say("  aws ecr get-registry-scanning-configuration")
    say("  aws sqs receive-message --queue-url %s --max-number-of-messages 10" % world.queue_url)
    say("  # send the function an event (one JSON line per event):")
    say("  curl -s --data-binary '{\"payload\":{\"trigger\":\"schedule\"}}' "
        "http://%s/_control/enqueue" % fn.address)
    say("  # the function's log: %s" % fn.log_path)
    say("Press Ctrl-C to stop everything.")
    try:
        while fn.proc.poll() is None:
            time.sleep(1)
        say("the function exited; see %s" % fn.log_path)
    except KeyboardInterrupt:
        say()


if __name__ == "__main__":
    # SIGTERM (e.g. from a CI timeout) unwinds like Ctrl-C, so everything started is stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        main()
    except KeyboardInterrupt:
        sys.exit(130)
