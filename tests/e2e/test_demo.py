"""The README's main command tells its story: scripts/lib/demo.py (what scripts/demo.sh runs
after building) against moto_server and the local Runtime API server, as a newcomer sees it."""

import os
import subprocess
import sys
import tempfile
import unittest

import harness

DEMO = os.path.join(harness.SOURCE_DIR, "scripts", "lib", "demo.py")


class Demo(unittest.TestCase):
    def test_the_story_restores_scanning_names_the_actor_and_shows_the_finding(self):
        with tempfile.TemporaryDirectory() as workdir:
            env = dict(os.environ, DEMO_DIR=workdir, DEMO_KEEP="0")
            r = subprocess.run([sys.executable, DEMO], env=env, capture_output=True, text=True,
                               timeout=120)
        out = r.stdout
        self.assertEqual(r.returncode, 0, out + r.stderr)
        # 1-2: scanning off, the schedule turns it on
        self.assertIn("before: Inspector ECR scanning DISABLED, registry scanning BASIC", out)
        self.assertIn('"drift":["inspector_ecr","registry_scan_type","registry_rule"]', out)
        # 3: the e-mail a person reads names who switched it off, and from where
        self.assertIn("- Changed by: arn:aws:iam::123456789012:user/alice", out)
        self.assertIn("- Source IP address: 192.0.2.44", out)
        self.assertIn("- inspector2:Enable (resourceTypes [ECR], accountIds [123456789012]): OK",
                      out)
        # 4: the duplicate delivery changes nothing and notifies nobody
        self.assertIn("nothing drifted: no write, 0 notification(s)", out)
        # 5: the CRITICAL finding as an engineer reads it, and as a machine gets it
        self.assertIn("Subject: [CRITICAL] CVE-2024-6119", out)
        self.assertIn("Respond by: ", out)
        self.assertIn("libssl3t64 3.0.13-0ubuntu3.2 \u2192 0:3.0.13-0ubuntu3.4 (OS)", out)
        self.assertIn('"schema_version": "1.0"', out)
        # 6: the state the story ends in
        self.assertIn("final: Inspector ECR scanning ENABLED, registry scanning ENHANCED "
                      "(CONTINUOUS_SCAN on *)", out)
        self.assertNotIn("null", out.split("What the security engineer reads")[-1]
                         .split("What the SQS subscriber")[0])


if __name__ == "__main__":
    unittest.main()
