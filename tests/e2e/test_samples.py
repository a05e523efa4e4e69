"""The samples in events/ (for `sam local invoke -e`) run through the real function with
env.json's configuration: each is understood and handled, none is an InvalidEvent or an
error. The function runs as the operator command line, `bootstrap --event FILE --dry-run`,
against moto_server with the template's policy (harness.World): the drift triggers read
the state and describe what they would restore; nothing is written or published."""

import json
import os
import subprocess
import unittest

import harness

TIMEOUT_S = 30
EVENTS_DIR = os.path.join(harness.SOURCE_DIR, "events")
# What each sample is to the function (its result's event_kind).
KINDS = {
    "inspector2-finding.json": "finding",
    "inspector2-scan.json": "scan",
    "inspector2-coverage.json": "coverage",
    "ecr-image-scan.json": "basic-scan",
    "scheduled.json": "schedule",
    "cloudtrail-inspector2-disable.json": "config-change",
    "cloudtrail-ecr-put-registry-scanning-configuration.json": "config-change",
    "ecr-scan-resource-change.json": "scan-config-change",
    "securityhub-findings-imported.json": "securityhub",
    "config-rules-compliance-change.json": "config-rule",
}
# The drift triggers: the function reads the state and plans the restoration.
DRIFT_KINDS = {"schedule", "config-change", "scan-config-change", "securityhub", "config-rule"}


class Samples(harness.WorldTestCase):
    @classmethod
    def setUpClass(cls):
        harness.require_bootstrap()
        with open(os.path.join(harness.SOURCE_DIR, "env.json"), encoding="utf-8") as f:
            cls.env_json = json.load(f)["ScanwardenFunction"]
        super().setUpClass()

    def test_every_sample_is_handled(self):
        w = self.world
        self.assertEqual(w.account, "123456789012", "the samples' account is moto's default")
        w.break_state()
        config = {k: v for k, v in self.env_json.items() if k != "SNS_TOPIC_ARN"}
        env = w.function_env(**config)
        env.pop("AWS_LAMBDA_RUNTIME_API", None)
        names = sorted(n for n in os.listdir(EVENTS_DIR) if n.endswith(".json"))
        self.assertEqual(names, sorted(KINDS))
        for name in names:
            with self.subTest(name):
                r = subprocess.run([harness.BOOTSTRAP, "--event", os.path.join(EVENTS_DIR, name),
                                    "--dry-run"], env=env, capture_output=True, text=True,
                                   timeout=TIMEOUT_S)
                self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
                result = json.loads(r.stdout)["result"]
                self.assertNotIn("errorType", result)
                self.assertIs(result.get("handled"), True, result)
                self.assertEqual(result.get("event_kind"), KINDS[name], result)
                if KINDS[name] in DRIFT_KINDS:
                    # The state was read and found drifted (break_state), nothing restored.
                    self.assertIn("inspector_ecr", result.get("drift", []), result)
                    self.assertEqual(result.get("mode"), "dry-run", result)
        self.assertEqual(w.inspector_ecr_status(), "DISABLED", "--dry-run restored something")
        self.assertEqual(w.notifications(), [], "--dry-run published something")


if __name__ == "__main__":
    unittest.main()
