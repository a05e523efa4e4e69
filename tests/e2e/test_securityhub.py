"""End-to-end tests of closing the loop in Security Hub (docs/contract.md, "Security Hub
findings"): a drift check triggered by a "Security Hub Findings - Imported" event writes back on
that finding with BatchUpdateFindings, served by tests/peers/securityhub_front.py in front of
moto (which lacks the operation) with the signature, the permission and the operation's input
shape checked there."""

import copy
import unittest

import harness
from harness import WorldTestCase
from securityhub_front import SecurityHubFront  # tests/peers, on the path harness sets

ACTION = "securityhub:BatchUpdateFindings"


class CloseTheLoop(WorldTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.front = SecurityHubFront(upstream=cls.world.endpoint, region=harness.REGION).start()

    @classmethod
    def tearDownClass(cls):
        cls.front.stop()
        super().tearDownClass()

    def setUp(self):
        super().setUp()
        self.front.fail_with = None
        with self.front.lock:
            self.front.calls.clear()

    def event(self, name):
        """The synthesized Inspector.2 finding, re-addressed to this account, with its own Id
        (known to the front)."""
        ev = harness.load_event("synthesized/securityhub-findings-imported-Inspector.2.json")
        ev.update(account=self.world.account, region=harness.REGION)
        f = ev["detail"]["findings"][0]
        f["AwsAccountId"] = self.world.account
        f["Id"] = "arn:aws:securityhub:%s:%s:security-control/Inspector.2/finding/%s" % (
            harness.REGION, self.world.account, name)
        self.front.add_finding(f["Id"], f["ProductArn"])
        return ev, (f["Id"], f["ProductArn"])

    def env(self, policy=None, **overrides):
        """The function's environment for overrides, Security Hub through the front; the front
        grants what the role's policy (the template's for overrides, unless given) grants."""
        w = self.world
        if policy is None:
            policy = harness.function_policy(w.topic_arn, w.account, overrides)
        creds = w.creds_for_policy(policy)
        self.front.allow(creds, harness.allowed_actions(policy, [ACTION]))
        env = w.function_env(creds=creds, **overrides)
        env["AWS_ENDPOINT_URL_SECURITYHUB"] = self.front.endpoint_url
        return env

    def updates(self):
        with self.front.lock:
            return [c for c in self.front.calls if c[0] == "BatchUpdateFindings"]

    def test_restored_drift_resolves_the_finding_with_a_note(self):
        w = self.world
        w.good_state()
        w.inspector2.disable(accountIds=[w.account], resourceTypes=["ECR"])
        ev, key = self.event("restored")
        inv = self.run_ok([ev], self.env()).invocations[0]
        self.assertTrue(inv.ok, inv)
        self.assertEqual(w.inspector_ecr_status(), "ENABLED")
        self.assertEqual(inv.body["securityhub"], {"workflow": "RESOLVED", "updated": True},
                         inv.body)
        finding = self.front.findings[key]
        self.assertEqual(finding["Workflow"], {"Status": "RESOLVED"})
        (note,) = finding["Notes"]
        self.assertEqual(note["UpdatedBy"], "scanwarden")
        self.assertIn("restored", note["Text"])
        self.assertIn("inspector_ecr DISABLED -> ENABLED", note["Text"])
        self.assertEqual([c[2] for c in self.updates()], ["ok"])

    def test_dry_run_marks_the_finding_notified_with_what_would_be_done(self):
        w = self.world
        w.break_state()
        ev, key = self.event("dry-run")
        inv = self.run_ok([ev], self.env(REMEDIATION_MODE="dry-run")).invocations[0]
        self.assertTrue(inv.ok, inv)
        self.assertEqual(w.inspector_ecr_status(), "DISABLED")
        finding = self.front.findings[key]
        self.assertEqual(finding["Workflow"], {"Status": "NOTIFIED"})
        self.assertIn("would restore", finding["Notes"][0]["Text"])
        self.assertEqual(inv.body["securityhub"]["workflow"], "NOTIFIED")

    def test_failed_restore_adds_a_note_and_leaves_the_status(self):
        w = self.world
        w.good_state()
        w.inspector2.disable(accountIds=[w.account], resourceTypes=["ECR"])
        ev, key = self.event("failed")
        policy = copy.deepcopy(harness.function_policy(w.topic_arn, w.account))
        for s in policy["Statement"]:  # the role may no longer enable Inspector
            acts = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
            s["Action"] = [a for a in acts if a != "inspector2:Enable"] or ["sns:ListTopics"]
        inv = self.run_ok([ev], self.env(policy=policy)).invocations[0]
        self.assertFalse(inv.ok, inv)
        self.assertEqual(inv.error_type, "RemediationFailed", inv)
        finding = self.front.findings[key]
        self.assertEqual(finding["Workflow"], {"Status": "NEW"})
        (note,) = finding["Notes"]
        self.assertIn("could not restore", note["Text"])
        self.assertIn("inspector2:Enable failed", note["Text"])

    def test_off_mode_never_updates(self):
        w = self.world
        w.break_state()
        ev, key = self.event("off")
        inv = self.run_ok([ev], self.env(REMEDIATION_MODE="off")).invocations[0]
        self.assertTrue(inv.ok, inv)
        self.assertEqual(self.updates(), [])
        self.assertEqual(self.front.findings[key], {"Workflow": {"Status": "NEW"}, "Notes": []})

    def test_a_failed_update_never_fails_the_remediation(self):
        w = self.world
        w.good_state()
        w.inspector2.disable(accountIds=[w.account], resourceTypes=["ECR"])
        ev, key = self.event("update-fails")
        self.front.fail_with = (400, "InvalidAccessException")
        run = self.run_ok([ev], self.env())
        inv = run.invocations[0]
        self.assertTrue(inv.ok, inv)
        self.assertEqual(w.inspector_ecr_status(), "ENABLED")
        self.assertTrue(inv.body["notified"])
        sh = inv.body["securityhub"]
        self.assertFalse(sh["updated"])
        self.assertIn("InvalidAccessException", sh["error"])
        self.assertIn("Security Hub finding", run.log)
        self.assertEqual(self.front.findings[key]["Notes"], [])

    def test_without_the_permission_the_update_is_refused_and_reported(self):
        """The front holds the role to its policy: without BatchUpdateFindings, AccessDenied."""
        w = self.world
        w.good_state()
        w.inspector2.disable(accountIds=[w.account], resourceTypes=["ECR"])
        ev, key = self.event("no-permission")
        policy = copy.deepcopy(harness.function_policy(w.topic_arn, w.account))
        policy["Statement"] = [s for s in policy["Statement"]
                               if s.get("Sid") != "UpdateSecurityHubFinding"]
        inv = self.run_ok([ev], self.env(policy=policy)).invocations[0]
        self.assertTrue(inv.ok, inv)
        self.assertIn("AccessDeniedException", inv.body["securityhub"]["error"])
        self.assertEqual(self.front.findings[key]["Workflow"], {"Status": "NEW"})


if __name__ == "__main__":
    unittest.main()
