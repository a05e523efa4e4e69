#!/usr/bin/env python3
"""moto_peer: a moto_server with IAM authentication, ready for scanwarden's tests.

One MotoPeer is one `moto_server` process on 127.0.0.1, port 0 (the port it
picked is read from its log), started with INITIAL_NO_AUTH_ACTION_COUNT=3 so the
only unauthenticated requests are the three that create an admin user and key.
Every later request must be SigV4-signed by a known key and allowed by its
policies. Helpers apply docs/emulator-notes.md §6-§8 when granting
a policy (see grant_policy).

Python interface (import with sys.path including tests/peers):

    from moto_peer import MotoPeer
    with MotoPeer() as moto:                       # start(); stop() on exit
        moto.endpoint_url, moto.region, moto.account_id, moto.admin  # admin key dict
        topic, queue = moto.create_topic_with_queue("alerts")  # SQS subscribed, raw off
        creds = moto.role_credentials("fn", policy, topic_arn=topic)  # AssumeRole creds
        moto.client("ecr")                         # boto3 client as admin
        moto.client("sns", creds)                  # ... or with given credentials
        moto.read_published(queue)                 # SNS envelopes delivered so far
        moto.env(creds)                            # AWS_* variables for a child process

Command-line interface (for C tests; one JSON object per line):

    python3 tests/peers/moto_peer.py [--policy FILE] [--topic NAME] [--region R]

prints one line {"endpoint","region","account_id","admin":{...},"topic_arn",
"queue_url","role_arn","credentials":{AccessKeyId,SecretAccessKey,SessionToken},
"pid"} (topic/role only when asked for), then reads commands from stdin:

    {"cmd":"messages"}                              -> {"messages":[envelope,...]}
    {"cmd":"call","service":"ecr","operation":"get_registry_scanning_configuration",
     "params":{...}}                                -> {"result":{...}} | {"error":{code,message}}
    {"cmd":"role","name":"n","policy":{...}}        -> {"role_arn","credentials"}
    {"cmd":"stop"} or end of input                  -> stops moto_server and exits

Only loopback addresses are used. Every wait is bounded.
"""

import argparse
import copy
import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time

import boto3
import botocore.config

from command_loop import serve_commands

DEFAULT_REGION = "us-east-1"
ACCOUNT_ID = "123456789012"  # moto's default account
START_TIMEOUT_S = 20
FREE_ACTIONS = 3  # create_user, put_user_policy, create_access_key
ADMIN_POLICY = {"Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
TRUST_ANY_AWS = {"Version": "2012-10-17", "Statement": [  # docs/emulator-notes.md §8
    {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}


def _as_list(v):
    return v if isinstance(v, list) else [v]


def grant_policy(policy, topic_arn=None):
    """The policy as moto must be given it to enforce what AWS would (docs/emulator-notes.md
    §6 and §7).

    - Deny statements with a Condition are dropped (moto ignores conditions, so a
      conditional Deny would deny everything).
    - Each Allow statement whose Resource names topic_arn gets a copy with Resource "*"
      (moto matches SNS actions against "*"); other statements are left alone, so a
      policy naming the wrong topic is still refused.
    Returns a new document; the input is not changed."""
    doc = copy.deepcopy(policy)
    out = []
    for s in _as_list(doc.get("Statement", [])):
        if s.get("Effect") == "Deny" and s.get("Condition"):
            continue
        out.append(s)
    extra = []
    if topic_arn:
        for s in out:
            if s.get("Effect") == "Allow" and topic_arn in _as_list(s.get("Resource", [])):
                star = dict(s, Resource="*")
                if "Sid" in star:
                    star["Sid"] = star["Sid"] + "MotoStar"
                extra.append(star)
    doc["Statement"] = out + extra
    return doc


class MotoPeer:
    """moto_server on 127.0.0.1 (free port) with IAM auth and an admin key."""

    def __init__(self, region=DEFAULT_REGION):
        self.region = region
        self.account_id = ACCOUNT_ID
        self.proc = None
        self._drainer = None
        self.port = None
        self.endpoint_url = None
        self.admin = None
        self._log = []
        self._lock = threading.Lock()
        self._requests = 0

    # -- lifecycle -------------------------------------------------------------
    def start(self):
        # boto3 in this process talks to loopback only: never through a proxy from the env
        no_proxy = [h for h in os.environ.get("NO_PROXY", "").split(",") if h]
        os.environ["NO_PROXY"] = ",".join(no_proxy + ["127.0.0.1", "localhost"])
        env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(FREE_ACTIONS))
        for k in list(env):  # never let a proxy setting send loopback traffic elsewhere
            if k.lower() in ("http_proxy", "https_proxy", "all_proxy"):
                del env[k]
        self.proc = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", "0"], env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + START_TIMEOUT_S
        pattern = re.compile(rb"Running on http://127\.0\.0\.1:(\d+)")
        buf = b""
        while self.port is None:
            left = deadline - time.monotonic()
            if left <= 0 or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("moto_server did not start: %r" % buf[-500:])
            ready, _, _ = select.select([self.proc.stdout], [], [], min(left, 0.5))
            if ready:
                chunk = os.read(self.proc.stdout.fileno(), 4096)
                buf += chunk
                m = pattern.search(buf)
                if m:
                    self.port = int(m.group(1))
        # keep draining moto's request log so its pipe never fills up, counting requests
        self._drainer = threading.Thread(target=self._drain, args=(self.proc.stdout, buf),
                                         daemon=True)
        self._drainer.start()
        self.endpoint_url = "http://127.0.0.1:%d" % self.port
        iam = self._client("iam", {"AccessKeyId": "bootstrap", "SecretAccessKey": "bootstrap"})
        iam.create_user(UserName="admin")
        iam.put_user_policy(UserName="admin", PolicyName="admin",
                            PolicyDocument=json.dumps(ADMIN_POLICY))
        self.admin = iam.create_access_key(UserName="admin")["AccessKey"]
        return self

    REQUEST_LINE = re.compile(rb'"(?:GET|POST|PUT|DELETE|HEAD|PATCH) /')

    def _drain(self, pipe, seen=b""):
        """Reads moto's log until it ends; each request line it logs counts one request."""
        pending = seen[seen.rfind(b"\n") + 1:] if b"\n" in seen else b""
        try:
            while True:
                chunk = os.read(pipe.fileno(), 65536)
                if not chunk:
                    break
                lines = (pending + chunk).split(b"\n")
                pending = lines.pop()
                with self._lock:
                    self._requests += sum(1 for l in lines if self.REQUEST_LINE.search(l))
        except (OSError, ValueError):
            pass

    def request_count(self):
        """Requests moto has logged so far (its request log is written as it answers; wait a
        moment after the last call before comparing two counts)."""
        with self._lock:
            return self._requests

    def stop(self):
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        # moto has exited, so its log ends: the drain thread returns and the pipe is closed.
        if self._drainer is not None:
            self._drainer.join(timeout=5)
            self._drainer = None
        self.proc.stdout.close()
        self.proc = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()

    # -- clients ---------------------------------------------------------------
    def _client(self, service, creds):
        return boto3.client(
            service, endpoint_url=self.endpoint_url, region_name=self.region,
            aws_access_key_id=creds["AccessKeyId"],
            aws_secret_access_key=creds["SecretAccessKey"],
            aws_session_token=creds.get("SessionToken"),
            config=botocore.config.Config(retries={"max_attempts": 1, "mode": "standard"},
                                          proxies={}))

    def client(self, service, creds=None):
        """A boto3 client for service, as the admin unless creds (AccessKeyId, ...) are given."""
        return self._client(service, creds or self.admin)

    # -- identities ------------------------------------------------------------
    def role_credentials(self, name, policy, topic_arn=None):
        """Temporary credentials (AssumeRole, with a session token) of a new role whose only
        permissions are policy (a dict, or a path to a JSON file whose ${...} placeholders are
        substituted), prepared by grant_policy(policy, topic_arn)."""
        if isinstance(policy, str):
            with open(policy, encoding="utf-8") as f:
                policy = json.loads(self.substitute(f.read(), topic_arn))
        iam = self.client("iam")
        role = iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(TRUST_ANY_AWS))
        iam.put_role_policy(RoleName=name, PolicyName=name,
                            PolicyDocument=json.dumps(grant_policy(policy, topic_arn)))
        creds = self.client("sts").assume_role(RoleArn=role["Role"]["Arn"],
                                               RoleSessionName=(name + "-session")[:64])["Credentials"]
        creds = {k: creds[k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")}
        creds["RoleArn"] = role["Role"]["Arn"]
        return creds

    def substitute(self, text, topic_arn=None):
        """Replaces ${TopicArn}, ${AWS::AccountId}, ${AWS::Region}, ${AWS::Partition} in a
        policy file's text (the CloudFormation spellings the template uses)."""
        for k, v in (("${TopicArn}", topic_arn), ("${AWS::AccountId}", self.account_id),
                     ("${AWS::Region}", self.region), ("${AWS::Partition}", "aws")):
            if v:
                text = text.replace(k, v)
        return text

    def user_credentials(self, name, policy):
        """A long-term key of a new IAM user holding policy."""
        iam = self.client("iam")
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName=name, PolicyDocument=json.dumps(policy))
        return iam.create_access_key(UserName=name)["AccessKey"]

    # -- SNS -> SQS ------------------------------------------------------------
    def create_topic_with_queue(self, name):
        """An SNS topic with an SQS queue subscribed (raw delivery off: the queue receives the
        SNS envelope with Subject and MessageAttributes). Returns (topic_arn, queue_url)."""
        sns, sqs = self.client("sns"), self.client("sqs")
        topic = sns.create_topic(Name=name)["TopicArn"]
        queue = sqs.create_queue(QueueName=name + "-subscriber")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue,
                                       AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)
        return topic, queue

    def read_published(self, queue_url, expect=0, timeout_s=5.0):
        """The SNS envelopes delivered to queue_url so far, oldest first, deleting them. With
        expect > 0, waits (up to timeout_s) until at least that many arrived."""
        sqs, out = self.client("sqs"), []
        deadline = time.monotonic() + timeout_s
        for _ in range(1000):  # bounded
            msgs = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                       WaitTimeSeconds=0).get("Messages", [])
            for m in msgs:
                out.append(json.loads(m["Body"]))
                sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=m["ReceiptHandle"])
            if not msgs:
                if len(out) >= expect or time.monotonic() > deadline:
                    break
                time.sleep(0.05)
        out.sort(key=lambda e: e.get("Timestamp", ""))
        return out

    # -- for child processes ---------------------------------------------------
    def env(self, creds=None, base=None):
        """Environment for a child process that should talk to this moto as creds."""
        creds = creds or self.admin
        env = dict(base if base is not None else os.environ)
        for k in list(env):
            if k.startswith("AWS_") or k.lower() in ("http_proxy", "https_proxy", "all_proxy"):
                del env[k]
        env.update({
            "AWS_REGION": self.region,
            "AWS_ENDPOINT_URL": self.endpoint_url,
            "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
        })
        if creds.get("SessionToken"):
            env["AWS_SESSION_TOKEN"] = creds["SessionToken"]
        return env


# -- command-line interface ------------------------------------------------------------


def _jsonable(obj):
    return json.loads(json.dumps(obj, default=str))


def _handle(moto, state, cmd):
    what = cmd.get("cmd")
    if what == "messages":
        return {"messages": moto.read_published(state["queue_url"], int(cmd.get("expect", 0)),
                                                float(cmd.get("timeout", 5)))}
    if what == "call":
        client = moto.client(cmd["service"])
        try:
            result = getattr(client, cmd["operation"])(**cmd.get("params", {}))
            result.pop("ResponseMetadata", None)
            return {"result": _jsonable(result)}
        except client.exceptions.ClientError as e:
            return {"error": {"code": e.response["Error"].get("Code", ""),
                              "message": e.response["Error"].get("Message", "")}}
    if what == "role":
        creds = moto.role_credentials(cmd["name"], cmd["policy"], state.get("topic_arn"))
        return {"role_arn": creds.pop("RoleArn"), "credentials": creds}
    return {"error": {"code": "UnknownCommand", "message": "unknown cmd %r" % what}}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--region", default=DEFAULT_REGION)
    ap.add_argument("--topic", help="create this SNS topic with an SQS queue subscribed")
    ap.add_argument("--policy", help="JSON policy file: create a role with it and assume it")
    ap.add_argument("--role-name", default="scanwarden-test")
    args = ap.parse_args(argv)

    moto = MotoPeer(region=args.region)
    signal.signal(signal.SIGTERM, lambda *_: (moto.stop(), sys.exit(0)))
    moto.start()
    try:
        state = {"endpoint": moto.endpoint_url, "region": moto.region,
                 "account_id": moto.account_id, "admin": moto.admin and {
                     "AccessKeyId": moto.admin["AccessKeyId"],
                     "SecretAccessKey": moto.admin["SecretAccessKey"]},
                 "pid": moto.proc.pid}
        if args.topic:
            state["topic_arn"], state["queue_url"] = moto.create_topic_with_queue(args.topic)
        if args.policy:
            creds = moto.role_credentials(args.role_name, args.policy, state.get("topic_arn"))
            state["role_arn"] = creds.pop("RoleArn")
            state["credentials"] = creds
        print(json.dumps(state), flush=True)
        def handle(cmd):
            try:
                return _handle(moto, state, cmd)
            except Exception as e:  # report, keep serving: the test decides
                return {"error": {"code": type(e).__name__, "message": str(e)}}

        serve_commands(handle, not_json=lambda line: {
            "error": {"code": "BadCommand", "message": line[:100]}})
    finally:
        moto.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
