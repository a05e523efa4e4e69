"""template.yaml's alarms (docs/operations.md, "Alarms"): each alarm on the function's own
metrics names a metric, namespace and dimensions the function emits (the names are read from
handler/decide/metrics.c, whose EMF record the unit and e2e tests check), the heartbeat notices
silence, and the alarms go to AlarmTopicArn or else the function's topic."""

import json
import os
import re
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("SW_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "peers"))

import sam_template  # noqa: E402

ALARM_TOPIC = "arn:aws:sns:us-east-1:123456789012:ops-alarms"


def emitted_metric_names():
    """The metric names the function's EMF record carries (NAMES in handler/decide/metrics.c)."""
    with open(os.path.join(SOURCE_DIR, "handler", "decide", "metrics.c"), encoding="utf-8") as f:
        src = f.read()
    body = re.search(r"NAMES\[SW_METRIC_COUNT\]\s*=\s*\{(.*?)\};", src, re.S).group(1)
    return set(re.findall(r'"([A-Za-z]+)"', body))


def function_default_namespace():
    """SW_METRICS_NAMESPACE_DEFAULT in handler/decide/metrics.h: the namespace without
    METRICS_NAMESPACE."""
    with open(os.path.join(SOURCE_DIR, "handler", "decide", "metrics.h"), encoding="utf-8") as f:
        return re.search(r'#define SW_METRICS_NAMESPACE_DEFAULT "([^"]+)"', f.read()).group(1)


def stack(**params):
    return sam_template.Stack(parameters=params)


def alarms(st):
    return st.resources("AWS::CloudWatch::Alarm")


class OwnMetricAlarms(unittest.TestCase):
    def test_names_are_read(self):
        names = emitted_metric_names()
        self.assertIn("ScheduledCheck", names)
        self.assertIn("RemediationFailed", names)

    def test_each_alarm_on_scanwarden_metrics_names_an_emitted_metric(self):
        names = emitted_metric_names()
        for scope in ("account", "organization"):
            st = stack(Scope=scope)
            own = {k: a for k, a in alarms(st).items()
                   if a["Properties"]["Namespace"] == "Scanwarden"}
            self.assertEqual(set(own), {"HeartbeatAlarm", "RemediationFailedAlarm"})
            for logical_id, a in own.items():
                with self.subTest(alarm=logical_id, scope=scope):
                    p = a["Properties"]
                    self.assertIn(p["MetricName"], names)
                    # The record's dimension set is [Mode, Scope] with the function's values.
                    self.assertEqual(p["Dimensions"], [{"Name": "Mode", "Value": "enforce"},
                                                       {"Name": "Scope", "Value": scope}])

    def test_heartbeat_breaches_without_a_check_in_twice_the_period(self):
        st = stack(DriftCheckPeriodSeconds="21600")
        p = alarms(st)["HeartbeatAlarm"]["Properties"]
        self.assertEqual((p["MetricName"], p["Statistic"]), ("ScheduledCheck", "Sum"))
        self.assertEqual(int(p["Period"]) * p["EvaluationPeriods"], 2 * 21600)
        self.assertEqual(p["DatapointsToAlarm"], p["EvaluationPeriods"])
        self.assertEqual((p["ComparisonOperator"], p["Threshold"]), ("LessThanThreshold", 1))
        self.assertEqual(p["TreatMissingData"], "breaching")

    def test_no_heartbeat_when_the_function_never_checks(self):
        self.assertNotIn("HeartbeatAlarm", alarms(stack(RemediationMode="off")))
        self.assertNotIn("RemediationFailedAlarm", alarms(stack(RemediationMode="dry-run")))

    def test_dead_letter_queue_age_alarm(self):
        p = alarms(stack())["DeadLetterQueueAgeAlarm"]["Properties"]
        self.assertEqual((p["Namespace"], p["MetricName"]), ("AWS/SQS", "ApproximateAgeOfOldestMessage"))


class AlarmTopic(unittest.TestCase):
    def test_alarms_go_to_the_function_topic_by_default_else_to_alarm_topic_arn(self):
        st = stack()
        topic = st.ref("NotificationTopic")
        for logical_id, a in alarms(st).items():
            with self.subTest(alarm=logical_id):
                self.assertEqual(a["Properties"]["AlarmActions"], [topic])
        st = stack(AlarmTopicArn=ALARM_TOPIC)
        for logical_id, a in alarms(st).items():
            with self.subTest(alarm=logical_id):
                self.assertEqual(a["Properties"]["AlarmActions"], [ALARM_TOPIC])


class Dashboard(unittest.TestCase):
    def test_optional_dashboard_shows_emitted_metrics(self):
        self.assertEqual(stack().resources("AWS::CloudWatch::Dashboard"), {})
        st = stack(CreateDashboard="true")
        (dash,) = st.resources("AWS::CloudWatch::Dashboard").values()
        body = json.loads(dash["Properties"]["DashboardBody"])
        names = emitted_metric_names()
        shown = {m[1] for w in body["widgets"] if w["type"] == "metric"
                 for m in w["properties"]["metrics"]}
        self.assertEqual(shown, names)


class Namespace(unittest.TestCase):
    """The alarms and the dashboard read the namespace the function writes to, whatever
    MetricsNamespace says (an alarm on an empty namespace would never fire, and the heartbeat
    would be in ALARM from the start)."""

    OWN = ("HeartbeatAlarm", "RemediationFailedAlarm")

    def namespaces(self, st):
        env = st.properties("ScanwardenFunction")["Environment"]["Variables"]
        written = env.get("METRICS_NAMESPACE", function_default_namespace())
        read = {k: alarms(st)[k]["Properties"]["Namespace"] for k in self.OWN}
        (dash,) = st.resources("AWS::CloudWatch::Dashboard").values()
        body = json.loads(dash["Properties"]["DashboardBody"])
        shown = {w["properties"]["metrics"][0][0] for w in body["widgets"] if w["type"] == "metric"}
        return env, written, read, shown

    def test_default_deployment_uses_the_functions_default(self):
        env, written, read, shown = self.namespaces(stack(CreateDashboard="true"))
        self.assertNotIn("METRICS_NAMESPACE", env)  # the function's own default applies
        self.assertEqual(written, "Scanwarden")
        self.assertEqual(read, {k: written for k in self.OWN})
        self.assertEqual(shown, {written})

    def test_another_namespace_reaches_the_function_the_alarms_and_the_dashboard(self):
        env, written, read, shown = self.namespaces(
            stack(MetricsNamespace="Security/Scanwarden", CreateDashboard="true"))
        self.assertEqual(env["METRICS_NAMESPACE"], "Security/Scanwarden")
        self.assertEqual(read, {k: "Security/Scanwarden" for k in self.OWN})
        self.assertEqual(shown, {"Security/Scanwarden"})

    def test_parameter_takes_what_the_function_takes(self):
        # The same boundaries as test_metrics.c's test_config (handler/decide/metrics.c).
        rx = re.compile(sam_template.load_sam_template()["Parameters"]["MetricsNamespace"]
                        ["AllowedPattern"])
        for v in ("Scanwarden", "Team/Scan", "a.b_c-d/e#f:g", "x" * 255):
            self.assertTrue(rx.fullmatch(v), v)
        for v in ("", "AWS/Lambda", "bad name", "x" * 256, "ns$", "ns\n"):
            self.assertFalse(rx.fullmatch(v), v)


if __name__ == "__main__":
    unittest.main()
