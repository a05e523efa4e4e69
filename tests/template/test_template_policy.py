"""tests/peers/template_policy.py: the end-to-end tests get exactly the template's policy.

The module must hand over the function role's policy with the test's ARNs in
place, change it only in the two ways moto needs (docs/emulator-notes.md §6 and §7),
pick the deployment from the function's environment the way the function
reads it, and work as a command line tool. InMoto grants it to a role in a
real moto_server with IAM authentication and makes the function's calls.
"""

import json
import os
import re
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

    def test_unknown_parameter_or_refused_value_is_an_error(self):
        with self.assertRaises(KeyError):
            template_policy.function_policy(TOPIC, parameters={"NoSuchParameter": "x"})
        with self.assertRaises(ValueError):
            template_policy.function_policy(TOPIC, parameters={"RemediationMode": "enfoce"})

    def test_refused_environment_values_keep_the_default(self):
        default = template_policy.function_policy(TOPIC, env={}, moto=False)
        bad = template_policy.function_policy(
            TOPIC, env={"REMEDIATION_MODE": "enfoce", "ECR_RESCAN_DURATION": "DAYS_1"}, moto=False)
        self.assertEqual(bad, default)
        self.assertIn("inspector2:Enable", actions(default))
        self.assertNotIn("inspector2:GetConfiguration", actions(default))


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


ACCOUNT = "123456789012"  # moto's account


def error_code(e):
    """A ClientError's code. moto's IAM layer answers JSON services (Inspector2, ECR) with
    an XML <ErrorResponse> that botocore cannot parse, so it reports the HTTP status as the
    code and the body as the message: the code is then read from that XML."""
    err = e.response.get("Error", {})
    code = err.get("Code", "")
    if code.isdigit():
        m = re.search(r"<Code>([^<]*)</Code>", err.get("Message", ""))
        if m:
            return m.group(1)
    return code


class InMoto(unittest.TestCase):
    """The policy as moto's IAM sees it: the function's calls pass, others do not."""

    @classmethod
    def setUpClass(cls):
        try:
            import boto3  # noqa: F401
            import moto  # noqa: F401
        except ImportError as e:
            raise AssertionError(f"moto/boto3 missing ({e}): pip install 'moto[server]' boto3") from None
        from moto_peer import MotoPeer  # tests/peers: moto_server with IAM auth and an admin key
        try:
            cls.moto = MotoPeer(region="us-east-1").start()
        except RuntimeError as e:
            raise AssertionError(str(e)) from None
        try:
            admin = cls.moto.admin
            cls.admin = {"aws_access_key_id": admin["AccessKeyId"],
                         "aws_secret_access_key": admin["SecretAccessKey"]}
            cls.topic = cls.client("sns", cls.admin).create_topic(Name="scanwarden-test")["TopicArn"]
        except Exception:
            cls.moto.stop()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.moto.stop()

    @classmethod
    def client(cls, service, creds):
        import boto3
        return boto3.client(service, endpoint_url=cls.moto.endpoint_url, region_name="us-east-1", **creds)

    def role_with(self, name, policy):
        iam = self.client("iam", self.admin)
        trust = {"Version": "2012-10-17",
                 "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}]}
        iam.create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust))
        iam.put_role_policy(RoleName=name, PolicyName="scanwarden", PolicyDocument=json.dumps(policy))
        c = self.client("sts", self.admin).assume_role(
            RoleArn=f"arn:aws:iam::{ACCOUNT}:role/{name}", RoleSessionName="scanwarden")["Credentials"]
        return {"aws_access_key_id": c["AccessKeyId"], "aws_secret_access_key": c["SecretAccessKey"],
                "aws_session_token": c["SessionToken"]}

    def allowed(self, call):
        from botocore.exceptions import ClientError
        try:
            call()
            return True
        except ClientError as e:
            # Only IAM's denial counts as "not allowed": any other error, a 403 for a bad
            # signature or an unknown token included, means the test did not ask the
            # question it meant to, and fails it.
            if error_code(e) in ("AccessDenied", "AccessDeniedException"):
                return False
            raise

    def calls(self, creds):
        insp, ecr, sns = (self.client(s, creds) for s in ("inspector2", "ecr", "sns"))
        rule = [{"scanFrequency": "CONTINUOUS_SCAN", "repositoryFilters": [{"filter": "*", "filterType": "WILDCARD"}]}]
        return {
            "inspector2:BatchGetAccountStatus": lambda: insp.batch_get_account_status(accountIds=[ACCOUNT]),
            "inspector2:Enable": lambda: insp.enable(resourceTypes=["ECR"], accountIds=[ACCOUNT]),
            "ecr:GetRegistryScanningConfiguration": ecr.get_registry_scanning_configuration,
            "ecr:PutRegistryScanningConfiguration":
                lambda: ecr.put_registry_scanning_configuration(scanType="ENHANCED", rules=rule),
            "sns:Publish": lambda: sns.publish(TopicArn=self.topic, Message="scanwarden policy test"),
            "inspector2:Disable": lambda: insp.disable(resourceTypes=["ECR"], accountIds=[ACCOUNT]),
            "sns:ListTopics": sns.list_topics,
        }

    def test_enforce_policy_allows_the_functions_calls_only(self):
        creds = self.role_with("fn-enforce", template_policy.function_policy(self.topic))
        got = {name: self.allowed(call) for name, call in self.calls(creds).items()}
        self.assertEqual(got, {"inspector2:BatchGetAccountStatus": True, "inspector2:Enable": True,
                               "ecr:GetRegistryScanningConfiguration": True,
                               "ecr:PutRegistryScanningConfiguration": True, "sns:Publish": True,
                               "inspector2:Disable": False, "sns:ListTopics": False})

    def test_dry_run_policy_cannot_write(self):
        policy = template_policy.function_policy(self.topic, env={"REMEDIATION_MODE": "dry-run"})
        calls = self.calls(self.role_with("fn-dry-run", policy))
        self.assertTrue(self.allowed(calls["inspector2:BatchGetAccountStatus"]))
        self.assertFalse(self.allowed(calls["inspector2:Enable"]))
        self.assertFalse(self.allowed(calls["ecr:PutRegistryScanningConfiguration"]))

    def test_without_the_star_copy_moto_denies_publish(self):
        """Why item 6 is applied: moto matches sns:Publish against Resource "*"."""
        exact = template_policy.function_policy(self.topic, moto=False)
        calls = self.calls(self.role_with("fn-exact", exact))
        self.assertFalse(self.allowed(calls["sns:Publish"]))
        self.assertTrue(self.allowed(calls["inspector2:BatchGetAccountStatus"]))


if __name__ == "__main__":
    unittest.main()
