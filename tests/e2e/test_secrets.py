"""Secrets end to end: build/bootstrap against tests/peers/fake_aws.py, where every Enable,
PutRegistryScanningConfiguration and Publish is refused with a 403 whose message quotes the
request back as AWS does (SignatureDoesNotMatch's canonical request with the
x-amz-security-token line and the string to sign with the credential scope; an
IncompleteSignature-style copy of the Authorization header, with the access key id).

Whatever the function does with those messages (logs at every level, its answer, the drift
notification that reports "FAILED: code: message"), no run of 8 or more characters of the
access key id, the secret key or the session token may appear in it."""

import base64
import hashlib
import os
import sys
import unittest

import harness
from harness import run_function

sys.path.insert(0, harness.PEERS_DIR)
from fake_aws import FakeAws  # noqa: E402  (tests/peers)
from test_faults import ACCOUNT, FakeWorld, finding, scheduled  # noqa: E402

ACCESS_KEY_ID = "ASIAQNZGKEXAMPLE7KQ3"
SECRET = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
# An STS session token's shape: base64 with + / =, about 1 KB.
TOKEN = "IQoJb3JpZ2luX2VjE" + base64.b64encode(
    b"".join(hashlib.sha512(b"scanwarden %d" % i).digest() for i in range(11))).decode()
RUN = 8  # the longest run of a credential allowed anywhere: 7 characters


def credential_runs(text):
    """The (credential, run) pairs of text: runs of RUN characters found in a credential."""
    found = []
    for name, secret in (("access key id", ACCESS_KEY_ID), ("secret key", SECRET),
                         ("session token", TOKEN)):
        grams = {secret[i:i + RUN] for i in range(len(secret) - RUN + 1)}
        found += [(name, text[i:i + RUN]) for i in range(len(text) - RUN + 1)
                  if text[i:i + RUN] in grams]
    return found


class SecretsInAwsErrors(unittest.TestCase):
    def setUp(self):
        if not os.access(harness.BOOTSTRAP, os.X_OK):
            self.skipTest("build/bootstrap is not built")
        self.aws = FakeAws(account=ACCOUNT).start()
        self.addCleanup(self.aws.stop)
        self.world = FakeWorld(self.aws)

    def refuse(self, op, echo, code="SignatureDoesNotMatch"):
        self.aws.fault(op, {"status": 403, "code": code, "echo": echo,
                            "message": "The request signature we calculated does not match "
                                       "the signature you provided. Check your AWS Secret "
                                       "Access Key and signing method. Consult the service "
                                       "documentation for details."}, times=None)

    def run_events(self, events, log_format):
        env = self.world.function_env(AWS_ACCESS_KEY_ID=ACCESS_KEY_ID,
                                      AWS_SECRET_ACCESS_KEY=SECRET, AWS_SESSION_TOKEN=TOKEN,
                                      AWS_LAMBDA_LOG_LEVEL="DEBUG",
                                      AWS_LAMBDA_LOG_FORMAT=log_format)
        run = run_function(self.world, events, env,
                           deadline_ms_from_now=int(10000 * harness.TIMEOUT_FACTOR))
        self.assertEqual(len(run.invocations), len(events), run.log)
        return run

    def assert_no_credential(self, what, text):
        runs = credential_runs(text)
        self.assertEqual(runs, [], "%s holds parts of the credentials:\n%s" % (what, text))

    def test_echoing_403s_put_no_credential_in_logs_answers_or_notifications(self):
        for log_format in ("TEXT", "JSON"):
            with self.subTest(log_format=log_format):
                self.aws.faults.clear()
                self.aws.published.clear()
                self.aws.break_state()
                # The drift cannot be restored: both writes are refused with the request
                # quoted back; the drift notification reports both failures.
                self.refuse("inspector2:Enable", "canonical", "InvalidSignatureException")
                self.refuse("ecr:PutRegistryScanningConfiguration", "authorization",
                            "IncompleteSignatureException")
                run = self.run_events([scheduled()], log_format)
                drift = run.invocations[0]
                self.assertEqual(drift.error_type, "RemediationFailed", drift.raw)
                self.assertIn("InvalidSignatureException", drift.raw)
                self.assertEqual(len(self.aws.published), 1, run.log)
                note = self.aws.published[0]
                self.assertIn("InvalidSignatureException", note["Message"])
                self.assertIn("IncompleteSignatureException", note["Message"])
                self.assertIn("does not match the signature you provided", note["Message"])
                self.assertNotIn("Canonical String", note["Message"])
                for key, value in note.items():
                    self.assert_no_credential("published %s" % key, value)

                # Then every Publish is refused the same way (SNS's XML errors): a finding and
                # a drift whose notification cannot be sent.
                if log_format == "TEXT":
                    self.refuse("sns:Publish", "canonical")
                else:
                    self.refuse("sns:Publish", "authorization", "IncompleteSignature")
                self.aws.break_state()
                run2 = self.run_events([finding(), scheduled()], log_format)
                found, drift2 = run2.invocations
                self.assertEqual(found.error_type, "NotificationFailed", found.raw)
                self.assertIn("Signature", found.body["errorMessage"])
                self.assertIn("drift notification not published", run2.log)
                self.assertEqual(len(self.aws.published), 1)  # nothing more got through

                for run_ in (run, run2):
                    self.assertIn("Signature", run_.log)
                    for line in run_.log.splitlines():
                        self.assert_no_credential("log line", line)
                    for inv in run_.invocations:
                        self.assert_no_credential("answer", inv.raw)


if __name__ == "__main__":
    unittest.main()
