"""Fault tests of the whole function (docs/contract.md §1.2.6, §5.2): build/bootstrap against the
local Runtime API server and tests/peers/fake_aws.py, which answers every AWS call and injects the
faults moto cannot (throttling storms, 5xx, resets, slow answers, ExpiredToken, AccessDenied on one
action, Inspector failedAccounts, a missing SNS topic), and hostile events (6 MB, deep nesting,
invalid UTF-8, NUL bytes, wrong types, huge arrays, control characters).

Each test checks what docs/contract.md §5 promises: the answer (success or the error type), that it
came before the invocation's deadline, a log line that names the failure, and that neither
the secret key nor the session token appears in the log or the answer."""

import base64
import json
import os
import sys
import time
import unittest

import harness
from harness import run_function

sys.path.insert(0, harness.PEERS_DIR)
from fake_aws import FakeAws  # noqa: E402  (tests/peers)

ACCOUNT = "123456789012"
REGION = harness.REGION
SECRET = "fakeSecretKey/+zZ9EXAMPLEKEYabcdefghij0123"
TOKEN = "IQoJb3JpZ2luX2VjEFAKESESSIONTOKEN" + "x" * 64
TOPIC = "arn:aws:sns:%s:%s:scanwarden-alerts" % (REGION, ACCOUNT)
DEADLINE_MS = 4000  # a short invocation, so the deadline tests stay fast


class FakeWorld:
    """What harness.run_function needs (function_env, function_arn), over fake_aws."""

    def __init__(self, aws):
        self.aws = aws

    def function_arn(self):
        return "arn:aws:lambda:%s:%s:function:%s" % (REGION, ACCOUNT, harness.FUNCTION_NAME)

    def function_env(self, **overrides):
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "AWS_REGION": REGION,
            "AWS_ACCESS_KEY_ID": "ASIAFAKEACCESSKEY123",
            "AWS_SECRET_ACCESS_KEY": SECRET,
            "AWS_SESSION_TOKEN": TOKEN,
            "AWS_ENDPOINT_URL": self.aws.endpoint_url,
            "AWS_LAMBDA_FUNCTION_NAME": harness.FUNCTION_NAME,
            "AWS_LAMBDA_LOG_FORMAT": "TEXT",
            "AWS_LAMBDA_LOG_LEVEL": "INFO",
            "SNS_TOPIC_ARN": TOPIC,
        }
        env.update({k: v for k, v in overrides.items() if v is not None})
        return env


def finding(severity="CRITICAL", finding_id="f-1", **detail):
    ev = harness.load_event("inspector2-finding-ecr.inspector-docs-2024.json")
    ev = json.loads(json.dumps(ev).replace("eu-central-1", REGION))
    ev["account"] = ACCOUNT
    d = ev["detail"]
    d.update(severity=severity, status="ACTIVE", awsAccountId=ACCOUNT,
             findingArn="arn:aws:inspector2:%s:%s:finding/%s" % (REGION, ACCOUNT, finding_id),
             updatedAt=harness.iso_time())
    d.update(detail)
    return ev


def scheduled():
    ev = harness.load_event("scheduled-event.eventbridge-docs.json")
    ev.update(account=ACCOUNT, region=REGION, time=harness.iso_time())
    return ev


def cloudtrail(actor_arn, source_ip="198.51.100.7"):
    ev = harness.load_event("synthesized/cloudtrail-inspector2-Disable-ECR.json")
    ev.update(account=ACCOUNT, region=REGION, time=harness.iso_time())
    d = ev["detail"]
    d.update(awsRegion=REGION, sourceIPAddress=source_ip, recipientAccountId=ACCOUNT,
             eventTime=harness.iso_time())
    d["userIdentity"]["arn"] = actor_arn
    d["userIdentity"]["accountId"] = ACCOUNT
    return ev


def strings_in(value):
    """Every string in a JSON value (keys and values)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in [k] + strings_in(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings_in(v)]
    return []


class FaultTestCase(unittest.TestCase):
    def setUp(self):
        harness.require_bootstrap()
        self.aws = FakeAws(account=ACCOUNT).start()
        self.addCleanup(self.aws.stop)
        self.world = FakeWorld(self.aws)

    def run_events(self, events, deadline_ms=DEADLINE_MS, **env):
        # Under valgrind (SW_E2E_WRAPPER) everything is ~20x slower: scale the deadline.
        self.deadline_ms = int(deadline_ms * harness.TIMEOUT_FACTOR)
        run = run_function(self.world, events, self.world.function_env(**env),
                           deadline_ms_from_now=self.deadline_ms)
        self.assertEqual(len(run.invocations), len(events), run.log)
        self.assert_no_secret(run)
        return run

    def assert_no_secret(self, run):
        # No run of 8 characters of either (the client redacts any such run).
        grams = {s[i:i + 8] for s in (SECRET, TOKEN[:33]) for i in range(len(s) - 7)}
        for text in [run.log] + [inv.raw for inv in run.invocations]:
            found = [text[i:i + 8] for i in range(len(text) - 7) if text[i:i + 8] in grams]
            self.assertEqual(found, [], text[-2000:])

    def assert_before_deadline(self, run, deadline_ms=None):
        deadline_ms = deadline_ms or self.deadline_ms
        for ms in run.latencies_ms:
            self.assertLess(ms, deadline_ms, "answered %.0f ms after /next, past the %d ms "
                            "deadline:\n%s" % (ms, deadline_ms, run.log[-3000:]))


class AwsFaults(FaultTestCase):
    """docs/contract.md §5 under AWS failures: the right answer, in time, a clear log, no secret."""

    def test_throttling_storm_on_sns_is_NotificationFailed_in_bounded_attempts(self):
        self.aws.fault("sns:Publish", {"status": 400, "code": "Throttling",
                                       "message": "Rate exceeded"}, times=None)
        run = self.run_events([finding()])
        inv = run.invocations[0]
        self.assertEqual(inv.error_type, "NotificationFailed", inv.raw)
        self.assertIn("Throttling", inv.body["errorMessage"])
        # The operation is named once, not once per layer.
        self.assertEqual(inv.body["errorMessage"].count("sns:Publish"), 1, inv.body["errorMessage"])
        self.assertIn("Throttling", run.log)
        self.assertLessEqual(self.aws.ops().count("sns:Publish"), 3)  # max attempts
        self.assert_before_deadline(run)

    def test_resets_on_sns_are_NotificationFailed_naming_the_operation_once(self):
        self.aws.fault("sns:Publish", {"action": "reset"}, times=None)
        run = self.run_events([finding()])
        inv = run.invocations[0]
        self.assertEqual(inv.error_type, "NotificationFailed", inv.raw)
        message = inv.body["errorMessage"]
        self.assertEqual(message.count("sns:Publish"), 1, message)
        self.assertIn("attempt", message)
        self.assert_before_deadline(run)

    def test_throttling_then_success_publishes_once(self):
        self.aws.fault("sns:Publish", {"status": 400, "code": "Throttling"}, times=2)
        run = self.run_events([finding()])
        self.assertTrue(run.invocations[0].ok, run.invocations[0].raw)
        self.assertEqual(len(self.aws.published), 1)

    def test_5xx_and_reset_on_reads_are_retried(self):
        self.aws.fault("inspector2:BatchGetAccountStatus",
                       {"status": 503, "code": "ServiceUnavailableException"})
        self.aws.fault("ecr:GetRegistryScanningConfiguration", {"action": "reset"})
        run = self.run_events([scheduled()])
        inv = run.invocations[0]
        self.assertTrue(inv.ok, inv.raw)
        self.assertEqual(inv.body.get("drift"), [], inv.raw)
        self.assertEqual(self.aws.ops().count("inspector2:BatchGetAccountStatus"), 2)
        self.assertEqual(self.aws.ops().count("ecr:GetRegistryScanningConfiguration"), 2)
        self.assertEqual(self.aws.published, [])

    def test_server_errors_every_time_are_RemediationFailed(self):
        self.aws.fault("inspector2:BatchGetAccountStatus",
                       {"status": 500, "code": "InternalServerException"}, times=None)
        run = self.run_events([scheduled()])
        inv = run.invocations[0]
        self.assertEqual(inv.error_type, "RemediationFailed", inv.raw)
        self.assertIn("InternalServerException", run.log)
        self.assertLessEqual(self.aws.ops().count("inspector2:BatchGetAccountStatus"), 3)
        self.assert_before_deadline(run)

    def test_slow_aws_answers_end_the_invocation_before_its_deadline(self):
        if harness.WRAPPER:
            self.skipTest("timing under SW_E2E_WRAPPER (valgrind) is the tool's, not the function's")
        # The headroom this test has is the function's answer reserve: AWS calls stop at
        # the deadline less 10% of the time left, clamped to [200, 1000] ms (handler/main.c).
        # At 3 s that was 300 ms, which a loaded 2-core machine under ASan nearly used up;
        # at 10 s it is the full 1000 ms (a longer deadline would add no headroom, only
        # run time). The peer answers after 20 s, so the cut is the function's own.
        self.aws.fault("ecr:GetRegistryScanningConfiguration", {"action": "slow", "delay": 20},
                       times=None)
        t0 = time.time()
        run = self.run_events([scheduled()], deadline_ms=10000)
        inv = run.invocations[0]
        self.assertEqual(inv.error_type, "RemediationFailed", inv.raw)
        self.assertIn("ecr:GetRegistryScanningConfiguration", run.log)
        self.assert_before_deadline(run)
        self.assertGreater(min(run.latencies_ms), 5000, run.log)  # it did wait for AWS
        self.assertLess(time.time() - t0, 19)  # ...but not for the peer's 20 s answer

    def test_expired_token_is_RemediationFailed_with_a_clear_log_line(self):
        self.aws.fault("inspector2:BatchGetAccountStatus",
                       {"status": 403, "code": "ExpiredTokenException",
                        "message": "The security token included in the request is expired"},
                       times=None)
        run = self.run_events([scheduled()])
        inv = run.invocations[0]
        self.assertEqual(inv.error_type, "RemediationFailed", inv.raw)
        self.assertIn("ExpiredTokenException", inv.body["errorMessage"])
        self.assertTrue(any("ExpiredTokenException" in line and "ERROR" in line
                            for line in run.log.splitlines()), run.log)
        # Not retried as if transient: one call, no write. The other read went out
        # together with it (docs/internals.md, "The drift check") and is all there is.
        ops = self.aws.ops()
        self.assertEqual(ops.count("inspector2:BatchGetAccountStatus"), 1, ops)
        self.assertEqual(sorted(ops), ["ecr:GetRegistryScanningConfiguration",
                                       "inspector2:BatchGetAccountStatus"])

    def test_access_denied_on_one_action_is_notified_and_RemediationFailed(self):
        self.aws.break_state()
        self.aws.fault("ecr:PutRegistryScanningConfiguration",
                       {"status": 400, "code": "AccessDeniedException",
                        "message": "User is not authorized to perform "
                                   "ecr:PutRegistryScanningConfiguration"}, times=None)
        run = self.run_events([scheduled()])
        inv = run.invocations[0]
        self.assertEqual(inv.error_type, "RemediationFailed", inv.raw)
        self.assertIn("AccessDeniedException", inv.body["errorMessage"])
        self.assertEqual(self.aws.ecr_status, "ENABLED")  # the other action still ran
        self.assertEqual(len(self.aws.published), 1)
        self.assertIn("AccessDeniedException", self.aws.published[0]["Message"])

    def test_enable_partial_failure_failedAccounts_is_RemediationFailed(self):
        self.aws.break_state()
        self.aws.fault("inspector2:Enable", {"partial": "ACCESS_DENIED"}, times=None)
        run = self.run_events([scheduled()])
        inv = run.invocations[0]
        self.assertEqual(inv.error_type, "RemediationFailed", inv.raw)
        self.assertIn("ACCESS_DENIED", inv.body["errorMessage"])
        self.assertEqual(len(self.aws.published), 1)
        self.assertIn("ACCESS_DENIED", self.aws.published[0]["Message"])

    def test_missing_sns_topic_fails_findings_and_is_logged_for_drift(self):
        self.aws.fault("sns:Publish", {"status": 404, "code": "NotFound",
                                       "message": "Topic does not exist"}, times=None)
        self.aws.break_state()
        run = self.run_events([finding(), scheduled()])
        found, drift = run.invocations
        self.assertEqual(found.error_type, "NotificationFailed", found.raw)
        self.assertIn("NotFound", found.body["errorMessage"])
        # The drift was restored, so the check itself succeeded (docs/contract.md §5); that nobody
        # could be told is in the answer and the log.
        self.assertTrue(drift.ok, drift.raw)
        self.assertFalse(drift.body["notified"], drift.raw)
        self.assertEqual(self.aws.ecr_status, "ENABLED")
        self.assertIn("drift notification not published", run.log)
        self.assertEqual(self.aws.ops().count("sns:Publish"), 2)  # NotFound is not retried


    def test_a_deadline_of_zero_or_long_past_makes_no_aws_call_and_says_so(self):
        # Lambda always sends a deadline; 0, or one already gone, is a spent budget, never
        # "no deadline" (that is only the operator's command line).
        now_ms = int(time.time() * 1000)
        for deadline in ("0", "50", str(now_ms - 5000)):
            with self.subTest(deadline_ms=deadline):
                self.aws.break_state()
                self.aws.calls.clear()
                self.aws.published.clear()
                run = run_function(self.world, [scheduled()], self.world.function_env(),
                                   headers={"Lambda-Runtime-Deadline-Ms": deadline})
                self.assertEqual(len(run.invocations), 1, run.log)
                self.assert_no_secret(run)
                inv = run.invocations[0]
                self.assertFalse(inv.ok, inv.raw)
                self.assertEqual(inv.error_type, "RemediationFailed", inv.raw)
                self.assertIn("not sent: the invocation deadline has passed",
                              inv.body["errorMessage"])
                self.assertEqual(self.aws.ops(), [], run.log)
                self.assertEqual(self.aws.published, [])


class HostileEvents(FaultTestCase):
    """Events built to hurt: bounded work, a clear outcome, the next event still served."""


    def test_6mb_finding_with_a_huge_package_array_is_notified_within_limits(self):
        pkgs = [{"name": "pkg%06d-" % i + "n" * 110, "version": "1.0.%d" % i,
                 "fixedInVersion": "2.0", "packageManager": "OS"} for i in range(30000)]
        ev = finding()
        ev["detail"]["packageVulnerabilityDetails"]["vulnerablePackages"] = pkgs
        size = len(json.dumps(ev))
        self.assertGreater(size, 5 * 1024 * 1024)
        self.assertLess(size, 6 * 1024 * 1024)
        run = self.run_events([ev, finding(finding_id="after")])
        self.assertTrue(all(inv.ok for inv in run.invocations), run.invocations)
        self.assertEqual(len(self.aws.published), 2)
        msg = self.aws.published[0]["Message"]
        self.assertLessEqual(len(msg.encode("utf-8")), 256 * 1024)
        self.assert_before_deadline(run)

    def test_too_many_json_values_is_InvalidEvent_naming_the_limit(self):
        pkgs = [{"name": "p%d" % i, "version": "1"} for i in range(120000)]
        ev = finding()
        ev["detail"]["packageVulnerabilityDetails"]["vulnerablePackages"] = pkgs
        run = self.run_events([ev, scheduled()])
        inv = run.invocations[0]
        self.assertEqual(inv.error_type, "InvalidEvent", inv.raw)
        self.assertIn("JSON values", inv.body["errorMessage"])
        self.assertTrue(run.invocations[1].ok)
        self.assertEqual(self.aws.published, [])
        self.assert_before_deadline(run)

    def test_deep_nesting_is_InvalidEvent_and_the_next_event_is_served(self):
        deep = b'{"detail":' + b"[" * 500000 + b"]" * 500000 + b"}"
        run = self.run_events([deep, scheduled()])
        self.assertEqual(run.invocations[0].error_type, "InvalidEvent", run.invocations[0].raw)
        self.assertTrue(run.invocations[1].ok)
        self.assert_before_deadline(run)

    def test_invalid_utf8_and_nul_bytes_in_strings_give_valid_text(self):
        # Raw bytes 0xFF 0xFE inside a JSON string, and NUL as the JSON escape \u0000. The
        # event is a valid JSON object, so it is a finding like any other (the contract for
        # InvalidEvent is a payload that is not a JSON object): it is notified, and every
        # form of the notification is valid UTF-8 (fake_aws decodes the Publish strictly)
        # with invalid bytes shown as '?' (handler/core/text.h) and no NUL.
        ev = finding(title="bad \udcff\udcfe utf-8 and a NUL \u0000 here",
                     description="x\u0000y")
        raw = json.dumps(ev, ensure_ascii=False).encode("utf-8", "surrogateescape")
        self.assertIn(b"\xff\xfe", raw)
        self.assertIn(b"\\u0000", raw)  # the JSON escape, not a raw NUL byte
        run = self.run_events([{"raw_b64": base64.b64encode(raw).decode()}])
        inv = run.invocations[0]
        self.assertTrue(inv.ok, inv.raw)
        self.assertEqual(inv.body, {"handled": True, "event_kind": "finding",
                                    "severity": "CRITICAL", "account": ACCOUNT, "notified": True})
        self.assertEqual(len(self.aws.published), 1)
        n = self.aws.published[0]
        self.assertTrue(n["Subject"].isascii() and n["Subject"].isprintable(), n["Subject"])
        self.assertTrue(n["Subject"].startswith("[CRITICAL] CVE-2024-6119"), n["Subject"])
        forms = json.loads(n["Message"])  # MessageStructure=json: one text per protocol
        texts = [forms["default"], forms["email"]] + strings_in(json.loads(forms["sqs"]))
        for text in texts:
            self.assertNotIn("\x00", text)
            self.assertNotIn("\ufffd", text)  # no byte left for a decoder to replace
        self.assertIn("Title: bad ?? utf-8 and a NUL", forms["email"])
        doc = json.loads(forms["sqs"])
        self.assertTrue(doc["finding"]["title"].startswith("bad ?? utf-8 and a NUL"), doc)

    def test_raw_nul_and_invalid_utf8_outside_strings_are_InvalidEvent(self):
        run = self.run_events([{"raw_b64": base64.b64encode(b'{"a":1}\x00{}').decode()},
                               {"raw_b64": base64.b64encode(b'\xff\xfe{"a":1}').decode()}])
        for inv in run.invocations:
            self.assertEqual(inv.error_type, "InvalidEvent", inv.raw)

    def test_numbers_where_strings_are_expected_and_the_reverse(self):
        # A field of the wrong type is treated as absent (handler/parse/events.c reads each field
        # only when it has the expected JSON type); the event is still a JSON object, so it
        # is handled by what is left of it, never an error.
        wrong_severity = finding(finding_id="wrong-severity")
        wrong_severity["detail"]["severity"] = 5
        wrong_fields = finding()
        wrong_fields["detail"].update(title=["x"], inspectorScore="9.8", findingArn=42,
                                      resources={"not": "a list"}, firstObservedAt=True)
        sched = scheduled()
        sched.update(account=123456789012, region=7)
        odd = {"source": 1, "detail-type": {"a": 1}, "detail": "x"}
        run = self.run_events([wrong_severity, wrong_fields, sched, odd])
        sev, fields, check, unknown = run.invocations
        # A severity that is not a name is no severity: below any MIN_SEVERITY, not notified,
        # and reported as UNTRIAGED (as the notification would label it).
        self.assertEqual(sev.body, {"handled": True, "event_kind": "finding",
                                    "severity": "UNTRIAGED", "reason": "below-threshold",
                                    "account": ACCOUNT, "notified": False}, sev.raw)
        # The finding with its severity and id intact is notified without the bad fields.
        self.assertEqual(fields.body, {"handled": True, "event_kind": "finding",
                                       "severity": "CRITICAL", "account": ACCOUNT,
                                       "notified": True}, fields.raw)
        self.assertEqual(len(self.aws.published), 1, self.aws.published)
        n = self.aws.published[0]
        self.assertEqual(n["Subject"], "[CRITICAL] CVE-2024-6119")
        email = json.loads(n["Message"])["email"]
        self.assertIn("Severity: CRITICAL", email)
        for absent in ("Title:", "First observed:", "Repository:"):
            self.assertNotIn(absent, email)
        # The schedule's numeric account and region are ignored: the function checks its
        # own account and region (read only, nothing drifted).
        self.assertEqual(check.body, {"handled": True, "event_kind": "schedule",
                                      "account": ACCOUNT, "drift": [], "actions": [],
                                      "notified": False}, check.raw)
        self.assertIn("drift check for %s/%s" % (ACCOUNT, REGION), run.log)
        # source and detail-type that are not strings match nothing: unhandled, one log line.
        self.assertTrue(unknown.ok, unknown.raw)
        self.assertFalse(unknown.body["handled"], unknown.raw)
        self.assertEqual(unknown.body["event_kind"], "unknown", unknown.raw)
        self.assertIn("unhandled event", run.log)
        # The drift check's reads go out together: their order at the peer is not fixed.
        ops = self.aws.ops()
        self.assertEqual(ops[:1], ["sns:Publish"], ops)
        self.assertEqual(sorted(ops[1:]), ["ecr:GetRegistryScanningConfiguration",
                                           "inspector2:BatchGetAccountStatus"], ops)
        self.assert_before_deadline(run)

    def test_huge_security_hub_findings_array_is_bounded(self):
        ev = harness.load_event("securityhub-findings-imported.account-control-EC2.7.asr-fixture.json")
        other = ev["detail"]["findings"][0]  # control EC2.7: not a scanning control
        ev.update(account=ACCOUNT, region=REGION)
        # 2000 findings of another control: unhandled, no AWS call.
        ev["detail"]["findings"] = [other] * 2000
        self.assertLess(len(json.dumps(ev)), 6 * 1024 * 1024)
        # The same array led by a FAILED Inspector.2 finding: a drift check.
        inspector2 = json.loads(json.dumps(other))
        inspector2["Compliance"] = {"Status": "FAILED", "SecurityControlId": "Inspector.2"}
        inspector2["AwsAccountId"] = ACCOUNT
        ev2 = dict(ev, detail=dict(ev["detail"], findings=[inspector2] + [other] * 1999))
        run = self.run_events([ev, ev2])
        ignored, checked = run.invocations
        self.assertTrue(ignored.ok, ignored.raw)
        self.assertEqual(ignored.body["event_kind"], "securityhub", ignored.raw)
        self.assertFalse(ignored.body["handled"], ignored.raw)
        self.assertIn("no Security Hub finding for control Inspector.2 or ECR.1",
                      ignored.body["reason"])
        self.assertTrue(checked.ok, checked.raw)
        self.assertTrue(checked.body["handled"], checked.raw)
        self.assertEqual(checked.body["event_kind"], "securityhub", checked.raw)
        self.assertEqual(checked.body["drift"], [], checked.raw)
        # The two reads go out together: their order at the peer is not fixed.
        self.assertEqual(sorted(self.aws.ops()), ["ecr:GetRegistryScanningConfiguration",
                                                  "inspector2:BatchGetAccountStatus"])
        self.assert_before_deadline(run)

    def test_control_characters_in_event_fields_forge_no_log_line_or_subject(self):
        actor = "arn:aws:iam::%s:user/eve\n[ERROR] forged line\x1b[2J\r\x07" % ACCOUNT
        self.aws.break_state()
        run = self.run_events([cloudtrail(actor, source_ip="1.2.3.4\nforged-ip")])
        self.assertEqual(len(self.aws.published), 1, run.log)
        n = self.aws.published[0]
        for line in run.log.splitlines():
            self.assertFalse(line.startswith("[ERROR] forged"), run.log)
            self.assertFalse(line.startswith("forged-ip"), run.log)
        self.assertNotIn("\x1b", run.log)
        self.assertTrue(n["Subject"].isascii() and n["Subject"].isprintable(), n["Subject"])
        for c in ("\x1b", "\x07", "\r"):
            self.assertNotIn(c, n["Message"])
        # The actor is shown, on one line of its own, not as a forged line.
        self.assertFalse(any(line.startswith("[ERROR] forged")
                             for line in n["Message"].splitlines()), n["Message"])

    def test_line_breaks_in_finding_fields_forge_no_line_in_the_notification(self):
        ev = finding(title="openssl: flaw\nSeverity: LOW\r\nStatus: CLOSED\x1b[8m")
        ev["detail"]["packageVulnerabilityDetails"]["vulnerablePackages"][0]["name"] = \
            "pkg\nFix available: NO"
        run = self.run_events([ev])
        self.assertTrue(run.invocations[0].ok, run.invocations[0].raw)
        self.assertEqual(len(self.aws.published), 1)
        msg = self.aws.published[0]["Message"]
        lines = msg.splitlines()
        for forged in ("Severity: LOW", "Status: CLOSED", "Fix available: NO"):
            self.assertFalse(any(line.strip().startswith(forged) for line in lines), msg)
        self.assertNotIn("\x1b", msg)
        self.assertNotIn("\r", msg)
        for line in run.log.splitlines():
            self.assertFalse(line.startswith("Severity: LOW"), run.log)


if __name__ == "__main__":
    unittest.main()
