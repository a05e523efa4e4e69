"""End-to-end harness: run build/bootstrap as Lambda would, against real local peers.

A World is one moto_server (IAM authentication on) holding an SNS topic with an
SQS queue subscribed, and the function's IAM role with ONLY the policy of
template.yaml for the configuration under test (tests/peers/template_policy.py).
The function gets temporary credentials (AssumeRole, with a session token) for
that role. run_function() starts the local Runtime API
server with a queue of events, runs the bootstrap against it until the queue is
empty, and returns what the function answered, its logs and its exit status.
The tests then read back the AWS state with boto3 and the notifications from the
queue, so they check what a subscriber would really receive.
"""

import fnmatch
import json
import os
import shlex
import subprocess
import sys
import time
import unittest

SOURCE_DIR = os.environ.get(
    "SW_SOURCE_DIR", os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
)
BUILD_DIR = os.environ.get("SW_BUILD_DIR", os.path.join(SOURCE_DIR, "build"))
DATA_DIR = os.environ.get("SW_TEST_DATA_DIR", os.path.join(SOURCE_DIR, "tests", "data"))
PEERS_DIR = os.path.join(SOURCE_DIR, "tests", "peers")
BOOTSTRAP = os.path.join(BUILD_DIR, "bootstrap")
EVENTS_DIR = os.path.join(DATA_DIR, "events")
REGION = "us-east-1"
FUNCTION_NAME = "scanwarden"

sys.path.insert(0, PEERS_DIR)
from inspector2_front import Inspector2Front  # noqa: E402  (tests/peers, the AWS client's)
from moto_peer import MotoPeer  # noqa: E402  (tests/peers, the AWS client's)
from runtime_api_server import RuntimeApiServer  # noqa: E402  (tests/peers, the runtime's)

import template_policy  # noqa: E402  (tests/peers, the template's)

# A crash or any of these in the function's output fails the test (the suite also runs
# under ASan+UBSan).
SANITIZER_MARKERS = ("AddressSanitizer", "LeakSanitizer", "UndefinedBehaviorSanitizer",
                     "runtime error:")
# A bootstrap run serves a handful of events; anything slower than this is a hang.
RUN_TIMEOUT_S = 30
# SW_E2E_WRAPPER runs the bootstrap under a tool, e.g. "valgrind --error-exitcode=99
# --leak-check=full --errors-for-leak-kinds=definite" (.ci/run); timeouts then grow by
# SW_E2E_TIMEOUT_FACTOR (default 10 with a wrapper), and the wrapper's exit code 99 or its
# error summary fails the run like a sanitizer report.
WRAPPER = shlex.split(os.environ.get("SW_E2E_WRAPPER", ""))
TIMEOUT_FACTOR = float(os.environ.get("SW_E2E_TIMEOUT_FACTOR", "10" if WRAPPER else "1"))
WRAPPER_EXIT_CODE = 99


def require_bootstrap():
    """Fails (never skips) when build/bootstrap is missing: it is a build target, so its
    absence means the build is broken or incomplete, and a green run would test nothing.
    Call from setUp/setUpClass of every test that runs the function."""
    if not os.access(BOOTSTRAP, os.X_OK):
        raise AssertionError("%s is missing or not executable: build the project first "
                             "(cmake --build %s); the end-to-end tests run it"
                             % (BOOTSTRAP, BUILD_DIR))


def schema_validator(name):
    """A Draft 2020-12 validator for docs/<name> (the schema itself checked first).

    jsonschema is a test dependency (scripts/lib/deps.sh checks for it): without it this
    raises AssertionError, so a test that says its documents are schema-checked fails
    instead of skipping or leaving the check out."""
    try:
        import jsonschema
    except ImportError as e:
        raise AssertionError("python jsonschema is not installed (pip install jsonschema): "
                             "the notification documents cannot be schema-checked") from e
    with open(os.path.join(SOURCE_DIR, "docs", name), encoding="utf-8") as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def validate_document(doc, name="notification.schema.json"):
    """Validates doc against docs/<name>; raises (failing the test) when it does not match
    or when jsonschema is missing."""
    schema_validator(name).validate(doc)


def load_event(name):
    """A sample event from tests/data/events (name relative to that folder)."""
    with open(os.path.join(EVENTS_DIR, name), encoding="utf-8") as f:
        return json.load(f)


RESCAN_ACTIONS = ("inspector2:GetConfiguration", "inspector2:UpdateConfiguration")


def function_policy(topic_arn, account, env=None):
    """The function's IAM policy as the tests grant it in moto: template.yaml's policy for
    the deployment that env (docs/contract.md §3 variables) describes, adjusted for moto
    (docs/emulator-notes.md §6 and §7) by tests/peers/template_policy.py."""
    spec_env = {k: v for k, v in (env or {}).items()
                if k in template_policy.ENV_TO_PARAMETER and v}
    return template_policy.function_policy(topic_arn, account=account, region=REGION,
                                           env=spec_env)


def allowed_actions(policy, candidates):
    """The candidate actions that policy's Allow statements grant (wildcards honoured)."""
    granted = []
    for s in policy["Statement"]:
        if s.get("Effect") != "Allow":
            continue
        acts = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        granted += [c for c in candidates if any(fnmatch.fnmatchcase(c, a) for a in acts)]
    return sorted(set(granted))


def without_actions(policy, actions):
    """A copy of policy where the given actions are no longer allowed."""
    doc = json.loads(json.dumps(policy))
    for s in doc["Statement"]:
        acts = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        s["Action"] = [a for a in acts if a not in actions]
    doc["Statement"] = [s for s in doc["Statement"] if s["Action"]]
    return doc


class Notification:
    """One SNS message as the SQS subscriber received it."""

    def __init__(self, envelope):
        self.subject = envelope.get("Subject", "")
        self.message = envelope.get("Message", "")
        self.attributes = {k: v.get("Value") for k, v in envelope.get("MessageAttributes", {}).items()}

    def __repr__(self):
        return "Notification(%r, %r)" % (self.subject, self.attributes)


class Invocation:
    """What the function answered to one event."""

    def __init__(self, record):
        path = record.get("path", "")
        self.request_id = path.split("/")[-2] if "/invocation/" in path else None
        self.kind = record.get("kind")  # "response" or "error"
        self.raw = record.get("body", "")
        self.headers = {k.lower(): v for k, v in record.get("headers", {}).items()}
        try:
            self.body = json.loads(self.raw)
        except (TypeError, ValueError):
            self.body = None

    @property
    def ok(self):
        return self.kind == "response"

    @property
    def error_type(self):
        return (self.body or {}).get("errorType") if self.kind == "error" else None

    def __repr__(self):
        return "Invocation(%s, %s)" % (self.kind, self.raw)


class Run:
    def __init__(self, invocations, init_error, exit_code, log, latencies_ms):
        self.invocations = invocations
        self.init_error = init_error
        self.exit_code = exit_code
        self.log = log
        # Per answered invocation: ms from the function's GET /next to its answer.
        self.latencies_ms = latencies_ms


class World:
    """One moto_server with the function's role, topic and subscribed queue."""

    def __init__(self):
        self.moto = MotoPeer(region=REGION).start()
        self.front = None
        try:
            self.account = self.moto.account_id
            self.endpoint = self.moto.endpoint_url
            self.topic_arn, self.queue_url = self.moto.create_topic_with_queue(
                "scanwarden-alerts")
            self.policy = function_policy(self.topic_arn, self.account)
            self._roles = {}
            self.creds = self.creds_for_policy(self.policy)
            self.inspector2 = self.moto.client("inspector2")
            self.ecr = self.moto.client("ecr")
        except Exception:
            self.moto.stop()
            raise

    def stop(self):
        if self.front is not None:
            self.front.stop()
        self.moto.stop()

    def inspector2_front(self):
        """Inspector2 GetConfiguration/UpdateConfiguration, which moto lacks, served by
        tests/peers/inspector2_front.py in front of moto (signature and permissions checked
        there too). Point the function at it with AWS_ENDPOINT_URL_INSPECTOR2."""
        if self.front is None:
            self.front = Inspector2Front(upstream=self.endpoint, region=REGION).start()
        return self.front

    # -- the function --------------------------------------------------------------------

    def creds_for_policy(self, policy):
        """Credentials of a role holding exactly policy (one role per distinct policy)."""
        key = json.dumps(policy, sort_keys=True)
        if key not in self._roles:
            name = "scanwarden-function-%d" % len(self._roles)
            creds = self.moto.role_credentials(name, policy)
            if self.front is not None:  # the front checks the same permissions
                self.front.allow(creds, allowed_actions(policy, RESCAN_ACTIONS))
            self._roles[key] = creds
        return self._roles[key]

    def function_env(self, creds=None, **overrides):
        """The function's environment. Unless creds are given, its credentials are those of
        a role with the template's policy for this configuration (e.g. dry-run: no write)."""
        if creds is None:
            # No fallback: a policy that cannot be built fails the test rather than run the
            # function with another deployment's (wider) rights. Values the template refuses
            # (init-error tests) need no special case: template_policy ignores them, so the
            # policy is the default deployment's.
            creds = self.creds_for_policy(function_policy(self.topic_arn, self.account,
                                                          overrides))
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": creds["AccessKeyId"],
            "AWS_SECRET_ACCESS_KEY": creds["SecretAccessKey"],
            "AWS_SESSION_TOKEN": creds["SessionToken"],
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_LAMBDA_FUNCTION_NAME": FUNCTION_NAME,
            "AWS_LAMBDA_LOG_FORMAT": "TEXT",
            "AWS_LAMBDA_LOG_LEVEL": "INFO",
            "SNS_TOPIC_ARN": self.topic_arn,
        }
        for k, v in overrides.items():
            if v is None:
                env.pop(k, None)
            else:
                env[k] = v
        return env

    def function_arn(self):
        return "arn:aws:lambda:%s:%s:function:%s" % (REGION, self.account, FUNCTION_NAME)

    # -- AWS state, read and set as an administrator would -------------------------------

    def inspector_ecr_status(self):
        accounts = self.inspector2.batch_get_account_status(accountIds=[self.account])["accounts"]
        for a in accounts:
            if a["accountId"] == self.account:
                return a["resourceState"]["ecr"]["status"]
        return "DISABLED"  # moto: an account never enabled is absent

    def registry_config(self):
        return self.ecr.get_registry_scanning_configuration()["scanningConfiguration"]

    def break_state(self):
        """ECR scanning off: Inspector ECR disabled, registry on BASIC scan-on-push."""
        self.inspector2.disable(accountIds=[self.account], resourceTypes=["ECR"])
        self.ecr.put_registry_scanning_configuration(
            scanType="BASIC",
            rules=[{"scanFrequency": "SCAN_ON_PUSH",
                    "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}])

    def good_state(self):
        self.inspector2.enable(accountIds=[self.account], resourceTypes=["ECR"])
        self.ecr.put_registry_scanning_configuration(
            scanType="ENHANCED",
            rules=[{"scanFrequency": "CONTINUOUS_SCAN",
                    "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}])

    def notifications(self, expect=0, timeout_s=5.0):
        """Every message published since the last call, oldest first (waiting up to
        timeout_s for at least `expect` of them)."""
        return [Notification(m) for m in self.moto.read_published(self.queue_url, expect,
                                                                  timeout_s)]

    # -- events ---------------------------------------------------------------------------

    def cloudtrail_event(self, sample, actor_arn, source_ip="198.51.100.7", **request):
        """A CloudTrail event from a synthesized sample, re-addressed to this account."""
        ev = load_event("synthesized/" + sample)
        now = iso_time()
        ev.update(account=self.account, region=REGION, time=now)
        d = ev["detail"]
        d.update(eventTime=now, awsRegion=REGION, sourceIPAddress=source_ip,
                 recipientAccountId=self.account)
        d["userIdentity"]["arn"] = actor_arn
        d["userIdentity"]["accountId"] = self.account
        if request:
            d["requestParameters"] = request
        return ev

    def scheduled_event(self):
        ev = load_event("scheduled-event.eventbridge-docs.json")
        ev.update(account=self.account, region=REGION, time=iso_time())
        ev["resources"] = ["arn:aws:events:%s:%s:rule/scanwarden-schedule" % (REGION, self.account)]
        return ev

    def finding_event(self, severity="CRITICAL", status="ACTIVE", finding_id="f-1",
                      first_observed_s_ago=2 * 3600):
        """The 2024 ECR finding sample, re-addressed to this account and region, first
        observed first_observed_s_ago seconds ago."""
        sample = load_event("inspector2-finding-ecr.inspector-docs-2024.json")
        ev = json.loads(json.dumps(sample).replace("eu-central-1", REGION))
        now = time.time()
        ev.update(account=self.account, time=iso_time(now))
        d = ev["detail"]
        d["severity"] = severity
        d["status"] = status
        d["awsAccountId"] = self.account
        d["findingArn"] = "arn:aws:inspector2:%s:%s:finding/%s" % (REGION, self.account, finding_id)
        d["firstObservedAt"] = iso_time(now - first_observed_s_ago)
        d["lastObservedAt"] = d["updatedAt"] = iso_time(now - 60)
        return ev


def iso_time(t=None):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))


def run_function(world, events, env=None, timeout=RUN_TIMEOUT_S, deadline_ms_from_now=None,
                 deadlines_ms=None, headers=None):
    """Runs build/bootstrap against a Runtime API server that serves `events` (JSON values,
    or bytes sent verbatim) and then answers 500, which ends the function as Lambda's
    shutdown would. deadline_ms_from_now sets each invocation's deadline (default: the
    server's, 60 s); deadlines_ms[i], when not None, sets event i's instead; headers (e.g.
    {"Lambda-Runtime-Deadline-Ms": "0"}) override the Runtime API's headers of every
    invocation. Returns a Run."""
    if env is None:
        env = world.function_env()
    timeout = timeout * TIMEOUT_FACTOR
    queue = []
    for i, ev in enumerate(events):
        payload = {"raw": ev.decode("utf-8")} if isinstance(ev, bytes) else ev
        item = {"payload": payload,
                "headers": dict({"Lambda-Runtime-Invoked-Function-Arn": world.function_arn()},
                                **(headers or {}))}
        if deadline_ms_from_now is not None:
            item["deadline_ms_from_now"] = deadline_ms_from_now
        if deadlines_ms and i < len(deadlines_ms) and deadlines_ms[i] is not None:
            item["deadline_ms_from_now"] = deadlines_ms[i]
        queue.append(item)
    with RuntimeApiServer(events=queue, on_empty="500") as srv:
        fenv = dict(env, AWS_LAMBDA_RUNTIME_API=srv.address)
        fn = subprocess.run(WRAPPER + [BOOTSTRAP], env=fenv, capture_output=True, text=True,
                            timeout=timeout)
        # The server records a request after answering it: let the last one land.
        for _ in range(40):  # bounded: 2 s
            count = len(srv.records)
            time.sleep(0.05)
            if len(srv.records) == count:
                break
        records = list(srv.records)
    log = fn.stdout + fn.stderr
    if (fn.returncode < 0 or any(m in log for m in SANITIZER_MARKERS) or
            (WRAPPER and fn.returncode == WRAPPER_EXIT_CODE)):
        raise AssertionError("build/bootstrap crashed or a sanitizer reported an error "
                             "(exit %d):\n%s" % (fn.returncode, log[-4000:]))
    invocations, init_error, latencies, next_t = [], None, [], None
    for rec in records:
        if rec.get("method") == "GET":
            next_t = rec.get("t")
            continue
        path = rec["path"]
        if next_t is not None and "/invocation/" in path:
            latencies.append((rec["t"] - next_t) * 1000.0)
        if path.endswith("/init/error"):
            init_error = Invocation(dict(rec, kind="error"))
        elif path.endswith("/response"):
            invocations.append(Invocation(dict(rec, kind="response")))
        elif path.endswith("/error"):
            invocations.append(Invocation(dict(rec, kind="error")))
    return Run(invocations, init_error, fn.returncode, log, latencies)


class WorldTestCase(unittest.TestCase):
    """A test class with its own World (one moto_server for the class, stopped after it);
    each test starts with an empty notification queue. Fails, never skips, without
    build/bootstrap (require_bootstrap)."""

    world = None

    @classmethod
    def setUpClass(cls):
        require_bootstrap()
        cls.world = World()

    @classmethod
    def tearDownClass(cls):
        if cls.world is not None:
            cls.world.stop()

    def setUp(self):
        self.world.notifications()  # start each test with an empty queue

    def run_ok(self, events, env=None):
        """Runs the function on events; asserts that each was invoked (one invocation per
        event) and returns the Run."""
        run = run_function(self.world, events, env)
        self.assertEqual(len(run.invocations), len(events), run.log)
        return run
