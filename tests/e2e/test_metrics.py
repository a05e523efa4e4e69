"""End-to-end tests of the function's metrics (docs/operations.md): for each kind of trigger,
build/bootstrap writes one CloudWatch Embedded Metric Format record per invocation as a raw JSON
line, valid against docs/emf.schema.json, whose counts say what the invocation did."""

import json

import harness
from harness import WorldTestCase

MALLORY = "arn:aws:sts::{account}:assumed-role/Admin/mallory"


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
        self.assertEqual(low["NotificationsPublished"], 0)
        self.assertEqual(critical["ScheduledCheck"], 0)

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
