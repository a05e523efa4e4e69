"""End-to-end tests of the operator command line (docs/contract.md §7.4): build/bootstrap run by a
person, without AWS_LAMBDA_RUNTIME_API. --check and --event run against moto_server with the
template's IAM policy (harness.World); --dry-run of a finding event runs with every AWS endpoint
pointed at a closed local port, so any AWS call would fail the test."""

import json
import os
import socket
import subprocess
import time
import sys
import unittest

import harness

TIMEOUT_S = 30
SPEC_VARIABLES = ("SNS_TOPIC_ARN", "MIN_SEVERITY", "REMEDIATION_MODE", "SCAN_FREQUENCY",
                  "REPOSITORY_FILTERS", "ECR_RESCAN_DURATION", "CHAT_FORMAT", "EPSS_ALERT",
                  "MAX_NOTIFICATIONS_PER_INVOCATION", "MAX_NOTIFICATIONS_PER_MINUTE",
                  "AFFECTED_WORKLOADS", "SCOPE", "REGIONS", "AWS_REGION",
                  "AWS_ENDPOINT_URL", "AWS_LAMBDA_LOG_FORMAT", "SSL_CERT_FILE")


def cli(args, env, stdin=None):
    env = {k: v for k, v in env.items() if k != "AWS_LAMBDA_RUNTIME_API"}
    return subprocess.run([harness.BOOTSTRAP] + args, env=env, input=stdin, capture_output=True,
                          text=True, timeout=TIMEOUT_S)


def closed_port_url():
    """http://127.0.0.1:<a port nobody listens on>."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return "http://127.0.0.1:%d" % port


def validator(name):
    return harness.schema_validator(name)  # fails, not skips, without jsonschema


class Offline(unittest.TestCase):
    """What needs no AWS at all: help, usage errors, --dry-run of finding-side events."""

    def setUp(self):
        harness.require_bootstrap()
        self.dead = closed_port_url()
        self.env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                    "SNS_TOPIC_ARN": "arn:aws:sns:eu-west-1:123456789012:scanwarden",
                    "AWS_REGION": "eu-west-1", "AWS_ENDPOINT_URL": self.dead,
                    "AWS_ACCESS_KEY_ID": "AKIDEXAMPLE", "AWS_SECRET_ACCESS_KEY": "x" * 40,
                    "AWS_MAX_ATTEMPTS": "1"}

    def test_help_documents_every_option_variable_and_exit_code(self):
        r = cli(["--help"], self.env)
        self.assertEqual(r.returncode, 0, r.stderr)
        for word in ("--event", "--dry-run", "--check", "--help",
                     "sts:GetCallerIdentity") + SPEC_VARIABLES:
            self.assertIn(word, r.stdout)
        self.assertNotIn("--account", r.stdout)  # the account is the credentials' own
        for code in range(6):
            self.assertIn("\n  %d  " % code, r.stdout)

    def test_usage_errors_exit_2(self):
        for args in ([], ["--bogus"], ["--dry-run"], ["--event"], ["--check", "--event", "x"],
                     ["--check", "--account", "123456789012"]):
            r = cli(args, self.env)
            self.assertEqual(r.returncode, 2, (args, r.stdout, r.stderr))
            self.assertIn("usage: bootstrap", r.stderr)
            self.assertEqual(r.stdout, "")

    def test_invalid_configuration_exits_2_naming_the_variable(self):
        r = cli(["--check"], dict(self.env, EPSS_ALERT="2"))
        self.assertEqual(r.returncode, 2)
        self.assertIn("EPSS_ALERT", r.stderr)
        self.assertIn('"2"', r.stderr)

    def test_unreadable_or_invalid_event_exits_3(self):
        r = cli(["--event", "/nonexistent/event.json"], self.env)
        self.assertEqual(r.returncode, 3, r.stderr)
        r = cli(["--event", "-"], self.env, stdin="[1, 2]")
        self.assertEqual(r.returncode, 3, r.stderr)
        self.assertEqual(json.loads(r.stdout)["errorType"], "InvalidEvent")

    def test_dry_run_prints_every_notification_form_without_network(self):
        ev = harness.load_event("inspector2-finding-ecr.inspector-docs-2024.json")
        ev["detail"]["severity"] = "CRITICAL"
        ev["detail"]["exploitAvailable"] = "YES"
        r = cli(["--event", "-", "--dry-run"], dict(self.env, CHAT_FORMAT="chatbot"),
                stdin=json.dumps(ev))
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        self.assertEqual(out["result"], {"handled": True, "event_kind": "finding",
                                         "severity": "CRITICAL",
                                         "account": ev["detail"]["awsAccountId"],
                                         "notified": True})
        self.assertEqual(len(out["notifications"]), 1)
        n = out["notifications"][0]
        self.assertTrue(n["subject"].startswith("[CRITICAL][EXPLOIT] CVE-2024-6119"), n)
        self.assertEqual(n["attributes"]["priority"], "high")
        self.assertEqual(n["https_receives"], "chat")
        self.assertIn("Amazon Inspector reports a CRITICAL vulnerability", n["email"])
        validator("notification.schema.json").validate(n["document"])
        validator("chatbot-notification.schema.json").validate(n["chat"])
        self.assertEqual(n["document"]["finding"]["priority_reasons"], ["exploit_available"])

    def test_dry_run_of_a_quiet_event_publishes_nothing(self):
        ev = harness.load_event("inspector2-finding-ecr.inspector-docs-2024.json")
        r = cli(["--event", "-", "--dry-run"], dict(self.env, MIN_SEVERITY="CRITICAL"),
                stdin=json.dumps(ev))
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        self.assertFalse(out["result"]["notified"])
        self.assertEqual(out["result"]["reason"], "below-threshold")
        self.assertEqual(out["notifications"], [])

    def test_logs_follow_aws_lambda_log_format_and_level(self):
        ev = harness.load_event("inspector2-finding-ecr.inspector-docs-2024.json")
        ev["detail"]["severity"] = "CRITICAL"
        r = cli(["--event", "-", "--dry-run"], dict(self.env, AWS_LAMBDA_LOG_FORMAT="JSON"),
                stdin=json.dumps(ev))
        self.assertEqual(r.returncode, 0, r.stderr)
        records = [json.loads(line) for line in r.stderr.splitlines()]
        self.assertTrue(records, r.stderr)
        self.assertTrue(all(rec["level"] == "INFO" or rec["level"] == "WARN" or
                            rec["level"] == "ERROR" for rec in records), records)
        self.assertTrue(any("notified" in rec["message"] for rec in records), records)
        r = cli(["--event", "-", "--dry-run"],
                dict(self.env, AWS_LAMBDA_LOG_FORMAT="JSON", AWS_LAMBDA_LOG_LEVEL="ERROR"),
                stdin=json.dumps(ev))
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(r.stderr, "")

    def test_without_dry_run_a_failed_publish_exits_1(self):
        ev = harness.load_event("inspector2-finding-ecr.inspector-docs-2024.json")
        r = cli(["--event", "-"], dict(self.env, MIN_SEVERITY="LOW"), stdin=json.dumps(ev))
        self.assertEqual(r.returncode, 1, r.stderr)
        self.assertEqual(json.loads(r.stdout)["errorType"], "NotificationFailed")


class AgainstMoto(harness.WorldTestCase):
    """--check and --event against moto_server, with the template's policy."""

    def test_check_event_check(self):
        w = self.world
        w.break_state()
        env = w.function_env()
        r = cli(["--check"], env)
        self.assertEqual(r.returncode, 4, r.stderr)
        lines = r.stdout.splitlines()
        self.assertIn("drift check of %s/%s" % (w.account, harness.REGION), lines[0])
        self.assertEqual(lines[1].split(), ["PART", "STATUS", "ACTUAL", "DESIRED"])
        rows = {line.split()[0]: line.split() for line in lines[2:6]}
        self.assertEqual(rows["inspector_ecr"][1:4], ["DRIFT", "DISABLED", "ENABLED"])
        self.assertEqual(rows["registry_scan_type"][1:4], ["DRIFT", "BASIC", "ENHANCED"])
        self.assertEqual(rows["registry_rule"][1], "DRIFT")
        self.assertIn("inspector2:Enable", r.stdout)
        self.assertEqual(w.inspector_ecr_status(), "DISABLED")  # --check writes nothing
        self.assertEqual(w.notifications(), [])

        # --dry-run of the schedule: reads, describes, writes and publishes nothing.
        r = cli(["--event", "-", "--dry-run"], env, stdin=json.dumps(w.scheduled_event()))
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        self.assertIn("inspector_ecr", out["result"]["drift"])
        self.assertEqual(out["result"].get("actions", []), [])
        self.assertEqual(out["notifications"][0]["attributes"]["event_kind"], "drift")
        self.assertIn("would restore", out["notifications"][0]["email"])
        self.assertEqual(w.inspector_ecr_status(), "DISABLED")
        self.assertEqual(w.notifications(), [])

        # --event for real: restores and publishes, like the function would.
        r = cli(["--event", "-"], env, stdin=json.dumps(w.scheduled_event()))
        self.assertEqual(r.returncode, 0, r.stderr)
        result = json.loads(r.stdout)
        self.assertTrue(result["notified"])
        self.assertTrue(all(a["ok"] for a in result["actions"]), result)
        self.assertEqual(len(w.notifications(expect=1)), 1)

        r = cli(["--check"], env)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        self.assertIn("no drift", r.stdout)

    def test_event_for_another_account_is_not_acted_on(self):
        """The account is the credentials' own (sts:GetCallerIdentity, which needs no
        permission and is the only call made): an event naming another is answered
        handled:false, with nothing read or written."""
        w = self.world
        w.break_state()
        ev = w.scheduled_event()
        ev["account"] = "999999999999"
        env = w.function_env()
        time.sleep(0.3)
        before = w.moto.request_count()
        r = cli(["--event", "-"], env, stdin=json.dumps(ev))
        time.sleep(0.3)
        self.assertEqual(r.returncode, 0, r.stderr)
        result = json.loads(r.stdout)
        self.assertFalse(result["handled"], result)
        self.assertIn("999999999999", result["reason"])
        self.assertIn(w.account, result["reason"])  # learnt from GetCallerIdentity
        self.assertEqual(w.moto.request_count() - before, 1, r.stderr)
        self.assertEqual(w.inspector_ecr_status(), "DISABLED")
        self.assertEqual(w.notifications(), [])

    def test_check_from_a_laptop_profile(self):
        """Credentials from the shared files of a temporary HOME (docs/operations.md, the
        command line from a laptop): static keys in ~/.aws/credentials, then a
        credential_process in ~/.aws/config, then a profile no file has."""
        import tempfile
        w = self.world
        w.break_state()
        env = w.function_env()
        key, secret = env.pop("AWS_ACCESS_KEY_ID"), env.pop("AWS_SECRET_ACCESS_KEY")
        token = env.pop("AWS_SESSION_TOKEN", None)
        with tempfile.TemporaryDirectory() as home:
            os.mkdir(os.path.join(home, ".aws"))
            with open(os.path.join(home, ".aws", "credentials"), "w") as f:
                f.write("[ops]\naws_access_key_id = %s\naws_secret_access_key = %s\n" % (key, secret))
                if token:
                    f.write("aws_session_token = %s\n" % token)
            env.update(HOME=home, AWS_PROFILE="ops")
            r = cli(["--check"], env)
            self.assertEqual(r.returncode, 4, r.stdout + r.stderr)
            self.assertIn("drift check of %s/%s" % (w.account, harness.REGION), r.stdout)
            self.assertNotIn(secret, r.stdout + r.stderr)

            doc = {"Version": 1, "AccessKeyId": key, "SecretAccessKey": secret}
            if token:
                doc["SessionToken"] = token
            script = os.path.join(home, "creds.py")
            with open(script, "w") as f:
                f.write("import json, sys\nsys.stderr.write('noise\\n')\nprint(json.dumps(%r))\n" % doc)
            with open(os.path.join(home, ".aws", "config"), "w") as f:
                f.write("[profile proc]\nregion = eu-west-1\ncredential_process = %s %s\n"
                        % (sys.executable, script))
            env["AWS_PROFILE"] = "proc"
            r = cli(["--check"], env)
            self.assertEqual(r.returncode, 4, r.stdout + r.stderr)
            self.assertIn("DRIFT", r.stdout)

            # role_arn + source_profile: sts:AssumeRole of the function's role (it trusts any
            # principal of the account) with the keys of a user who may only assume roles.
            role_arn = next(c["RoleArn"] for c in w._roles.values() if c["AccessKeyId"] == key)
            user = w.moto.user_credentials("laptop-user", {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]})
            with open(os.path.join(home, ".aws", "credentials"), "a") as f:
                f.write("[laptop]\naws_access_key_id = %s\naws_secret_access_key = %s\n"
                        % (user["AccessKeyId"], user["SecretAccessKey"]))
            with open(os.path.join(home, ".aws", "config"), "a") as f:
                f.write("[profile admin]\nrole_arn = %s\nsource_profile = laptop\n" % role_arn)
            env["AWS_PROFILE"] = "admin"
            r = cli(["--check"], env)
            self.assertEqual(r.returncode, 4, r.stdout + r.stderr)
            self.assertIn("drift check of %s/%s" % (w.account, harness.REGION), r.stdout)
            self.assertNotIn(user["SecretAccessKey"], r.stdout + r.stderr)

            env["AWS_PROFILE"] = "nobody"
            r = cli(["--check"], env)
            self.assertEqual(r.returncode, 5, r.stdout + r.stderr)  # nothing could be read
            self.assertIn("AWS_PROFILE=nobody: no such profile", r.stderr)
        self.assertEqual(w.inspector_ecr_status(), "DISABLED")  # --check writes nothing

    def test_check_without_read_permission_exits_5(self):
        w = self.world
        policy = harness.without_actions(w.policy, ["inspector2:BatchGetAccountStatus"])
        r = cli(["--check"], w.function_env(creds=w.creds_for_policy(policy)))
        self.assertEqual(r.returncode, 5, r.stdout + r.stderr)
        self.assertIn("AccessDenied", r.stderr)
        self.assertEqual(r.stdout, "")


if __name__ == "__main__":
    unittest.main()
