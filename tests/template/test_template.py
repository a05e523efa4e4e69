"""template.yaml, translated offline with the SAM translator, checked as AWS would deploy it.

What a user relies on: every sample event reaches the rule meant for it and no
other; the function's own CloudTrail events, failed calls and findings below
MIN_SEVERITY are filtered out; each rule and the schedule retry and fall back to
the dead-letter queue; the function's policy is exactly the least-privilege set
for the chosen mode; alarms reach the encrypted topic. The template is resolved
for several parameter sets (tests/peers/sam_template.py) and the rules are run
with a matcher of the documented EventBridge syntax (tests/peers/eventpattern.py).
"""

import copy
import functools
import json
import os
import re
import shutil
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("SW_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))
DATA_DIR = os.environ.get("SW_TEST_DATA_DIR", os.path.join(SOURCE_DIR, "tests", "data"))
EVENTS_DIR = os.path.join(DATA_DIR, "events")
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "peers"))

import sam_template  # noqa: E402
from eventpattern import matches  # noqa: E402

FN = "ScanwardenFunction"
RULES = ["ConfigChange", "ComplianceChange", "Finding", "ScanAndCoverage", "BasicScan",
         "OrganizationChange"]
# In the order of docs/contract.md §1.3.
SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW", "INFORMATIONAL", "UNTRIAGED"]

# Which rule each sample event is for, with the template's defaults (MIN_SEVERITY HIGH).
EXPECTED_RULES = {
    "config-rules-compliance-change.real-capture.json": set(),  # COMPLIANT, other rule
    "ecr-image-scan-basic.ecr-docs.json": {"BasicScan"},
    "ecr-scan-resource-change.ecr-docs.json": {"ConfigChange"},
    "inspector2-autoenable.inspector-docs.json": {"OrganizationChange"},  # enabled in organization mode
    "inspector2-finding-ecr.inspector-docs-2024.json": set(),  # MEDIUM < HIGH
    "inspector2-scan-ecr.inspector-docs-2023.json": {"ScanAndCoverage"},
    "scheduled-event.eventbridge-docs.json": set(),  # the schedule targets the function itself
    "securityhub-findings-imported.account-control-EC2.7.asr-fixture.json": set(),  # EC2.7
    "synthesized/cloudtrail-ecr-PutRegistryScanningConfiguration-BASIC.json": {"ConfigChange"},
    "synthesized/cloudtrail-ecr-PutRegistryScanningConfiguration-ENHANCED-norules.json": {"ConfigChange"},
    "synthesized/cloudtrail-inspector2-Disable-ECR.json": {"ConfigChange"},
    "synthesized/cloudtrail-inspector2-DisableDelegatedAdminAccount.json": {"ConfigChange"},
    "synthesized/cloudtrail-inspector2-Enable-AccessDenied.json": set(),  # Enable is not a change away
    "synthesized/cloudtrail-inspector2-Enable-ECR.json": set(),
    "synthesized/cloudtrail-inspector2-UpdateConfiguration.json": {"ConfigChange"},
    "synthesized/inspector2-coverage-ecr-image.json": {"ScanAndCoverage"},
    "synthesized/securityhub-findings-imported-Inspector.2.json": {"ComplianceChange"},
}

PLATFORM_ACTIONS = {"sns:Publish", "kms:GenerateDataKey", "kms:Decrypt", "logs:CreateLogStream",
                    "logs:PutLogEvents", "sqs:SendMessage"}
READ_ACTIONS = {"inspector2:BatchGetAccountStatus", "ecr:GetRegistryScanningConfiguration"}
WRITE_ACTIONS = {"inspector2:Enable", "inspector2:ListAccountPermissions",
                 "ecr:PutRegistryScanningConfiguration", "iam:CreateServiceLinkedRole"}
RESCAN_READ = {"inspector2:GetConfiguration"}
# Writing back on the Security Hub finding that triggered a check: enforce and dry-run only.
SECURITYHUB_WRITE = {"securityhub:BatchUpdateFindings"}
RESCAN_WRITE = {"inspector2:UpdateConfiguration"}
# Enable for members is WRITE_ACTIONS' Enable.
ORGANIZATION_READ = {"inspector2:ListMembers", "inspector2:DescribeOrganizationConfiguration"}
ORGANIZATION_WRITE = {"inspector2:UpdateOrganizationConfiguration"}
TRACE_WRITE = {"xray:PutTraceSegments", "xray:PutTelemetryRecords"}
# Inspector2 and ECR registry-level actions (and X-Ray's) have no resource-level permissions.
RESOURCE_STAR_OK = READ_ACTIONS | RESCAN_READ | RESCAN_WRITE | ORGANIZATION_READ | ORGANIZATION_WRITE | (WRITE_ACTIONS - {"iam:CreateServiceLinkedRole"}) | TRACE_WRITE

# Everything optional switched on, to see every resource and policy at once.
EVERYTHING = {"RemediationMode": "enforce", "EcrRescanDuration": "DAYS_14",
              "NotificationEmail": "ops@example.com", "CreateTrail": "true", "Tracing": "Active"}


@functools.lru_cache(maxsize=None)
def _stack(params_items):
    return sam_template.Stack(parameters=dict(params_items))


def stack(**params):
    return _stack(tuple(sorted(params.items())))


def load_events():
    out = {}
    for root, _dirs, files in os.walk(EVENTS_DIR):
        for name in files:
            if name.endswith(".json"):
                path = os.path.join(root, name)
                with open(path, encoding="utf-8") as f:
                    out[os.path.relpath(path, EVENTS_DIR)] = json.load(f)
    return out


def rule_pattern(st, rule):
    return st.properties(FN + rule)["EventPattern"]


def matching_rules(st, event):
    return {r for r in RULES if matches(rule_pattern(st, r), event)}


def event(name):
    with open(os.path.join(EVENTS_DIR, name), encoding="utf-8") as f:
        return json.load(f)


def policy_statements(doc):
    st = doc["Statement"]
    return [st] if isinstance(st, dict) else st


def as_list(x):
    return x if isinstance(x, list) else [x]


def all_policy_documents(node, path="template"):
    """Every IAM-style policy document anywhere in node: (where, document)."""
    out = []
    if isinstance(node, dict):
        if "Statement" in node and isinstance(node["Statement"], (list, dict)):
            out.append((path, node))
        for k, v in node.items():
            out.extend(all_policy_documents(v, f"{path}.{k}"))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out.extend(all_policy_documents(v, f"{path}[{i}]"))
    return out


class SampleEvents(unittest.TestCase):
    def test_every_sample_event_reaches_exactly_its_rule(self):
        events = load_events()
        self.assertGreaterEqual(len(events), len(EXPECTED_RULES), f"sample events missing in {EVENTS_DIR}")
        st = stack()
        for name, ev in sorted(events.items()):
            with self.subTest(event=name):
                self.assertIn(name, EXPECTED_RULES,
                              "a new sample event: add the rule it is for to EXPECTED_RULES")
                self.assertEqual(matching_rules(st, ev), EXPECTED_RULES[name])

    def test_no_sample_event_reaches_a_disabled_rule_only_in_off_mode(self):
        st = stack(RemediationMode="off")
        for rule in ("ConfigChange", "ComplianceChange"):
            self.assertEqual(st.properties(FN + rule)["State"], "DISABLED")
        for rule in ("Finding", "ScanAndCoverage", "BasicScan"):
            self.assertNotEqual(st.properties(FN + rule).get("State", "ENABLED"), "DISABLED")
        self.assertEqual(stack().properties(FN + "ConfigChange")["State"], "ENABLED")


class PatternSize(unittest.TestCase):
    # EventBridge's default "Event pattern size" quota (adjustable up to 4096).
    QUOTA = 2048

    def test_patterns_fit_the_default_quota_even_with_a_long_stack_name(self):
        st = sam_template.Stack(parameters={"MinSeverity": "UNTRIAGED"}, stack_name="s" * 128)
        for rule in RULES:
            with self.subTest(rule=rule):
                text = json.dumps(rule_pattern(st, rule), indent=1)  # with some whitespace
                self.assertLess(len(text), self.QUOTA)


class ConfigChangeRule(unittest.TestCase):
    def setUp(self):
        self.st = stack()
        self.pattern = rule_pattern(self.st, "ConfigChange")
        self.role_arn = self.st.attr("ScanwardenFunctionRole", "Arn")

    def as_function(self, ev):
        ev = copy.deepcopy(ev)
        role_name = self.role_arn.rsplit("/", 1)[1]
        ui = ev["detail"]["userIdentity"]
        ui["arn"] = f"arn:aws:sts::123456789012:assumed-role/{role_name}/{self.st.ref(FN)}"
        ui["sessionContext"]["sessionIssuer"]["arn"] = self.role_arn
        ui["sessionContext"]["sessionIssuer"]["userName"] = role_name
        return ev

    def test_the_functions_own_changes_are_not_matched(self):
        for name in ("synthesized/cloudtrail-inspector2-Disable-ECR.json",
                     "synthesized/cloudtrail-inspector2-UpdateConfiguration.json",
                     "synthesized/cloudtrail-ecr-PutRegistryScanningConfiguration-BASIC.json"):
            with self.subTest(event=name):
                self.assertTrue(matches(self.pattern, event(name)))
                self.assertFalse(matches(self.pattern, self.as_function(event(name))))

    def test_another_role_with_a_similar_name_is_matched(self):
        ev = self.as_function(event("synthesized/cloudtrail-inspector2-Disable-ECR.json"))
        ev["detail"]["userIdentity"]["sessionContext"]["sessionIssuer"]["arn"] = self.role_arn + "-copy"
        self.assertTrue(matches(self.pattern, ev))

    def test_users_and_root_without_a_session_issuer_are_matched(self):
        base = event("synthesized/cloudtrail-inspector2-Disable-ECR.json")
        user = copy.deepcopy(base)
        user["detail"]["userIdentity"] = {"type": "IAMUser", "principalId": "AIDAEXAMPLE",
                                          "arn": "arn:aws:iam::123456789012:user/bob",
                                          "accountId": "123456789012", "userName": "bob"}
        root = copy.deepcopy(base)
        root["detail"]["userIdentity"] = {"type": "Root", "principalId": "123456789012",
                                          "arn": "arn:aws:iam::123456789012:root",
                                          "accountId": "123456789012"}
        self.assertTrue(matches(self.pattern, user))
        self.assertTrue(matches(self.pattern, root))

    def test_failed_calls_changed_nothing_and_are_not_matched(self):
        ev = event("synthesized/cloudtrail-inspector2-Disable-ECR.json")
        ev["detail"]["errorCode"] = "AccessDenied"
        ev["detail"]["errorMessage"] = "not authorized"
        self.assertFalse(matches(self.pattern, ev))

    def test_every_spec_event_name_and_nothing_else(self):
        base = {"aws.inspector2": event("synthesized/cloudtrail-inspector2-Disable-ECR.json"),
                "aws.ecr": event("synthesized/cloudtrail-ecr-PutRegistryScanningConfiguration-BASIC.json")}
        wanted = {"aws.inspector2": {"Disable", "UpdateConfiguration", "DisableDelegatedAdminAccount",
                                     "UpdateOrganizationConfiguration"},
                  "aws.ecr": {"PutRegistryScanningConfiguration", "PutImageScanningConfiguration"}}
        # Real API names of each service that change nothing scanwarden keeps.
        others = {"aws.inspector2": {"Enable", "EnableDelegatedAdminAccount", "ListFindings",
                                     "BatchGetAccountStatus", "CreateFilter", "UpdateFilter"},
                  "aws.ecr": {"CreateRepository", "PutLifecyclePolicy", "PutImageTagMutability",
                              "GetRegistryScanningConfiguration", "PutRegistryPolicy"}}
        for source, ev in base.items():
            for name in wanted[source] | others[source]:
                e = copy.deepcopy(ev)
                e["detail"]["eventName"] = name
                with self.subTest(source=source, eventName=name):
                    self.assertEqual(matches(self.pattern, e), name in wanted[source])

    def test_other_services_and_event_kinds_are_not_matched(self):
        ev = event("synthesized/cloudtrail-inspector2-Disable-ECR.json")
        ev["source"], ev["detail"]["eventSource"] = "aws.guardduty", "guardduty.amazonaws.com"
        self.assertFalse(matches(self.pattern, ev))
        ev = event("synthesized/cloudtrail-inspector2-Disable-ECR.json")
        ev["detail-type"] = "AWS Service Event via CloudTrail"
        self.assertFalse(matches(self.pattern, ev))

    def test_scan_resource_change_only_from_ecr(self):
        ev = event("ecr-scan-resource-change.ecr-docs.json")
        ev["source"] = "aws.inspector2"
        self.assertFalse(matches(self.pattern, ev))


class FindingRule(unittest.TestCase):
    def test_severity_at_or_above_the_minimum_for_every_setting(self):
        base = event("inspector2-finding-ecr.inspector-docs-2024.json")
        for minimum in SEVERITIES:
            pattern = rule_pattern(stack(MinSeverity=minimum), "Finding")
            for sev in SEVERITIES:
                ev = copy.deepcopy(base)
                ev["detail"]["severity"] = sev
                with self.subTest(min=minimum, severity=sev):
                    self.assertEqual(matches(pattern, ev), SEVERITIES.index(sev) <= SEVERITIES.index(minimum))

    def test_only_active_ecr_image_findings(self):
        pattern = rule_pattern(stack(MinSeverity="LOW"), "Finding")
        base = event("inspector2-finding-ecr.inspector-docs-2024.json")
        self.assertTrue(matches(pattern, base))
        for status in ("SUPPRESSED", "CLOSED"):
            ev = copy.deepcopy(base)
            ev["detail"]["status"] = status
            self.assertFalse(matches(pattern, ev), status)
        ev = copy.deepcopy(base)
        ev["detail"]["resources"][0]["type"] = "AWS_EC2_INSTANCE"
        self.assertFalse(matches(pattern, ev))


class ComplianceRule(unittest.TestCase):
    def setUp(self):
        self.pattern = rule_pattern(stack(), "ComplianceChange")

    def test_security_hub_controls(self):
        new = event("synthesized/securityhub-findings-imported-Inspector.2.json")
        old = event("securityhub-findings-imported.account-control-EC2.7.asr-fixture.json")
        for control in ("Inspector.2", "ECR.1"):
            ev = copy.deepcopy(new)
            ev["detail"]["findings"][0]["Compliance"]["SecurityControlId"] = control
            self.assertTrue(matches(self.pattern, ev), control)
            ev["detail"]["findings"][0]["Compliance"]["Status"] = "PASSED"
            self.assertFalse(matches(self.pattern, ev), control + " PASSED")
            legacy = copy.deepcopy(old)  # only ProductFields.ControlId
            legacy["detail"]["findings"][0]["ProductFields"]["ControlId"] = control
            self.assertTrue(matches(self.pattern, legacy), control + " (ProductFields)")
        archived = copy.deepcopy(new)
        archived["detail"]["findings"][0]["RecordState"] = "ARCHIVED"
        self.assertFalse(matches(self.pattern, archived))

    def test_failed_and_control_must_be_the_same_finding(self):
        ev = event("synthesized/securityhub-findings-imported-Inspector.2.json")
        passed = ev["detail"]["findings"][0]
        passed["Compliance"]["Status"] = "PASSED"
        other = copy.deepcopy(event("securityhub-findings-imported.account-control-EC2.7.asr-fixture.json")
                              ["detail"]["findings"][0])  # FAILED, EC2.7
        ev["detail"]["findings"].append(other)
        self.assertFalse(matches(self.pattern, ev))

    def test_config_rules(self):
        base = event("config-rules-compliance-change.real-capture.json")
        cases = {
            ("securityhub-inspector-ecr-scan-enabled-0a1b2c3d", "NON_COMPLIANT"): True,
            ("inspector-ecr-scan-enabled", "NON_COMPLIANT"): True,
            ("ecr-private-image-scanning-enabled", "NON_COMPLIANT"): True,
            ("securityhub-ecr-private-image-scanning-enabled-9f8e", "NON_COMPLIANT"): True,
            ("securityhub-inspector-ecr-scan-enabled-0a1b2c3d", "COMPLIANT"): False,
            ("securityhub-inspector-ecr-scan-enabled-0a1b2c3d", "INSUFFICIENT_DATA"): False,
            ("securityhub-iam-inline-policy-blocked-kms-actions-baa2cf8c", "NON_COMPLIANT"): False,
        }
        for (rule_name, compliance), expected in cases.items():
            ev = copy.deepcopy(base)
            ev["detail"]["configRuleName"] = rule_name
            ev["detail"]["newEvaluationResult"]["complianceType"] = compliance
            with self.subTest(rule=rule_name, compliance=compliance):
                self.assertEqual(matches(self.pattern, ev), expected)


class ScanAndCoverageRules(unittest.TestCase):
    def test_coverage_only_when_an_ecr_resource_stops_being_scanned(self):
        pattern = rule_pattern(stack(), "ScanAndCoverage")
        base = event("synthesized/inspector2-coverage-ecr-image.json")
        self.assertTrue(matches(pattern, base))
        active = copy.deepcopy(base)
        active["detail"]["scanStatus"] = {"reason": "SUCCESSFUL", "statusCodeValue": "ACTIVE"}
        self.assertFalse(matches(pattern, active))
        ec2 = copy.deepcopy(base)
        ec2["resources"] = ["arn:aws:ec2:us-east-1:123456789012:instance/i-0123456789abcdef0"]
        self.assertFalse(matches(pattern, ec2))

    def test_basic_scan_events_from_ecr_only(self):
        pattern = rule_pattern(stack(), "BasicScan")
        ev = event("ecr-image-scan-basic.ecr-docs.json")
        self.assertTrue(matches(pattern, ev))
        ev["source"] = "aws.inspector2"
        self.assertFalse(matches(pattern, ev))


class DeliveryAndDeadLetters(unittest.TestCase):
    def setUp(self):
        self.st = stack()
        self.dlq_arn = self.st.attr("DeadLetterQueue", "Arn")
        self.fn_arn = self.st.attr(FN, "Arn")

    def test_every_rule_targets_the_function_with_retries_and_the_dlq(self):
        rules = self.st.resources("AWS::Events::Rule")
        self.assertEqual(set(rules), {FN + r for r in RULES})
        for logical_id, rule in rules.items():
            with self.subTest(rule=logical_id):
                (target,) = rule["Properties"]["Targets"]
                self.assertEqual(target["Arn"], self.fn_arn)
                self.assertEqual(target["DeadLetterConfig"], {"Arn": self.dlq_arn})
                self.assertGreater(target["RetryPolicy"]["MaximumRetryAttempts"], 0)
                self.assertLessEqual(target["RetryPolicy"]["MaximumEventAgeInSeconds"], 86400)

    def test_each_rule_may_invoke_the_function(self):
        perms = self.st.resources("AWS::Lambda::Permission")
        sources = {p["Properties"]["SourceArn"] for p in perms.values()
                   if p["Properties"]["Principal"] == "events.amazonaws.com"}
        self.assertEqual(sources, {self.st.attr(FN + r, "Arn") for r in RULES})

    def test_queue_policy_lets_exactly_these_rules_send(self):
        (policy,) = self.st.resources("AWS::SQS::QueuePolicy").values()
        allows = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
        (allow,) = allows
        self.assertEqual(allow["Principal"], {"Service": "events.amazonaws.com"})
        self.assertEqual(as_list(allow["Action"]), ["sqs:SendMessage"])
        self.assertEqual(allow["Resource"], self.dlq_arn)
        self.assertEqual(set(allow["Condition"]["ArnEquals"]["aws:SourceArn"]),
                         {self.st.attr(FN + r, "Arn") for r in RULES})

    def test_function_parks_notifications_in_the_queue_in_every_mode(self):
        # docs/operations.md: a notification SNS refuses is parked in this queue, and every
        # mode publishes, so every mode has the queue's URL and may send to it (only it).
        for mode in ("enforce", "dry-run", "off"):
            st = stack(RemediationMode=mode)
            with self.subTest(mode=mode):
                env = st.properties(FN)["Environment"]["Variables"]
                self.assertEqual(env["DEAD_LETTER_QUEUE_URL"], st.ref("DeadLetterQueue"))
                (policy,) = st.properties("ScanwardenFunctionRole")["Policies"]
                sends = [s for s in policy_statements(policy["PolicyDocument"])
                         if "sqs:SendMessage" in as_list(s["Action"])]
                (send,) = sends
                self.assertEqual(as_list(send["Action"]), ["sqs:SendMessage"])
                self.assertEqual(send["Resource"], st.attr("DeadLetterQueue", "Arn"))

    def test_queue_alarm_says_how_to_tell_apart_and_replay(self):
        (alarm,) = [a["Properties"] for a in self.st.resources("AWS::CloudWatch::Alarm").values()
                    if a["Properties"]["MetricName"] == "ApproximateNumberOfMessagesVisible"]
        text = alarm["AlarmDescription"]
        for needle in ("scanwarden-parked", "bootstrap --replay-dlq", "ErrorCode",
                       "docs/operations.md"):
            self.assertIn(needle, text)

    def test_queue_is_encrypted(self):
        self.assertIs(self.st.properties("DeadLetterQueue")["SqsManagedSseEnabled"], True)

    def test_schedule(self):
        schedules = self.st.resources("AWS::Scheduler::Schedule")
        (sched,) = schedules.values()
        props = sched["Properties"]
        self.assertNotIn("Name", props, "a fixed name collides between two stacks")
        self.assertEqual(props["ScheduleExpression"], "rate(1 hour)")
        self.assertEqual(props["State"], "ENABLED")
        target = props["Target"]
        self.assertEqual(json.loads(target["Input"]), {"trigger": "schedule"})
        self.assertEqual(target["Arn"], self.fn_arn)
        self.assertEqual(target["DeadLetterConfig"], {"Arn": self.dlq_arn})
        self.assertGreater(target["RetryPolicy"]["MaximumRetryAttempts"], 0)
        role_id = target["RoleArn"].rsplit("/", 1)[1].split("-")[1]
        actions = {(a, s["Resource"]) for p in self.st.properties(role_id)["Policies"]
                   for s in policy_statements(p["PolicyDocument"]) for a in as_list(s["Action"])}
        self.assertEqual(actions, {("lambda:InvokeFunction", self.fn_arn), ("sqs:SendMessage", self.dlq_arn)})
        self.assertEqual(stack(DriftCheckSchedule="rate(15 minutes)").resources(
            "AWS::Scheduler::Schedule").popitem()[1]["Properties"]["ScheduleExpression"], "rate(15 minutes)")
        self.assertEqual(stack(RemediationMode="off").resources(
            "AWS::Scheduler::Schedule").popitem()[1]["Properties"]["State"], "DISABLED")

    def test_failed_invocations_go_to_the_dlq(self):
        (cfg,) = self.st.resources("AWS::Lambda::EventInvokeConfig").values()
        props = cfg["Properties"]
        self.assertEqual(props["FunctionName"], self.st.ref(FN))
        self.assertEqual(props["DestinationConfig"]["OnFailure"]["Destination"], self.dlq_arn)
        self.assertIn(props["MaximumRetryAttempts"], (0, 1, 2))


class FunctionResource(unittest.TestCase):
    def test_sam_function_as_spec_7_says(self):
        raw = sam_template.load_sam_template()
        fns = {k: v for k, v in raw["Resources"].items() if v["Type"] == "AWS::Serverless::Function"}
        self.assertEqual(list(fns), [FN])
        self.assertEqual(fns[FN]["Metadata"], {"BuildMethod": "makefile"})
        self.assertEqual(fns[FN]["Properties"]["CodeUri"], ".")

    def test_function_properties(self):
        props = stack().properties(FN)
        self.assertEqual(props["Runtime"], "provided.al2023")
        self.assertEqual(props["Handler"], "bootstrap")
        self.assertEqual(props["MemorySize"], 128)
        self.assertTrue(30 <= props["Timeout"] <= 120, props["Timeout"])
        self.assertEqual(props["ReservedConcurrentExecutions"], 1)
        self.assertEqual(props["LoggingConfig"]["LogFormat"], "JSON")
        self.assertEqual(props["LoggingConfig"]["LogGroup"], stack().ref("ScanwardenLogGroup"))
        self.assertEqual(props["Architectures"], ["x86_64"])
        self.assertEqual(stack(Architecture="arm64").properties(FN)["Architectures"], ["arm64"])
        self.assertEqual(props["Role"], stack().attr("ScanwardenFunctionRole", "Arn"))

    def test_environment_from_parameters(self):
        st = stack()
        env = st.properties(FN)["Environment"]["Variables"]
        self.assertEqual(env, {"SNS_TOPIC_ARN": st.ref("NotificationTopic"), "MIN_SEVERITY": "HIGH",
                               "REMEDIATION_MODE": "enforce", "SCAN_FREQUENCY": "CONTINUOUS_SCAN",
                               "REPOSITORY_FILTERS": "*",
                               "DEAD_LETTER_QUEUE_URL": st.ref("DeadLetterQueue")})
        env = stack(MinSeverity="CRITICAL", RemediationMode="dry-run", ScanFrequency="SCAN_ON_PUSH",
                    RepositoryFilters="prod/*,web-*", EcrRescanDuration="DAYS_7"
                    ).properties(FN)["Environment"]["Variables"]
        self.assertEqual({k: v for k, v in env.items()
                          if k not in ("SNS_TOPIC_ARN", "DEAD_LETTER_QUEUE_URL")},
                         {"MIN_SEVERITY": "CRITICAL", "REMEDIATION_MODE": "dry-run",
                          "SCAN_FREQUENCY": "SCAN_ON_PUSH", "REPOSITORY_FILTERS": "prod/*,web-*",
                          "ECR_RESCAN_DURATION": "DAYS_7"})

    def test_organization_environment_and_rule(self):
        st = stack(Scope="organization", Regions="us-east-1,eu-west-1")
        env = st.properties(FN)["Environment"]["Variables"]
        self.assertEqual(env["SCOPE"], "organization")
        self.assertEqual(env["REGIONS"], "us-east-1,eu-west-1")
        self.assertNotIn("SCOPE", stack().properties(FN)["Environment"]["Variables"])
        self.assertEqual(st.properties(FN + "OrganizationChange")["State"], "ENABLED")
        self.assertEqual(stack().properties(FN + "OrganizationChange")["State"], "DISABLED")
        self.assertEqual(stack(Scope="organization", RemediationMode="off")
                         .properties(FN + "OrganizationChange")["State"], "DISABLED")
        pattern = rule_pattern(st, "OrganizationChange")
        ct = event("synthesized/cloudtrail-inspector2-Disable-ECR.json")
        for name, expected in (("DisassociateMember", True), ("AssociateMember", True),
                               ("Disable", False), ("ListMembers", False)):
            e = copy.deepcopy(ct)
            e["detail"]["eventName"] = name
            with self.subTest(eventName=name):
                self.assertEqual(matches(pattern, e), expected)
        self.assertTrue(matches(pattern, event("inspector2-autoenable.inspector-docs.json")))

    def test_makefile_target_sam_build_runs(self):
        path = os.path.join(SOURCE_DIR, "Makefile")
        if not os.path.exists(path):
            self.skipTest("no Makefile yet (the artifact part adds build-ScanwardenFunction)")
        with open(path, encoding="utf-8") as f:
            self.assertRegex(f.read(), r"(?m)^build-ScanwardenFunction\s*:")
        make = shutil.which("make")
        if make is None:
            self.skipTest("make is not installed: cannot dry-run the sam build target")
        out = subprocess.run([make, "-n", "-C", SOURCE_DIR, "build-ScanwardenFunction",
                              "ARTIFACTS_DIR=/tmp/sam-artifacts-dir"], capture_output=True, text=True, timeout=60)
        self.assertEqual(out.returncode, 0, out.stderr)
        self.assertIn("/tmp/sam-artifacts-dir", out.stdout, "the target must build into $(ARTIFACTS_DIR)")


class Parameters(unittest.TestCase):
    def setUp(self):
        self.params = sam_template.load_sam_template()["Parameters"]

    def test_spec_3_values(self):
        self.assertEqual(self.params["MinSeverity"]["AllowedValues"], SEVERITIES)
        self.assertEqual(self.params["MinSeverity"]["Default"], "HIGH")
        self.assertEqual(self.params["RemediationMode"]["AllowedValues"], ["enforce", "dry-run", "off"])
        self.assertEqual(self.params["RemediationMode"]["Default"], "enforce")
        self.assertEqual(self.params["ScanFrequency"]["AllowedValues"], ["CONTINUOUS_SCAN", "SCAN_ON_PUSH"])
        self.assertEqual(self.params["ScanFrequency"]["Default"], "CONTINUOUS_SCAN")
        self.assertEqual(self.params["RepositoryFilters"]["Default"], "*")
        self.assertEqual(self.params["EcrRescanDuration"]["AllowedValues"],
                         ["", "LIFETIME", "DAYS_3", "DAYS_7", "DAYS_14", "DAYS_30", "DAYS_60", "DAYS_90",
                          "DAYS_180"])
        self.assertEqual(self.params["EcrRescanDuration"]["Default"], "")
        self.assertEqual(self.params["Architecture"]["AllowedValues"], ["x86_64", "arm64"])
        self.assertEqual(self.params["DriftCheckSchedule"]["Default"], "rate(1 hour)")

    def check_pattern(self, name, good, bad):
        rx = re.compile(self.params[name]["AllowedPattern"])
        for v in good:
            self.assertTrue(rx.fullmatch(v), f"{name} should accept {v!r}")
        for v in bad:
            self.assertFalse(rx.fullmatch(v), f"{name} should reject {v!r}")

    def test_organization_parameters(self):
        self.assertEqual(self.params["Scope"]["AllowedValues"], ["account", "organization"])
        self.assertEqual(self.params["Scope"]["Default"], "account")
        self.assertEqual(self.params["Regions"]["Default"], "")
        self.check_pattern("Regions", ["", "us-east-1", "us-east-1,eu-west-1", " us-gov-west-1 , cn-north-1"],
                           ["mars", "us-east-1,", ",eu-west-1", "us-east-1;eu-west-1", "us east 1"])

    def test_free_text_parameters_are_validated(self):
        self.check_pattern("RepositoryFilters", ["*", "prod/*,web-*", " a , b ", "team.x/app_1"],
                           ["", "a,,b", "a;b", ",a", "a b"])
        self.check_pattern("NotificationEmail", ["", "ops@example.com"], ["ops", "a@b", "a b@c.de"])
        self.check_pattern("DriftCheckSchedule", ["rate(1 hour)", "cron(0 * * * ? *)"],
                           ["hourly", "rate()", ""])


class LeastPrivilege(unittest.TestCase):
    def function_policy(self, st):
        (policy,) = st.properties("ScanwardenFunctionRole")["Policies"]
        return policy["PolicyDocument"]

    def actions(self, st):
        return {a for s in policy_statements(self.function_policy(st)) for a in as_list(s["Action"])}

    def test_action_list_per_mode(self):
        cases = {
            ("enforce", ""): PLATFORM_ACTIONS | READ_ACTIONS | SECURITYHUB_WRITE | WRITE_ACTIONS,
            ("enforce", "DAYS_30"): PLATFORM_ACTIONS | READ_ACTIONS | SECURITYHUB_WRITE | WRITE_ACTIONS | RESCAN_READ | RESCAN_WRITE,
            ("dry-run", ""): PLATFORM_ACTIONS | READ_ACTIONS | SECURITYHUB_WRITE,
            ("dry-run", "LIFETIME"): PLATFORM_ACTIONS | READ_ACTIONS | SECURITYHUB_WRITE | RESCAN_READ,
            ("off", ""): PLATFORM_ACTIONS,
            ("off", "DAYS_180"): PLATFORM_ACTIONS,
        }
        for (mode, rescan), expected in cases.items():
            with self.subTest(mode=mode, rescan=rescan):
                self.assertEqual(self.actions(stack(RemediationMode=mode, EcrRescanDuration=rescan)), expected)

    def test_organization_actions_only_in_organization_mode(self):
        cases = {
            "enforce": PLATFORM_ACTIONS | READ_ACTIONS | SECURITYHUB_WRITE | WRITE_ACTIONS | ORGANIZATION_READ
            | ORGANIZATION_WRITE,
            "dry-run": PLATFORM_ACTIONS | READ_ACTIONS | SECURITYHUB_WRITE | ORGANIZATION_READ,
            "off": PLATFORM_ACTIONS,
        }
        for mode, expected in cases.items():
            with self.subTest(mode=mode):
                self.assertEqual(self.actions(stack(RemediationMode=mode, Scope="organization")),
                                 expected)
                self.assertEqual(self.actions(stack(RemediationMode=mode, Scope="account",
                                                    Regions="us-east-1,eu-west-1")),
                                 expected - ORGANIZATION_READ - ORGANIZATION_WRITE)

    def test_trace_permission_only_with_active_tracing(self):
        self.assertEqual(stack().properties(FN)["TracingConfig"], {"Mode": "PassThrough"})
        self.assertFalse(self.actions(stack()) & TRACE_WRITE)
        active = stack(Tracing="Active")
        self.assertEqual(active.properties(FN)["TracingConfig"], {"Mode": "Active"})
        self.assertEqual(self.actions(active),
                         PLATFORM_ACTIONS | READ_ACTIONS | WRITE_ACTIONS | SECURITYHUB_WRITE | TRACE_WRITE)
        self.assertNotIn("ManagedPolicyArns", active.properties("ScanwardenFunctionRole"))

    def test_resources_are_scoped(self):
        st = stack(**EVERYTHING)
        expected = {
            "sns:Publish": st.ref("NotificationTopic"),
            "kms:GenerateDataKey": st.attr("NotificationKey", "Arn"),
            "kms:Decrypt": st.attr("NotificationKey", "Arn"),
            "logs:CreateLogStream": st.attr("ScanwardenLogGroup", "Arn"),
            "logs:PutLogEvents": st.attr("ScanwardenLogGroup", "Arn"),
            "sqs:SendMessage": st.attr("DeadLetterQueue", "Arn"),
            "securityhub:BatchUpdateFindings": "arn:aws:securityhub:us-east-1:123456789012:hub/default",
            "iam:CreateServiceLinkedRole": "arn:aws:iam::123456789012:role/aws-service-role/"
                                           "inspector2.amazonaws.com/AWSServiceRoleForAmazonInspector2",
        }
        for s in policy_statements(self.function_policy(st)):
            self.assertEqual(s["Effect"], "Allow")
            self.assertNotIn("NotAction", s)
            self.assertNotIn("NotResource", s)
            for a in as_list(s["Action"]):
                with self.subTest(action=a):
                    if a in RESOURCE_STAR_OK:
                        self.assertEqual(s["Resource"], "*")
                    else:
                        self.assertEqual(s["Resource"], expected[a])

    def test_service_linked_role_only_for_inspector(self):
        st = stack()
        (slr,) = [s for s in policy_statements(self.function_policy(st))
                  if "iam:CreateServiceLinkedRole" in as_list(s["Action"])]
        self.assertEqual(as_list(slr["Action"]), ["iam:CreateServiceLinkedRole"])
        self.assertEqual(slr["Condition"], {"StringEquals": {"iam:AWSServiceName": "inspector2.amazonaws.com"}})

    def test_key_used_only_through_sns(self):
        st = stack()
        (kms,) = [s for s in policy_statements(self.function_policy(st)) if "kms:Decrypt" in as_list(s["Action"])]
        self.assertEqual(kms["Condition"], {"StringEquals": {"kms:ViaService": "sns.us-east-1.amazonaws.com"}})

    def test_role_has_nothing_else(self):
        role = stack().properties("ScanwardenFunctionRole")
        self.assertNotIn("ManagedPolicyArns", role)
        self.assertEqual(len(role["Policies"]), 1)
        (trust,) = role["AssumeRolePolicyDocument"]["Statement"]
        self.assertEqual(trust["Principal"], {"Service": "lambda.amazonaws.com"})

    def test_no_wildcard_action_in_any_policy(self):
        for params in (EVERYTHING, {}, {"RemediationMode": "off"}):
            st = stack(**params)
            docs = all_policy_documents(st.resources())
            self.assertGreaterEqual(len(docs), 6)  # roles, key, topic, queue, bucket
            for where, doc in docs:
                for s in policy_statements(doc):
                    with self.subTest(policy=where, sid=s.get("Sid")):
                        self.assertNotIn("NotAction", s)
                        for a in as_list(s["Action"]):
                            self.assertNotIn("*", a)


class NotificationsAndAlarms(unittest.TestCase):
    def setUp(self):
        self.st = stack(**EVERYTHING)
        self.topic = self.st.ref("NotificationTopic")

    def test_topic_encrypted_with_its_own_key(self):
        self.assertEqual(self.st.properties("NotificationTopic")["KmsMasterKeyId"],
                         self.st.attr("NotificationKey", "Arn"))
        key = self.st.properties("NotificationKey")
        self.assertTrue(key["EnableKeyRotation"])
        stmts = key["KeyPolicy"]["Statement"]
        cw = [s for s in stmts if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
        self.assertEqual(len(cw), 1)
        self.assertEqual(set(as_list(cw[0]["Action"])), {"kms:GenerateDataKey", "kms:Decrypt"})
        root = [s for s in stmts if s["Principal"] == {"AWS": "arn:aws:iam::123456789012:root"}]
        self.assertEqual(len(root), 1)
        # Without these the key could not be managed or deleted with the stack.
        self.assertTrue({"kms:PutKeyPolicy", "kms:ScheduleKeyDeletion", "kms:DescribeKey",
                         "kms:EnableKeyRotation", "kms:TagResource"} <= set(root[0]["Action"]))

    def test_alarms_can_publish(self):
        (policy,) = self.st.resources("AWS::SNS::TopicPolicy").values()
        self.assertEqual(policy["Properties"]["Topics"], [self.topic])
        allow = [s for s in policy["Properties"]["PolicyDocument"]["Statement"] if s["Effect"] == "Allow"]
        self.assertEqual(len(allow), 1)
        self.assertEqual(allow[0]["Principal"], {"Service": "cloudwatch.amazonaws.com"})
        self.assertEqual(allow[0]["Action"], "sns:Publish")
        self.assertEqual(allow[0]["Condition"]["StringEquals"]["aws:SourceAccount"], "123456789012")

    def test_key_has_a_findable_alias_and_cloudwatch_is_held_to_this_account(self):
        (alias,) = self.st.resources("AWS::KMS::Alias").values()
        self.assertEqual(alias["Properties"], {"AliasName": "alias/scanwarden-" + self.st.stack_name,
                                               "TargetKeyId": self.st.ref("NotificationKey")})
        stmts = self.st.properties("NotificationKey")["KeyPolicy"]["Statement"]
        (cw,) = [s for s in stmts if s["Principal"] == {"Service": "cloudwatch.amazonaws.com"}]
        self.assertEqual(cw["Condition"], {"StringEquals": {"aws:SourceAccount": "123456789012"}})

    def test_subscribers_in_other_accounts_only_when_named(self):
        def subscribe_statements(st):
            (policy,) = st.resources("AWS::SNS::TopicPolicy").values()
            return [s for s in policy["Properties"]["PolicyDocument"]["Statement"]
                    if "sns:Subscribe" in as_list(s["Action"])]

        self.assertEqual(subscribe_statements(self.st), [])
        st = stack(SubscriberAccountIds="111122223333,444455556666")
        (sub,) = subscribe_statements(st)
        self.assertEqual(sub["Effect"], "Allow")
        self.assertEqual(sub["Principal"], {"AWS": ["111122223333", "444455556666"]})
        self.assertEqual(sub["Action"], "sns:Subscribe")
        self.assertEqual(sub["Resource"], st.ref("NotificationTopic"))
        for bad in ("12345", "111122223333, 444455556666", "111122223333,", "*"):
            with self.assertRaises(ValueError, msg=bad):
                stack(SubscriberAccountIds=bad)

    def test_dead_letter_queue_deletion_is_explicit(self):
        dlq = self.st.template["Resources"]["DeadLetterQueue"]
        self.assertEqual((dlq.get("DeletionPolicy"), dlq.get("UpdateReplacePolicy")), ("Delete", "Delete"))

    def test_alarms(self):
        alarms = {a["Properties"]["MetricName"]: a["Properties"]
                  for a in self.st.resources("AWS::CloudWatch::Alarm").values()}
        # The function's own metrics' alarms, the queue's age and the topic: test_alarms.py.
        self.assertEqual(set(alarms), {"Errors", "ApproximateNumberOfMessagesVisible",
                                       "ApproximateAgeOfOldestMessage", "ScheduledCheck",
                                       "RemediationFailed"})
        errors, dlq = alarms["Errors"], alarms["ApproximateNumberOfMessagesVisible"]
        self.assertEqual((errors["Namespace"], errors["Dimensions"]),
                         ("AWS/Lambda", [{"Name": "FunctionName", "Value": self.st.ref(FN)}]))
        self.assertEqual((dlq["Namespace"], dlq["Dimensions"]),
                         ("AWS/SQS", [{"Name": "QueueName", "Value": self.st.attr("DeadLetterQueue", "QueueName")}]))
        for a in (errors, dlq):
            self.assertEqual(a["AlarmActions"], [self.topic])
            self.assertEqual((a["Threshold"], a["ComparisonOperator"]), (1, "GreaterThanOrEqualToThreshold"))

    def test_email_subscription_only_when_given(self):
        (sub,) = self.st.resources("AWS::SNS::Subscription").values()
        self.assertEqual(sub["Properties"], {"TopicArn": self.topic, "Protocol": "email",
                                             "Endpoint": "ops@example.com"})
        self.assertEqual(stack().resources("AWS::SNS::Subscription"), {})

    def test_outputs(self):
        outputs = {k: self.st.resolve(v["Value"]) for k, v in self.st.template["Outputs"].items()}
        self.assertEqual(outputs["FunctionArn"], self.st.attr(FN, "Arn"))
        self.assertEqual(outputs["TopicArn"], self.topic)
        self.assertEqual(outputs["DeadLetterQueueUrl"], self.st.ref("DeadLetterQueue"))


class OptionalTrail(unittest.TestCase):
    def test_trail_only_when_asked(self):
        self.assertEqual(stack().resources("AWS::CloudTrail::Trail"), {})
        self.assertEqual(stack().resources("AWS::S3::Bucket"), {})

    def test_trail_can_write_to_its_bucket(self):
        st = stack(CreateTrail="true")
        (trail_id, trail), = st.resources("AWS::CloudTrail::Trail").items()
        props = trail["Properties"]
        self.assertEqual(props["S3BucketName"], st.ref("TrailBucket"))
        self.assertTrue(props["IsLogging"])
        self.assertIn("TrailBucketPolicy", as_list(trail.get("DependsOn", [])))
        sel = props["EventSelectors"][0]
        self.assertTrue(sel["IncludeManagementEvents"])
        self.assertIn(sel["ReadWriteType"], ("WriteOnly", "All"))
        trail_arn = st.attr(trail_id, "Arn")
        policy = st.properties("TrailBucketPolicy")["PolicyDocument"]
        allowed = {(s["Action"], s["Resource"]) for s in policy["Statement"]
                   if s["Effect"] == "Allow" and s["Principal"] == {"Service": "cloudtrail.amazonaws.com"}}
        bucket_arn = st.attr("TrailBucket", "Arn")
        self.assertEqual(allowed, {("s3:GetBucketAcl", bucket_arn),
                                   ("s3:PutObject", f"{bucket_arn}/AWSLogs/123456789012/*")})
        for s in policy["Statement"]:
            if s["Effect"] == "Allow":
                self.assertEqual(s["Condition"]["StringEquals"]["aws:SourceArn"], trail_arn)


if __name__ == "__main__":
    unittest.main()
