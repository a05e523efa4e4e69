"""End-to-end tests of the function (docs/contract.md §1-§5): build/bootstrap, run as Lambda runs
it, against the local Runtime API server and moto_server with IAM authentication, holding only the
function's IAM policy. Each class has its own moto_server (see harness.World)."""

import json
import time
import unittest

import boto3
import botocore.config

import harness
from harness import WorldTestCase, run_function

ALICE = "arn:aws:iam::{account}:user/alice"
MALLORY = "arn:aws:sts::{account}:assumed-role/Admin/mallory"


def apis(result):
    return [a["api"] for a in result.get("actions", [])]


class DriftCheck(WorldTestCase):
    """docs/contract.md §1.1, §1.2, §2.1, §2.2: read, decide, restore, notify once."""

    def test_scheduled_check_restores_inspector_and_registry_then_does_nothing(self):
        w = self.world
        w.break_state()
        # Two deliveries of the same schedule event to one warm function.
        run = self.run_ok([w.scheduled_event(), w.scheduled_event()])

        first, second = run.invocations
        self.assertTrue(first.ok, first)
        self.assertTrue(first.body["handled"])
        self.assertIn("inspector2:Enable", apis(first.body))
        self.assertIn("ecr:PutRegistryScanningConfiguration", apis(first.body))
        self.assertTrue(all(a["ok"] for a in first.body["actions"]), first.body)
        self.assertTrue(first.body["notified"])

        self.assertEqual(w.inspector_ecr_status(), "ENABLED")
        cfg = w.registry_config()
        self.assertEqual(cfg["scanType"], "ENHANCED")
        self.assertIn({"scanFrequency": "CONTINUOUS_SCAN",
                       "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]},
                      cfg["rules"])

        # Nothing drifted the second time: no write, no notification.
        self.assertTrue(second.ok, second)
        self.assertEqual(second.body.get("drift", []), [])
        self.assertEqual(second.body.get("actions", []), [])
        self.assertFalse(second.body["notified"])

        notes = w.notifications()
        self.assertEqual(len(notes), 1, notes)
        n = notes[0]
        self.assertEqual(n.attributes["event_kind"], "remediation")
        self.assertEqual(n.attributes["mode"], "enforce")
        self.assertEqual(n.attributes["account_id"], w.account)
        self.assertEqual(n.attributes["region"], harness.REGION)
        self.assertIn(w.account, n.subject)
        self.assertIn("BASIC", n.message)       # before
        self.assertIn("ENHANCED", n.message)    # after
        self.assertIn("inspector2:Enable", n.message)

    def test_cloudtrail_disable_is_undone_and_names_the_actor(self):
        w = self.world
        w.good_state()
        w.inspector2.disable(accountIds=[w.account], resourceTypes=["ECR"])
        actor = MALLORY.format(account=w.account)
        ev = w.cloudtrail_event("cloudtrail-inspector2-Disable-ECR.json", actor,
                                source_ip="203.0.113.99",
                                accountIds=[w.account], resourceTypes=["ECR"])
        run = self.run_ok([ev])
        inv = run.invocations[0]
        self.assertTrue(inv.ok, inv)
        self.assertEqual(apis(inv.body), ["inspector2:Enable"])
        self.assertEqual(w.inspector_ecr_status(), "ENABLED")
        notes = w.notifications()
        self.assertEqual(len(notes), 1, notes)
        self.assertIn(actor, notes[0].message)
        self.assertIn("203.0.113.99", notes[0].message)
        self.assertIn("Disable", notes[0].message)
        self.assertIn(ev["detail"]["eventTime"], notes[0].message)

    def test_cloudtrail_put_registry_scanning_is_undone_and_names_the_actor(self):
        w = self.world
        w.good_state()
        basic = [{"scanFrequency": "SCAN_ON_PUSH",
                  "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}]
        w.ecr.put_registry_scanning_configuration(scanType="BASIC", rules=basic)
        actor = ALICE.format(account=w.account)
        ev = w.cloudtrail_event("cloudtrail-ecr-PutRegistryScanningConfiguration-BASIC.json",
                                actor, scanType="BASIC", rules=basic)
        run = self.run_ok([ev])
        inv = run.invocations[0]
        self.assertTrue(inv.ok, inv)
        self.assertEqual(apis(inv.body), ["ecr:PutRegistryScanningConfiguration"])
        self.assertEqual(w.registry_config()["scanType"], "ENHANCED")
        notes = w.notifications()
        self.assertEqual(len(notes), 1, notes)
        self.assertIn(actor, notes[0].message)
        self.assertIn("PutRegistryScanningConfiguration", notes[0].message)

    def test_own_cloudtrail_event_after_restoring_does_nothing(self):
        # The function's own Enable call comes back as a CloudTrail event: nothing drifted.
        w = self.world
        w.good_state()
        ev = w.cloudtrail_event("cloudtrail-inspector2-Enable-ECR.json",
                                "arn:aws:sts::%s:assumed-role/scanwarden-function/x" % w.account)
        # Enable is not a drift trigger; a Disable with the state already good is.
        ev2 = w.cloudtrail_event("cloudtrail-inspector2-Disable-ECR.json",
                                 MALLORY.format(account=w.account))
        run = self.run_ok([ev, ev2])
        for inv in run.invocations:
            self.assertTrue(inv.ok, inv)
            self.assertEqual(inv.body.get("actions", []), [])
            self.assertFalse(inv.body.get("notified", False))
        self.assertEqual(w.notifications(), [])

    def test_constant_schedule_input_checks_the_account_of_the_function_arn(self):
        w = self.world
        w.break_state()
        inv = self.run_ok([{"trigger": "schedule"}]).invocations[0]
        self.assertTrue(inv.ok, inv)
        self.assertIn("inspector2:Enable", apis(inv.body))
        self.assertEqual(w.inspector_ecr_status(), "ENABLED")
        notes = w.notifications()
        self.assertEqual(len(notes), 1, notes)
        self.assertEqual(notes[0].attributes["account_id"], w.account)

    def test_a_users_other_rule_is_kept_when_the_registry_is_restored(self):
        w = self.world
        w.good_state()
        theirs = {"scanFrequency": "SCAN_ON_PUSH",
                  "repositoryFilters": [{"filter": "prod-*", "filterType": "WILDCARD"}]}
        w.ecr.put_registry_scanning_configuration(scanType="BASIC", rules=[theirs])
        inv = self.run_ok([w.scheduled_event()]).invocations[0]
        self.assertTrue(inv.ok, inv)
        cfg = w.registry_config()
        self.assertEqual(cfg["scanType"], "ENHANCED")
        self.assertEqual(len(cfg["rules"]), 2, cfg)
        self.assertIn(theirs, cfg["rules"])
        self.assertIn({"scanFrequency": "CONTINUOUS_SCAN",
                       "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]},
                      cfg["rules"])
        self.assertEqual(len(w.notifications()), 1)

    def test_compliance_and_scan_change_signals_trigger_the_check(self):
        w = self.world
        sechub = harness.load_event("synthesized/securityhub-findings-imported-Inspector.2.json")
        config = harness.load_event("config-rules-compliance-change.real-capture.json")
        rule = "securityhub-inspector-ecr-scan-enabled-1a2b3c"
        config.update(account=w.account, region=harness.REGION)
        config["detail"].update(awsAccountId=w.account, awsRegion=harness.REGION,
                                configRuleName=rule)
        config["detail"]["newEvaluationResult"]["complianceType"] = "NON_COMPLIANT"
        change = harness.load_event("ecr-scan-resource-change.ecr-docs.json")
        for event, hint in ((sechub, "Inspector.2"), (config, rule),
                            (change, "SCAN_FREQUENCY_CHANGE")):
            with self.subTest(kind=event["detail-type"]):
                w.good_state()
                w.inspector2.disable(accountIds=[w.account], resourceTypes=["ECR"])
                inv = self.run_ok([event]).invocations[0]
                self.assertTrue(inv.ok, inv)
                self.assertEqual(apis(inv.body), ["inspector2:Enable"])
                self.assertEqual(w.inspector_ecr_status(), "ENABLED")
                notes = w.notifications()
                self.assertEqual(len(notes), 1, notes)
                self.assertIn(hint, notes[0].message)

    def test_dry_run_notifies_what_it_would_restore_and_writes_nothing(self):
        w = self.world
        w.break_state()
        run = self.run_ok([w.scheduled_event()], w.function_env(REMEDIATION_MODE="dry-run"))
        inv = run.invocations[0]
        self.assertTrue(inv.ok, inv)
        self.assertTrue(inv.body["notified"])
        self.assertEqual(inv.body.get("actions", []), [])
        self.assertEqual(w.inspector_ecr_status(), "DISABLED")
        self.assertEqual(w.registry_config()["scanType"], "BASIC")
        notes = w.notifications()
        self.assertEqual(len(notes), 1, notes)
        self.assertEqual(notes[0].attributes["mode"], "dry-run")
        self.assertIn("would", notes[0].message.lower())

    def test_off_mode_never_checks(self):
        w = self.world
        w.break_state()
        run = self.run_ok([w.scheduled_event()], w.function_env(REMEDIATION_MODE="off"))
        inv = run.invocations[0]
        self.assertTrue(inv.ok, inv)
        self.assertFalse(inv.body.get("notified", False))
        self.assertEqual(w.inspector_ecr_status(), "DISABLED")
        self.assertEqual(w.notifications(), [])

    def test_remediation_failure_is_notified_and_reported_as_RemediationFailed(self):
        w = self.world
        w.break_state()
        policy = harness.without_actions(w.policy, ["ecr:PutRegistryScanningConfiguration"])
        creds = w.creds_for_policy(policy)
        run = self.run_ok([w.scheduled_event(), w.scheduled_event()], w.function_env(creds=creds))
        for inv in run.invocations:
            self.assertEqual(inv.kind, "error", inv)
            self.assertEqual(inv.error_type, "RemediationFailed")
            self.assertEqual(inv.headers.get("lambda-runtime-function-error-type"),
                             "RemediationFailed")
        self.assertIn("AccessDenied", run.invocations[0].body["errorMessage"])
        # The part it may write was restored; the other is still off.
        self.assertEqual(w.inspector_ecr_status(), "ENABLED")
        self.assertEqual(w.registry_config()["scanType"], "BASIC")
        notes = w.notifications()
        # First: Enable ok + Put denied; second: only the registry still drifted, Put denied.
        self.assertEqual(len(notes), 2, notes)
        for n in notes:
            self.assertIn("AccessDenied", n.message)
            self.assertIn("ecr:PutRegistryScanningConfiguration", n.message)


class RescanDuration(WorldTestCase):
    """docs/contract.md §1.1.3: ECR_RESCAN_DURATION, read with GetConfiguration only when managed.
    moto lacks the two operations: tests/peers/inspector2_front.py serves them."""

    def setUp(self):
        super().setUp()
        self.front = self.world.inspector2_front()
        self.world.good_state()

    def env(self, **kw):
        return self.world.function_env(AWS_ENDPOINT_URL_INSPECTOR2=self.front.endpoint_url, **kw)

    def rescan(self):
        return self.front.configuration["ecrConfiguration"]["rescanDurationState"][
            "rescanDuration"]

    def test_rescan_duration_is_restored_once(self):
        before = self.rescan()
        self.assertNotEqual(before, "DAYS_30")
        run = self.run_ok([self.world.scheduled_event()] * 2,
                          self.env(ECR_RESCAN_DURATION="days_30"))
        first, second = run.invocations
        self.assertTrue(first.ok, first)
        self.assertEqual(first.body["drift"], ["rescan_duration"])
        self.assertEqual(apis(first.body), ["inspector2:UpdateConfiguration"])
        self.assertEqual(self.rescan(), "DAYS_30")
        self.assertEqual(second.body.get("actions", []), [])
        notes = self.world.notifications()
        self.assertEqual(len(notes), 1, notes)
        self.assertIn(before, notes[0].message)
        self.assertIn("DAYS_30", notes[0].message)

    def test_rescan_duration_not_managed_is_not_read(self):
        self.front.calls.clear()
        run = self.run_ok([self.world.scheduled_event()], self.env())
        self.assertTrue(run.invocations[0].ok, run.invocations[0])
        self.assertEqual([c for c in self.front.calls if c[0] == "GetConfiguration"], [])
        self.assertEqual(self.world.notifications(), [])

    def test_update_denied_is_RemediationFailed_naming_the_error(self):
        w = self.world
        self.front.configuration["ecrConfiguration"]["rescanDurationState"][
            "rescanDuration"] = "LIFETIME"
        managed = harness.function_policy(w.topic_arn, w.account, {"ECR_RESCAN_DURATION": "DAYS_14"})
        self.assertIn("inspector2:UpdateConfiguration",
                      harness.allowed_actions(managed, harness.RESCAN_ACTIONS))
        policy = harness.without_actions(managed, ["inspector2:UpdateConfiguration"])
        env = self.env(ECR_RESCAN_DURATION="DAYS_14", creds=w.creds_for_policy(policy))
        inv = self.run_ok([w.scheduled_event()], env).invocations[0]
        self.assertEqual(inv.error_type, "RemediationFailed", inv)
        self.assertIn("AccessDenied", inv.body["errorMessage"])
        self.assertEqual(self.rescan(), "LIFETIME")
        notes = w.notifications()
        self.assertEqual(len(notes), 1, notes)
        self.assertIn("inspector2:UpdateConfiguration", notes[0].message)
        self.assertIn("AccessDenied", notes[0].message)


class Findings(WorldTestCase):
    """docs/contract.md §1.3, §2.3, §2.4, §4: findings to notifications, bad payloads."""

    def test_findings_at_or_above_min_severity_are_notified_once(self):
        w = self.world
        critical = w.finding_event("CRITICAL", finding_id="crit-1")
        low = w.finding_event("LOW", finding_id="low-1")
        closed = w.finding_event("CRITICAL", status="CLOSED", finding_id="closed-1")
        run = self.run_ok([critical, low, critical, closed])
        results = [inv.body for inv in run.invocations]
        self.assertTrue(all(inv.ok for inv in run.invocations), run.invocations)
        self.assertEqual([r["notified"] for r in results], [True, False, False, False])
        notes = w.notifications()
        self.assertEqual(len(notes), 1, notes)
        n = notes[0]
        self.assertTrue(n.subject.startswith("[CRITICAL]"), n.subject)
        self.assertIn("CVE-2024-6119", n.subject)
        self.assertEqual(n.attributes["event_kind"], "finding")
        self.assertEqual(n.attributes["severity"], "CRITICAL")
        self.assertEqual(n.attributes["account_id"], w.account)
        for text in ("CVE-2024-6119", "openssl", "3.0.13", "0:3.0.13-0ubuntu3.4", "inspector2",
                     "ubuntu_latest", critical["detail"]["findingArn"]):
            self.assertIn(text, n.message)
        self.assertNotIn("null", n.message)

    def test_subject_stays_ascii_and_short_whatever_the_event_holds(self):
        w = self.world
        ev = w.finding_event("HIGH", finding_id="long-1")
        image = ev["detail"]["resources"][0]["details"]["awsEcrContainerImage"]
        image["repositoryName"] = "team-\u00e9quipe/" + "tr\u00e8s-long-" * 12 + "service"
        image["imageTags"] = ["v1.0\n\u2014release"]
        ev["detail"]["title"] = "CVE-2024-6119 \u2013 \u00fcber \u201cquoted\u201d\nnext line"
        inv = self.run_ok([ev]).invocations[0]
        self.assertTrue(inv.ok, inv)
        notes = w.notifications()
        self.assertEqual(len(notes), 1, notes)
        subject = notes[0].subject
        self.assertLessEqual(len(subject), 99, subject)
        self.assertTrue(subject.isascii(), subject)
        self.assertNotIn("\n", subject)
        self.assertTrue(subject.startswith("[HIGH] CVE-2024-6119"), subject)
        self.assertIn("\u00fcber", notes[0].message)  # the message keeps UTF-8

    def test_publish_errors_fail_findings_but_not_a_done_restoration(self):
        # The topic does not exist: moto answers NotFound to Publish.
        w = self.world
        w.break_state()
        gone = w.topic_arn + "-deleted"
        run = self.run_ok([w.finding_event("CRITICAL", finding_id="gone-1"),
                           w.scheduled_event()], w.function_env(SNS_TOPIC_ARN=gone))
        finding, check = run.invocations
        self.assertEqual(finding.error_type, "NotificationFailed", finding)
        self.assertIn("NotFound", finding.body["errorMessage"])
        # The state was restored: Lambda retrying would find nothing to do or tell.
        self.assertTrue(check.ok, check)
        self.assertFalse(check.body["notified"])
        self.assertEqual(w.inspector_ecr_status(), "ENABLED")
        self.assertIn("NotFound", run.log)

    def test_min_severity_is_configurable(self):
        w = self.world
        run = self.run_ok([w.finding_event("LOW", finding_id="low-2")],
                          w.function_env(MIN_SEVERITY="low"))
        self.assertTrue(run.invocations[0].body["notified"])
        notes = w.notifications()
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes[0].attributes["severity"], "LOW")

    def test_scan_coverage_and_basic_scan_notifications(self):
        w = self.world
        scan = harness.load_event("inspector2-scan-ecr.inspector-docs-2023.json")
        scan["account"] = w.account
        quiet = json.loads(json.dumps(scan))  # the sample: every count is 0
        scan["detail"]["finding-severity-counts"] = {"CRITICAL": 2, "HIGH": 1, "MEDIUM": 4,
                                                     "TOTAL": 7}
        coverage = harness.load_event("synthesized/inspector2-coverage-ecr-image.json")
        basic = harness.load_event("ecr-image-scan-basic.ecr-docs.json")
        run = self.run_ok([scan, quiet, coverage, basic])
        self.assertTrue(all(inv.ok for inv in run.invocations), run.invocations)
        self.assertEqual([inv.body["notified"] for inv in run.invocations],
                         [True, False, True, True])
        by_kind = {}
        for n in w.notifications():
            by_kind.setdefault(n.attributes["event_kind"], []).append(n)
        self.assertEqual(len(by_kind.get("scan", [])), 1, by_kind)
        self.assertEqual(len(by_kind.get("coverage", [])), 1, by_kind)
        self.assertIn("basic-scan", by_kind)
        self.assertEqual(by_kind["scan"][0].attributes["severity"], "CRITICAL")
        self.assertIn("ubuntu22", by_kind["scan"][0].message)
        self.assertIn("SCAN_ELIGIBILITY_EXPIRED", by_kind["coverage"][0].message)

    def test_bad_payloads_are_InvalidEvent_and_the_next_event_is_served(self):
        w = self.world
        run = self.run_ok([b"this is not json", b"[]", b'"text"',
                           w.finding_event("HIGH", finding_id="high-1")])
        for inv in run.invocations[:3]:
            self.assertEqual(inv.kind, "error", inv)
            self.assertEqual(inv.error_type, "InvalidEvent")
        self.assertTrue(run.invocations[3].ok, run.invocations[3])
        self.assertTrue(run.invocations[3].body["notified"])
        self.assertEqual(len(w.notifications()), 1)

    def test_unhandled_event_is_answered_without_any_aws_call(self):
        w = self.world
        auto = harness.load_event("inspector2-autoenable.inspector-docs.json")
        # Credentials that cannot do anything: any AWS call would fail the invocation.
        env = w.function_env(AWS_SECRET_ACCESS_KEY="wrong")
        run = self.run_ok([auto, {"hello": "world"}], env)
        for inv in run.invocations:
            self.assertTrue(inv.ok, inv)
            self.assertFalse(inv.body["handled"])
            # One log line per unhandled event, stamped with its request id, and the record
            # of the run (docs/operations.md, "Logs").
            lines = [l for l in run.log.splitlines() if inv.request_id in l]
            self.assertEqual(len(lines), 2, run.log)
            self.assertIn("unhandled", lines[0])
            self.assertIn('"record":"invocation"', lines[1])
        self.assertEqual(w.notifications(), [])


class Scope(WorldTestCase):
    """The function acts on its own account (the invoked function ARN's) in its own region
    and REGIONS only: an event naming another account or region makes no AWS call."""

    OTHER_REGION = "us-west-2"

    def run_counting(self, events, env=None):
        """The run, and how many requests moto logged while it ran."""
        moto = self.world.moto
        time.sleep(0.3)  # moto logs a request as it answers: let the last ones land
        before = moto.request_count()
        run = self.run_ok(events, env)
        time.sleep(0.3)
        return run, moto.request_count() - before

    def other_region(self, service):
        moto = self.world.moto
        return boto3.client(service, endpoint_url=moto.endpoint_url,
                            region_name=self.OTHER_REGION,
                            aws_access_key_id=moto.admin["AccessKeyId"],
                            aws_secret_access_key=moto.admin["SecretAccessKey"],
                            config=botocore.config.Config(proxies={}))

    def test_scheduled_event_for_another_account_makes_no_aws_call(self):
        w = self.world
        w.break_state()
        ev = w.scheduled_event()
        ev["account"] = "999999999999"
        run, requests = self.run_counting([ev])
        (inv,) = run.invocations
        self.assertTrue(inv.ok, inv)
        self.assertFalse(inv.body["handled"], inv.body)
        self.assertIn("999999999999", inv.body["reason"])
        self.assertIn(w.account, inv.body["reason"])
        self.assertEqual(requests, 0, run.log)
        warn = [l for l in run.log.splitlines() if "WARN" in l and "999999999999" in l]
        self.assertEqual(len(warn), 1, run.log)
        self.assertEqual(w.inspector_ecr_status(), "DISABLED")
        self.assertEqual(w.notifications(), [])
        # The same event for the function's own account is checked (and calls AWS).
        run, requests = self.run_counting([w.scheduled_event()])
        self.assertTrue(run.invocations[0].body["handled"], run.invocations[0])
        self.assertGreater(requests, 0)
        self.assertEqual(w.inspector_ecr_status(), "ENABLED")
        self.assertEqual(len(w.notifications(expect=1)), 1)

    def test_cloudtrail_event_from_another_region_is_checked_only_with_regions(self):
        w = self.world
        w.good_state()
        ev = w.cloudtrail_event("cloudtrail-inspector2-Disable-ECR.json",
                                MALLORY.format(account=w.account))
        ev["region"] = ev["detail"]["awsRegion"] = self.OTHER_REGION
        inspector = self.other_region("inspector2")
        inspector.disable(accountIds=[w.account], resourceTypes=["ECR"])
        run, requests = self.run_counting([ev])
        (inv,) = run.invocations
        self.assertTrue(inv.ok, inv)
        self.assertFalse(inv.body["handled"], inv.body)
        self.assertIn("region %s" % self.OTHER_REGION, inv.body["reason"])
        self.assertIn("REGIONS", inv.body["reason"])
        self.assertEqual(requests, 0, run.log)
        self.assertEqual(w.notifications(), [])

        # With the region in REGIONS the event is acted on: that region is restored.
        env = w.function_env(REGIONS="%s,%s" % (harness.REGION, self.OTHER_REGION))
        (inv,) = self.run_ok([ev], env).invocations
        self.assertTrue(inv.ok, inv)
        self.assertTrue(inv.body["handled"], inv.body)
        status = inspector.batch_get_account_status(accountIds=[w.account])["accounts"][0]
        self.assertEqual(status["resourceState"]["ecr"]["status"], "ENABLED")
        notes = w.notifications(expect=1)
        self.assertEqual(len(notes), 1, notes)
        self.assertIn(self.OTHER_REGION, notes[0].attributes["region"])


class Configuration(WorldTestCase):
    """docs/contract.md §3: an invalid value is an init error and nothing is written."""

    def test_invalid_configuration_is_an_init_error_and_writes_nothing(self):
        w = self.world
        w.break_state()
        cases = [("REMEDIATION_MODE", "enfoce", "dry-run"),
                 ("MIN_SEVERITY", "SEVERE", "CRITICAL"),
                 ("SCAN_FREQUENCY", "DAILY", "CONTINUOUS_SCAN"),
                 ("ECR_RESCAN_DURATION", "DAYS_1", "DAYS_30"),
                 ("SNS_TOPIC_ARN", "not-an-arn", "arn")]
        for var, bad, allowed in cases:
            with self.subTest(var=var):
                run = run_function(w, [w.scheduled_event()], w.function_env(**{var: bad}))
                self.assertNotEqual(run.exit_code, 0, run.log)
                self.assertEqual(run.invocations, [])
                self.assertIsNotNone(run.init_error, run.log)
                self.assertEqual(run.init_error.error_type, "Runtime.InvalidConfiguration")
                self.assertEqual(run.init_error.headers.get("lambda-runtime-function-error-type"),
                                 "Runtime.InvalidConfiguration")
                msg = run.init_error.body["errorMessage"]
                self.assertIn(var, msg)
                self.assertIn(bad, msg)
                self.assertIn(allowed, msg)
        run = run_function(w, [w.scheduled_event()], w.function_env(SNS_TOPIC_ARN=None))
        self.assertNotEqual(run.exit_code, 0)
        self.assertIn("SNS_TOPIC_ARN", run.init_error.body["errorMessage"])
        self.assertEqual(w.inspector_ecr_status(), "DISABLED")
        self.assertEqual(w.registry_config()["scanType"], "BASIC")
        self.assertEqual(w.notifications(), [])

    def test_configuration_is_case_insensitive_and_trimmed(self):
        w = self.world
        w.break_state()
        env = w.function_env(REMEDIATION_MODE="  Dry-Run ", SCAN_FREQUENCY="scan_on_push",
                             MIN_SEVERITY=" critical")
        run = self.run_ok([w.scheduled_event()], env)
        self.assertTrue(run.invocations[0].ok, run.invocations[0])
        notes = w.notifications()
        self.assertEqual(len(notes), 1)
        self.assertEqual(notes[0].attributes["mode"], "dry-run")
        self.assertIn("SCAN_ON_PUSH", notes[0].message)


if __name__ == "__main__":
    unittest.main()
