"""tests/peers/template_policy.py: the end-to-end tests get exactly the template's policy.

The module must hand over the function role's policy with the test's ARNs in
place, change it only in the two ways moto needs (moto-notes items 6 and 7),
pick the deployment from the function's environment the way the function
reads it, and work as a command line tool.
"""

import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("SW_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))
PEERS = os.path.join(SOURCE_DIR, "tests", "peers")
sys.path.insert(0, PEERS)

import template_policy  # noqa: E402

TOPIC = "arn:aws:sns:eu-west-1:111122223333:scanwarden-test"
KEY = "arn:aws:kms:eu-west-1:111122223333:key/0f0f0f0f-1111-2222-3333-444444444444"


def actions(doc):
    out = set()
    for s in template_policy.statements(doc):
        out.update(s["Action"] if isinstance(s["Action"], list) else [s["Action"]])
    return out


class ExactPolicy(unittest.TestCase):
    def test_arguments_are_substituted(self):
        doc = template_policy.function_policy(TOPIC, key_arn=KEY, account="111122223333",
                                              region="eu-west-1", moto=False)
        by_sid = {s["Sid"]: s for s in doc["Statement"]}
        self.assertEqual(by_sid["PublishNotifications"]["Resource"], TOPIC)
        self.assertEqual(by_sid["EncryptNotifications"]["Resource"], KEY)
        self.assertEqual(by_sid["EncryptNotifications"]["Condition"]["StringEquals"]["kms:ViaService"],
                         "sns.eu-west-1.amazonaws.com")
        self.assertTrue(by_sid["CreateInspectorServiceLinkedRole"]["Resource"].startswith(
            "arn:aws:iam::111122223333:role/aws-service-role/inspector2.amazonaws.com/"))
        text = json.dumps(doc)
        self.assertNotIn("Fn::", text)
        self.assertNotIn("Ref", text)
        self.assertNotIn("123456789012", text)

    def test_default_is_the_widest_deployment(self):
        doc = template_policy.function_policy(TOPIC, moto=False)
        self.assertIn("inspector2:UpdateConfiguration", actions(doc))
        self.assertIn("inspector2:Enable", actions(doc))

    def test_environment_chooses_the_deployment_as_the_function_reads_it(self):
        dry = template_policy.function_policy(TOPIC, env={"REMEDIATION_MODE": "  Dry-Run "}, moto=False)
        self.assertNotIn("inspector2:Enable", actions(dry))
        self.assertIn("inspector2:BatchGetAccountStatus", actions(dry))
        self.assertNotIn("inspector2:GetConfiguration", actions(dry))
        rescan = template_policy.function_policy(
            TOPIC, env={"REMEDIATION_MODE": "enforce", "ECR_RESCAN_DURATION": "days_14"}, moto=False)
        self.assertIn("inspector2:UpdateConfiguration", actions(rescan))
        off = template_policy.function_policy(TOPIC, parameters={"RemediationMode": "off"}, moto=False)
        self.assertFalse(any(a.startswith(("inspector2:", "ecr:")) for a in actions(off)))

    def test_unknown_parameter_is_an_error(self):
        with self.assertRaises(KeyError):
            template_policy.function_policy(TOPIC, parameters={"NoSuchParameter": "x"})


class MotoAdjustments(unittest.TestCase):
    def test_star_copy_of_topic_statements_only(self):
        exact = template_policy.function_policy(TOPIC, moto=False)
        moto = template_policy.function_policy(TOPIC, moto=True)
        extra = [s for s in moto["Statement"] if s not in exact["Statement"]]
        self.assertEqual(len(moto["Statement"]), len(exact["Statement"]) + 1)
        (star,) = extra
        self.assertEqual((star["Action"], star["Resource"], star["Effect"]), ("sns:Publish", "*", "Allow"))

    def test_conditional_deny_is_dropped_conditional_allow_kept(self):
        doc = {"Version": "2012-10-17", "Statement": [
            {"Effect": "Deny", "Action": "sns:Publish", "Resource": "*",
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Effect": "Deny", "Action": "ecr:DeleteRepository", "Resource": "*"},
            {"Effect": "Allow", "Action": "iam:CreateServiceLinkedRole", "Resource": "*",
             "Condition": {"StringEquals": {"iam:AWSServiceName": "inspector2.amazonaws.com"}}},
            {"Effect": "Allow", "Action": "sns:Publish", "Resource": [TOPIC]},
        ]}
        out = template_policy.for_moto(doc, TOPIC)
        self.assertEqual(out["Statement"][0], doc["Statement"][1])
        self.assertEqual(out["Statement"][1], doc["Statement"][2])
        self.assertEqual(out["Statement"][3]["Resource"], "*")
        self.assertEqual(len(out["Statement"]), 4)
        self.assertEqual(len(doc["Statement"]), 4, "the input document must not change")


class CommandLine(unittest.TestCase):
    def test_writes_the_policy_file(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "policy.json")
            r = subprocess.run([sys.executable, os.path.join(PEERS, "template_policy.py"),
                                "--topic-arn", TOPIC, "--env", "REMEDIATION_MODE=dry-run", "-o", path],
                               capture_output=True, text=True, timeout=60)
            self.assertEqual(r.returncode, 0, r.stderr)
            with open(path, encoding="utf-8") as f:
                doc = json.load(f)
        self.assertEqual(doc, template_policy.function_policy(TOPIC, env={"REMEDIATION_MODE": "dry-run"}))

    def test_bad_argument(self):
        r = subprocess.run([sys.executable, os.path.join(PEERS, "template_policy.py"),
                            "--topic-arn", TOPIC, "--env", "REMEDIATION_MODE"],
                           capture_output=True, text=True, timeout=60)
        self.assertEqual(r.returncode, 2)
        self.assertIn("NAME=VALUE", r.stderr)


if __name__ == "__main__":
    unittest.main()
