"""End-to-end tests of the affected-workloads enrichment (docs/contract.md §1.3,
AFFECTED_WORKLOADS=on): CRITICAL and HIGH image findings ask Inspector2 GetClustersForImage where
the image runs and say "Running in ..."; the lookup is bounded in time and fail-soft (AccessDenied
or no answer gives a note, the notification still goes out). build/bootstrap --event runs the real
pipeline against tests/peers/fake_aws.py (one local endpoint for Inspector2 and SNS, with faults on
demand); what a subscriber gets is read from the Publish it recorded."""

import json
import os
import subprocess
import sys
import time
import unittest

import harness

sys.path.insert(0, harness.PEERS_DIR)
from fake_aws import FakeAws  # noqa: E402

ACCOUNT = "123456789012"
TOPIC = "arn:aws:sns:us-east-1:%s:scanwarden" % ACCOUNT
ECS = "arn:aws:ecs:us-east-1:%s:cluster/prod" % ACCOUNT
EKS = "arn:aws:eks:us-east-1:%s:cluster/batch" % ACCOUNT


def finding(severity="CRITICAL"):
    ev = harness.load_event("inspector2-finding-ecr.inspector-docs-2024.json")
    ev["detail"]["severity"] = severity
    ev["detail"]["findingArn"] = "arn:aws:inspector2:us-east-1:%s:finding/w-%s" % (
        ACCOUNT, severity)
    return ev


class AffectedWorkloads(unittest.TestCase):
    def setUp(self):
        harness.require_bootstrap()
        self.aws = FakeAws(account=ACCOUNT).start()
        self.addCleanup(self.aws.stop)
        self.aws.clusters = [
            {"clusterArn": ECS, "clusterDetails": [
                {"clusterMetadata": {"awsEcsMetadataDetails": {"detailsGroup": "web",
                                                               "taskDefinitionArn": "td"}},
                 "lastInUse": 1700000000, "runningUnitCount": 3, "stoppedUnitCount": 1}]},
            {"clusterArn": EKS, "clusterDetails": [
                {"clusterMetadata": {"awsEksMetadataDetails": {"namespace": "jobs"}},
                 "lastInUse": 1700000000, "runningUnitCount": 2, "stoppedUnitCount": 0}]}]

    def run_cli(self, ev, **env):
        e = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "SNS_TOPIC_ARN": TOPIC,
             "AWS_REGION": "us-east-1", "AWS_ENDPOINT_URL": self.aws.endpoint_url,
             "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x" * 40,
             "MIN_SEVERITY": "LOW", "AFFECTED_WORKLOADS": "on"}
        e.update(env)
        start = time.monotonic()
        r = subprocess.run([harness.BOOTSTRAP, "--event", "-"], input=json.dumps(ev), env=e,
                           capture_output=True, text=True, timeout=30)
        return r, time.monotonic() - start

    def published(self):
        self.assertEqual(len(self.aws.published), 1, self.aws.published)
        structure = json.loads(self.aws.published[0]["Message"])
        doc = json.loads(structure["sqs"])
        harness.validate_document(doc)  # fails, not skips, without jsonschema
        return structure["email"], doc

    def test_running_in_clusters(self):
        r, _ = self.run_cli(finding("CRITICAL"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("inspector2:GetClustersForImage", self.aws.ops())
        text, doc = self.published()
        self.assertIn("Running in: %s (ECS, 3 running task(s), 1 stopped)" % ECS, text)
        self.assertIn("Running in: %s (EKS, 2 running pod(s))" % EKS, text)
        w = doc["finding"]["workloads"]
        self.assertEqual(w["status"], "ok")
        self.assertEqual([c["cluster_arn"] for c in w["clusters"]], [ECS, EKS])
        self.assertEqual(w["clusters"][0]["type"], "ECS")

    def test_access_denied_is_a_note_not_a_failure(self):
        self.aws.fault("inspector2:GetClustersForImage",
                       {"status": 403, "code": "AccessDeniedException",
                        "message": "not authorized to perform: inspector2:GetClustersForImage"},
                       times=None)
        r, _ = self.run_cli(finding("HIGH"))
        self.assertEqual(r.returncode, 0, r.stderr)
        text, doc = self.published()
        self.assertIn("Could not be determined: AccessDeniedException", text)
        self.assertEqual(doc["finding"]["workloads"]["status"], "unavailable")
        self.assertIn("AccessDeniedException", doc["finding"]["workloads"]["error"])

    def test_no_answer_in_time_is_a_note_and_bounded(self):
        self.aws.fault("inspector2:GetClustersForImage", {"action": "slow", "delay": 10},
                       times=None)
        r, took = self.run_cli(finding("CRITICAL"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertLess(took, 8.0)  # the lookup's 3 s bound, not the peer's 10 s
        text, doc = self.published()
        self.assertIn("Could not be determined", text)
        self.assertEqual(doc["finding"]["workloads"]["status"], "unavailable")

    def test_not_asked_when_off_or_below_high(self):
        r, _ = self.run_cli(finding("CRITICAL"), AFFECTED_WORKLOADS="off")
        self.assertEqual(r.returncode, 0, r.stderr)
        r, _ = self.run_cli(finding("MEDIUM"))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertNotIn("inspector2:GetClustersForImage", self.aws.ops())
        self.assertEqual(len(self.aws.published), 2)
        for p in self.aws.published:
            self.assertNotIn("Affected workloads", json.loads(p["Message"])["email"])


if __name__ == "__main__":
    unittest.main()
