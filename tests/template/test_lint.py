"""cfn-lint reports nothing on template.yaml (with the SAM transform, all conditions,
and the informational checks: I3011 wants explicit deletion policies on stateful resources).

cfn-lint checks resource properties against the CloudFormation schemas, IAM
action names, references, conditions and SAM usage. It is a required test
tool: when it is missing this test fails and says how to install it.
"""

import os
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("SW_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))
TEMPLATE = os.path.join(SOURCE_DIR, "template.yaml")
LINT_TIMEOUT_S = 120


def cfn_lint_command():
    """cfn-lint on PATH, else the cfnlint module of this Python; None when neither exists."""
    exe = os.environ.get("SW_CFN_LINT") or shutil.which("cfn-lint")
    if exe and os.path.exists(exe):
        return [exe]
    probe = subprocess.run([sys.executable, "-c", "import cfnlint"], capture_output=True)
    return [sys.executable, "-m", "cfnlint"] if probe.returncode == 0 else None


class CfnLint(unittest.TestCase):
    def test_template_is_lint_clean(self):
        cmd = cfn_lint_command()
        if cmd is None:
            self.fail("cfn-lint is not installed, so template.yaml cannot be checked: "
                      "pip install cfn-lint (it also provides the SAM translator these tests use)")
        r = subprocess.run(cmd + ["--include-checks", "I", "--", TEMPLATE], capture_output=True, text=True, timeout=LINT_TIMEOUT_S,
                           cwd=SOURCE_DIR)
        self.assertEqual(r.returncode, 0, f"cfn-lint {TEMPLATE}:\n{r.stdout}{r.stderr}")
        self.assertEqual(r.stdout.strip(), "")


if __name__ == "__main__":
    unittest.main()
