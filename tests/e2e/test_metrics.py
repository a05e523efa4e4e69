"""End-to-end tests of the function's metrics and record of the run (docs/operations.md): for
each kind of trigger, and for every vendored sample event (tests/data/events), build/bootstrap
writes one CloudWatch Embedded Metric Format record per invocation as a raw JSON line, valid
against docs/emf.schema.json, whose counts say what the invocation did, and one record of the
run whose fields say what it was, where, and how it ended."""

import json
import os

import harness
from harness import WorldTestCase

MALLORY = "arn:aws:sts::{account}:assumed-role/Admin/mallory"
SEVERITIES = ("CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNTRIAGED")

# What each sample in tests/data/events is to the function, re-addressed to the test's account
# and region with ECR scanning switched off: its event_kind, and what it must do then:
# "restore" (a drift check that finds the drift and restores it), "notify" (a finding-side
# event worth telling at MIN_SEVERITY=LOW), or "ignore" (not acted on: a rule, control or call
# that is not scanwarden's, or a scan with nothing to report).
SAMPLES = {
    "config-rules-compliance-change.real-capture.json": ("config-rule", "ignore"),
    "ecr-image-scan-basic.ecr-docs.json": ("basic-scan", "notify"),
    "ecr-scan-resource-change.ecr-docs.json": ("scan-config-change", "restore"),
    "inspector2-autoenable.inspector-docs.json": ("unknown", "ignore"),
    "inspector2-finding-ecr.inspector-docs-2024.json": ("finding", "notify"),
    "inspector2-scan-ecr.inspector-docs-2023.json": ("scan", "ignore"),
    "scheduled-event.eventbridge-docs.json": ("schedule", "restore"),
    "securityhub-findings-imported.account-control-EC2.7.asr-fixture.json":
        ("securityhub", "ignore"),
    "synthesized/cloudtrail-ecr-PutRegistryScanningConfiguration-BASIC.json":
        ("config-change", "restore"),
    "synthesized/cloudtrail-ecr-PutRegistryScanningConfiguration-ENHANCED-norules.json":
        ("config-change", "restore"),
    "synthesized/cloudtrail-inspector2-Disable-ECR.json": ("config-change", "restore"),
    "synthesized/cloudtrail-inspector2-DisableDelegatedAdminAccount.json":
        ("config-change", "restore"),
    "synthesized/cloudtrail-inspector2-Enable-AccessDenied.json": ("config-change", "ignore"),
    "synthesized/cloudtrail-inspector2-Enable-ECR.json": ("config-change", "ignore"),
    "synthesized/cloudtrail-inspector2-UpdateConfiguration.json": ("config-change", "restore"),
    "synthesized/inspector2-coverage-ecr-image.json": ("coverage", "notify"),
    "synthesized/securityhub-findings-imported-Inspector.2.json": ("securityhub", "restore"),
}


def emf_records(log):
    """The EMF records in a run's output: the lines that are JSON objects with _aws."""
    out = []
    for line in log.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if isinstance(doc, dict) and "_aws" in doc:
            out.append(doc)
    return out


def run_records(log):
    """The records of the run in a JSON-format log: the records with "record":"invocation"."""
    out = []
    for line in log.splitlines():
        if line.startswith("{") and '"record":"invocation"' in line:
            out.append(json.loads(line))
    return out


def severity_metrics(rec):
    """The per-severity finding metrics an EMF record carries, name to value."""
    return {k: v for k, v in rec.items()
            if k.startswith("FindingsNotified") and k != "FindingsNotified"}


def sample_names():
    """Every sample event under tests/data/events, relative to it."""
    names = []
    for folder, _, files in os.walk(harness.EVENTS_DIR):
        for f in files:
            if f.endswith(".json"):
                names.append(os.path.relpath(os.path.join(folder, f), harness.EVENTS_DIR))
    return sorted(names)


class Metrics(WorldTestCase):

    def records(self, run, count):
        recs = emf_records(run.log)
        self.assertEqual(len(recs), count, run.log)
        validator = harness.schema_validator("emf.schema.json")
        for rec in recs:
            validator.validate(rec)
            for d in rec["_aws"]["CloudWatchMetrics"]:
                for dims in d["Dimensions"]:
                    for name in dims:
                        self.assertIsInstance(rec.get(name), str, (name, rec))
                for m in d["Metrics"]:
                    self.assertIsInstance(rec.get(m["Name"]), (int, float), (m, rec))
        return recs

    def test_scheduled_check_is_a_heartbeat_and_counts_the_restoration(self):
        w = self.world
        w.break_state()
        run = self.run_ok([w.scheduled_event(), w.scheduled_event()])
        first, second = self.records(run, 2)
        self.assertEqual(first["_aws"]["CloudWatchMetrics"][0]["Namespace"], "Scanwarden")
        self.assertEqual((first["Mode"], first["Scope"], first["EventKind"]),
                         ("enforce", "account", "schedule"))
        self.assertGreaterEqual(first["DriftDetected"], 1)
        self.assertEqual(first["Restored"], 1)
        self.assertEqual(first["NotificationsPublished"], 1)
        self.assertEqual(first["ScheduledCheck"], 1)
        self.assertEqual(second["DriftDetected"], 0)
        self.assertEqual(second["Restored"], 0)
        self.assertEqual(second["ScheduledCheck"], 1)

    def test_configuration_change_is_no_heartbeat(self):
        w = self.world
        w.good_state()
        w.inspector2.disable(accountIds=[w.account], resourceTypes=["ECR"])
        ev = w.cloudtrail_event("cloudtrail-inspector2-Disable-ECR.json",
                                MALLORY.format(account=w.account),
                                accountIds=[w.account], resourceTypes=["ECR"])
        (rec,) = self.records(self.run_ok([ev]), 1)
        self.assertEqual(rec["EventKind"], "config-change")
        self.assertEqual(rec["Restored"], 1)
        self.assertEqual(rec["ScheduledCheck"], 0)

    def test_finding_counts_the_notification(self):
        w = self.world
        run = self.run_ok([w.finding_event("CRITICAL", finding_id="m-1"),
                           w.finding_event("LOW", finding_id="m-2")])
        critical, low = self.records(run, 2)
        self.assertEqual(critical["EventKind"], "finding")
        self.assertEqual(critical["NotificationsPublished"], 1)
        self.assertEqual(critical["FindingsNotified"], 1)
        self.assertEqual(severity_metrics(critical), {"FindingsNotifiedCritical": 1})
        # Below MIN_SEVERITY (HIGH): not notified, so counted nowhere.
        self.assertEqual(low["NotificationsPublished"], 0)
        self.assertEqual(low["FindingsNotified"], 0)
        self.assertEqual(severity_metrics(low), {})
        self.assertEqual(critical["ScheduledCheck"], 0)

    def test_each_severity_has_its_metric(self):
        # Every severity the result can name, and a finding without one (UNTRIAGED), each in
        # the metric of its severity and no other; the answer names the same severity.
        w = self.world
        events = [w.finding_event(sev, finding_id="sev-%d" % i)
                  for i, sev in enumerate(SEVERITIES)]
        del events[-1]["detail"]["severity"]  # absent: UNTRIAGED
        run = self.run_ok(events, env=w.function_env(MIN_SEVERITY="UNTRIAGED"))
        recs = self.records(run, len(events))
        for sev, rec, inv in zip(SEVERITIES, recs, run.invocations):
            with self.subTest(severity=sev):
                self.assertEqual(inv.body.get("severity"), sev, inv.raw)
                self.assertEqual(rec["FindingsNotified"], 1, rec)
                self.assertEqual(severity_metrics(rec),
                                 {"FindingsNotified" + sev.capitalize(): 1}, rec)
        self.assertEqual(len(w.notifications(expect=len(events))), len(events))

    def test_every_sample_event_has_one_metrics_record_and_one_record_of_the_run(self):
        w = self.world
        names = sample_names()
        self.assertEqual(names, sorted(SAMPLES), "a new sample needs a row in SAMPLES")
        env = w.function_env(AWS_LAMBDA_LOG_FORMAT="JSON", MIN_SEVERITY="LOW")
        for name in names:
            kind, does = SAMPLES[name]
            with self.subTest(name):
                w.break_state()
                ev = harness.load_event(name)
                # Re-addressed to moto's account and the function's region, so the function
                # may act on it (docs/contract.md: only its own account and region).
                ev = json.loads(json.dumps(ev).replace(ev["account"], w.account)
                                .replace(ev["region"], harness.REGION))
                run = self.run_ok([ev], env=env)
                (inv,) = run.invocations
                self.assertTrue(inv.ok, inv.raw)
                (emf,) = self.records(run, 1)
                recs = run_records(run.log)
                self.assertEqual(len(recs), 1, run.log)
                self.check_sample(name, kind, does, ev, emf, recs[0], inv.body)

    def check_sample(self, name, kind, does, ev, emf, rec, answer):
        """What one sample's metrics, record of the run and effect must be."""
        w = self.world
        self.assertEqual((emf["Mode"], emf["Scope"], emf["EventKind"]),
                         ("enforce", "account", kind), emf)
        # The record of the run: the answer's fields, what kind, whose, where, how it ended.
        self.assertEqual((rec["level"], rec["outcome"], rec["event_kind"]), ("INFO", "ok", kind))
        self.assertEqual((rec["account"], rec["region"], rec["mode"], rec["scope"]),
                         (w.account, harness.REGION, "enforce", "account"), rec)
        self.assertEqual(rec["notified"], does != "ignore", rec)
        self.assertEqual(rec["handled"], answer["handled"], rec)
        if ev.get("detail-type") == "AWS API Call via CloudTrail":
            self.assertEqual(rec["actor_arn"], ev["detail"]["userIdentity"]["arn"], rec)
        published = w.notifications(expect=1 if rec["notified"] else 0)
        self.assertEqual(len(published), 1 if rec["notified"] else 0, published)
        for metric in ("RemediationFailed", "NotificationsSuppressed", "NotificationsParked",
                       "MembersChecked", "MembersRestored", "MembersFailed"):
            self.assertEqual(emf[metric], 0, (metric, emf))
        self.assertEqual(emf["ScheduledCheck"], 1 if kind == "schedule" else 0, emf)
        self.assertEqual(emf["NotificationsPublished"], len(published), emf)
        if does == "restore":
            # ECR scanning was off: every part drifted, each write succeeded, it is on again.
            self.assertIn("inspector_ecr", rec.get("drift", []), rec)
            self.assertEqual(emf["DriftDetected"], len(rec["drift"]), emf)
            self.assertTrue(rec["actions"] and all(a["ok"] for a in rec["actions"]), rec)
            self.assertEqual(emf["Restored"], 1, emf)
            self.assertEqual(w.inspector_ecr_status(), "ENABLED")
        else:
            # Nothing checked, nothing written: the invocation is counted with zero drift.
            self.assertNotIn("actions", rec)
            self.assertEqual(rec.get("drift", []), [], rec)
            self.assertEqual((emf["DriftDetected"], emf["Restored"]), (0, 0), emf)
            self.assertEqual(w.inspector_ecr_status(), "DISABLED", name)
        if kind == "finding" and does == "notify":
            sev = ev["detail"]["severity"].upper()
            self.assertEqual(rec.get("severity"), sev, rec)
            self.assertEqual(emf["FindingsNotified"], 1, emf)
            self.assertEqual(severity_metrics(emf), {"FindingsNotified" + sev.capitalize(): 1})
        else:
            self.assertEqual(emf["FindingsNotified"], 0, emf)
            self.assertEqual(severity_metrics(emf), {}, emf)

    def test_namespace_is_configurable_and_metrics_can_be_off(self):
        w = self.world
        w.good_state()
        run = self.run_ok([w.scheduled_event()], env=w.function_env(METRICS_NAMESPACE="Team/Scanning"))
        (rec,) = self.records(run, 1)
        self.assertEqual(rec["_aws"]["CloudWatchMetrics"][0]["Namespace"], "Team/Scanning")
        run = self.run_ok([w.scheduled_event()], env=w.function_env(METRICS="off"))
        self.records(run, 0)

    def test_each_run_has_its_record_as_fields_in_json_and_one_line_in_text(self):
        w = self.world
        w.break_state()
        events = [w.scheduled_event(), w.finding_event("CRITICAL", finding_id="r-1")]
        run = self.run_ok(events, env=w.function_env(AWS_LAMBDA_LOG_FORMAT="JSON"))
        self.records(run, 2)
        recs = [json.loads(line) for line in run.log.splitlines()
                if line.startswith("{") and '"record":"invocation"' in line]
        self.assertEqual(len(recs), 2, run.log)
        check, finding = recs
        self.assertEqual((check["level"], check["outcome"], check["event_kind"]),
                         ("INFO", "ok", "schedule"))
        self.assertEqual((check["region"], check["mode"], check["scope"]),
                         (harness.REGION, "enforce", "account"))
        self.assertTrue(check["drift"], check)
        self.assertTrue(all(a["ok"] for a in check["actions"]), check)
        self.assertTrue(check["notified"])
        self.assertIn("requestId", check)
        self.assertEqual((finding["event_kind"], finding["notified"]), ("finding", True))
        run = self.run_ok([w.scheduled_event()])  # TEXT
        lines = [line for line in run.log.splitlines() if '"record":"invocation"' in line]
        self.assertEqual(len(lines), 1, run.log)
        self.assertIn(" INFO ", lines[0])
        self.assertIn('"event_kind":"schedule"', lines[0])

    def test_record_of_a_restore_names_the_account_and_who_had_changed_it(self):
        w = self.world
        w.good_state()
        w.inspector2.disable(accountIds=[w.account], resourceTypes=["ECR"])
        actor = MALLORY.format(account=w.account)
        ev = w.cloudtrail_event("cloudtrail-inspector2-Disable-ECR.json", actor,
                                source_ip="203.0.113.9",
                                accountIds=[w.account], resourceTypes=["ECR"])
        run = self.run_ok([ev, w.scheduled_event()],
                          env=w.function_env(AWS_LAMBDA_LOG_FORMAT="JSON"))
        recs = [json.loads(line) for line in run.log.splitlines()
                if line.startswith("{") and '"record":"invocation"' in line]
        self.assertEqual(len(recs), 2, run.log)
        change, check = recs
        self.assertEqual((change["account"], change["actor_arn"], change["source_ip"]),
                         (w.account, actor, "203.0.113.9"))
        self.assertTrue(change["actions"] and all(a["ok"] for a in change["actions"]), change)
        # A scheduled check was started by no one's call: the account only.
        self.assertEqual(check["account"], w.account)
        self.assertNotIn("actor_arn", check)
        self.assertNotIn("source_ip", check)

    def test_invalid_metrics_setting_stops_the_function_at_init(self):
        w = self.world
        run = harness.run_function(w, [w.scheduled_event()], env=w.function_env(METRICS="yes"))
        self.assertIsNotNone(run.init_error, run.log)
        self.assertEqual(run.init_error.error_type, "Runtime.InvalidConfiguration")
        self.assertIn("METRICS must be on or off", run.log)
