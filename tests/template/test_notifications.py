"""template.yaml: the notification parameters (docs/contract.md §8) reach the function as
CHAT_FORMAT, EPSS_ALERT, MAX_NOTIFICATIONS_PER_INVOCATION and MAX_NOTIFICATIONS_PER_MINUTE, only
when they differ from the function's defaults (so the default environment stays that of
docs/contract.md §3), and the parameters refuse what the function would refuse at init."""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("SW_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "peers"))

import sam_template  # noqa: E402
import template_policy  # noqa: E402

FN = "ScanwardenFunction"
NOTIFY_VARIABLES = ("CHAT_FORMAT", "EPSS_ALERT", "MAX_NOTIFICATIONS_PER_INVOCATION",
                    "MAX_NOTIFICATIONS_PER_MINUTE", "AFFECTED_WORKLOADS",
                    "FINDING_REPOSITORY_FILTERS", "FINDING_FIX_AVAILABLE_ONLY")


def env(**parameters):
    st = sam_template.Stack(parameters=parameters)
    return st.properties(FN)["Environment"]["Variables"]


class NotificationParameters(unittest.TestCase):
    def setUp(self):
        self.params = sam_template.load_sam_template()["Parameters"]

    def test_defaults_leave_the_function_defaults(self):
        e = env()
        for name in NOTIFY_VARIABLES:
            self.assertNotIn(name, e)
        self.assertEqual(self.params["ChatFormat"]["Default"], "none")
        self.assertEqual(self.params["EpssAlert"]["Default"], "0.1")
        self.assertEqual(str(self.params["MaxNotificationsPerInvocation"]["Default"]), "20")
        self.assertEqual(str(self.params["MaxNotificationsPerMinute"]["Default"]), "60")

    def test_chosen_values_reach_the_function(self):
        e = env(ChatFormat="chatbot", EpssAlert="0.05", MaxNotificationsPerInvocation="5",
                MaxNotificationsPerMinute="12")
        self.assertEqual(e["CHAT_FORMAT"], "chatbot")
        self.assertEqual(e["EPSS_ALERT"], "0.05")
        self.assertEqual(str(e["MAX_NOTIFICATIONS_PER_INVOCATION"]), "5")
        self.assertEqual(str(e["MAX_NOTIFICATIONS_PER_MINUTE"]), "12")

    def test_parameters_refuse_what_the_function_refuses(self):
        epss = self.params["EpssAlert"]
        for good in ("0", "0.1", "0.05", "1", "1.0", "0.999999"):
            self.assertTrue(sam_template.parameter_accepts(epss, good), good)
        for bad in ("", "1.5", "-0.1", "2", ".5", "0.1x", "abc"):
            self.assertFalse(sam_template.parameter_accepts(epss, bad), bad)
        self.assertEqual(self.params["ChatFormat"]["AllowedValues"], ["none", "chatbot"])
        for name in ("MaxNotificationsPerInvocation", "MaxNotificationsPerMinute"):
            cap = self.params[name]
            self.assertEqual((cap["MinValue"], cap["MaxValue"]), (1, 10000), name)


def actions(policy):
    out = set()
    for s in template_policy.statements(policy):
        a = s["Action"]
        out |= set(a if isinstance(a, list) else [a])
    return out


class AffectedWorkloadsPermission(unittest.TestCase):
    TOPIC = "arn:aws:sns:us-east-1:123456789012:scanwarden"

    def test_granted_only_when_on(self):
        default = template_policy.function_policy(self.TOPIC, env={}, moto=False)
        self.assertNotIn("inspector2:GetClustersForImage", actions(default))
        on = template_policy.function_policy(self.TOPIC, env={"AFFECTED_WORKLOADS": " On "},
                                             moto=False)
        self.assertEqual(actions(on) - actions(default), {"inspector2:GetClustersForImage"})
        (st,) = [s for s in template_policy.statements(on)
                 if s["Action"] == "inspector2:GetClustersForImage"]
        self.assertEqual(st["Resource"], "*")  # Inspector2 has no resource-level permissions
        self.assertEqual(env(AffectedWorkloads="on")["AFFECTED_WORKLOADS"], "on")
        self.assertNotIn("AFFECTED_WORKLOADS", env())


if __name__ == "__main__":
    unittest.main()
