"""The SAM CLI files at the root of the repository agree with template.yaml.

There is no SAM CLI here, so this checks what it would read:
  samconfig.toml  parses (tomllib); stack scanwarden, CAPABILITY_IAM, a confirmed change
                  set, resolve_s3; its commented parameter_overrides name every template
                  parameter once, nothing else, each at a value CloudFormation accepts
                  (the default); `sam local invoke` reads env.json.
  env.json        keyed by the function's logical id; every variable is one the template
                  sets on the function (`sam local invoke --env-vars` ignores others).
  events/         one sample per trigger for `sam local invoke -e`, each delivered to the
                  function by a rule (or the schedule) of the SAM-translated template, with
                  the account and region of env.json's topic; events/README.md names each.
The translation and the EventBridge matcher are tests/peers/sam_template.py and
tests/peers/eventpattern.py.
"""

import json
import os
import re
import sys
import tomllib
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("SW_SOURCE_DIR", os.path.abspath(os.path.join(HERE, "..", "..")))
sys.path.insert(0, os.path.join(SOURCE_DIR, "tests", "peers"))

import sam_template  # noqa: E402
from eventpattern import matches  # noqa: E402

FN = sam_template.FUNCTION_ID
EVENTS_DIR = os.path.join(SOURCE_DIR, "events")
# Each sample and the template resource that delivers it (default parameters).
DELIVERED_BY = {
    "scheduled.json": FN + "DriftCheck",
    "cloudtrail-inspector2-disable.json": FN + "ConfigChange",
    "cloudtrail-ecr-put-registry-scanning-configuration.json": FN + "ConfigChange",
    "ecr-scan-resource-change.json": FN + "ConfigChange",
    "securityhub-findings-imported.json": FN + "ComplianceChange",
    "config-rules-compliance-change.json": FN + "ComplianceChange",
    "inspector2-finding.json": FN + "Finding",
    "inspector2-scan.json": FN + "ScanAndCoverage",
    "inspector2-coverage.json": FN + "ScanAndCoverage",
    "ecr-image-scan.json": FN + "BasicScan",
}


def read_json(path):
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def override_block(text):
    """The commented `# parameter_overrides = [...]` of samconfig.toml, uncommented."""
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.startswith("# parameter_overrides = [")), None)
    if start is None:
        return None
    block = []
    for line in lines[start:]:
        if not line.startswith("#"):
            break
        block.append(line[1:].strip())
        if line.strip() == "# ]":
            break
    return "\n".join(block)


def split_override(item):
    """'Key="value"' (SAM CLI's parameter_overrides form) -> (Key, value)."""
    m = re.fullmatch(r'([A-Za-z0-9]+)="([^"]*)"', item)
    if not m:
        raise AssertionError("not Key=\"value\": %r" % item)
    return m.group(1), m.group(2)


class Samconfig(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        path = os.path.join(SOURCE_DIR, "samconfig.toml")
        with open(path, encoding="utf-8") as f:
            cls.text = f.read()
        cls.config = tomllib.loads(cls.text)
        cls.template = sam_template.load_sam_template()

    def deploy(self, key):
        default = self.config["default"]
        for section in ("deploy", "global"):
            params = default.get(section, {}).get("parameters", {})
            if key in params:
                return params[key]
        return None

    def test_deploy_settings(self):
        self.assertEqual(self.config.get("version"), 0.1)
        self.assertEqual(self.deploy("stack_name"), "scanwarden")
        self.assertEqual(self.deploy("capabilities"), "CAPABILITY_IAM")
        self.assertIs(self.deploy("confirm_changeset"), True)
        self.assertIs(self.deploy("resolve_s3"), True)
        # Overrides stay commented: the template's defaults apply until someone chooses.
        self.assertIsNone(self.deploy("parameter_overrides"))

    def test_commented_overrides_name_every_template_parameter_at_an_accepted_value(self):
        block = override_block(self.text)
        self.assertIsNotNone(block, "samconfig.toml has no commented parameter_overrides")
        items = tomllib.loads(block)["parameter_overrides"]
        pairs = [split_override(i) for i in items]
        names = [k for k, _ in pairs]
        declared = self.template["Parameters"]
        self.assertEqual(len(names), len(set(names)), "a parameter is named twice: %s" % names)
        self.assertEqual(set(names) - set(declared), set(), "not parameters of template.yaml")
        self.assertEqual(set(declared) - set(names), set(), "template parameters missing")
        for name, value in pairs:
            self.assertTrue(sam_template.parameter_accepts(declared[name], value),
                            "CloudFormation would refuse %s=%r" % (name, value))
            self.assertEqual(value, str(declared[name].get("Default", "")),
                             "%s: the commented value is not the template's default" % name)

    def test_local_invoke_reads_env_json(self):
        env_vars = self.config["default"]["local_invoke"]["parameters"]["env_vars"]
        self.assertTrue(os.path.isfile(os.path.join(SOURCE_DIR, env_vars)), env_vars)


class EnvJson(unittest.TestCase):
    def test_every_variable_is_one_the_template_sets_on_the_function(self):
        env = read_json(os.path.join(SOURCE_DIR, "env.json"))
        self.assertEqual(list(env), [FN], "env.json must be keyed by the function's logical id")
        template = sam_template.load_sam_template()
        self.assertEqual(template["Resources"][FN]["Type"], "AWS::Serverless::Function")
        # With the default parameters: the variables `sam local invoke` finds declared.
        variables = sam_template.Stack().properties(FN)["Environment"]["Variables"]
        self.assertTrue(env[FN], "env.json sets no variable")
        self.assertEqual(set(env[FN]) - set(variables), set(),
                         "not set by template.yaml on %s (sam local ignores them)" % FN)
        for name, value in env[FN].items():
            self.assertIsInstance(value, str, name)


class Events(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.stack = sam_template.Stack()
        cls.topic = read_json(os.path.join(SOURCE_DIR, "env.json"))[FN]["SNS_TOPIC_ARN"]

    def function_arn(self):
        return self.stack.attr(FN, "Arn")

    def delivering(self, event):
        """Logical ids of the enabled rules and schedules that send event to the function."""
        out = set()
        fn_arn = self.function_arn()
        for lid, res in self.stack.resources("AWS::Events::Rule").items():
            props = res["Properties"]
            if props.get("State", "ENABLED") != "ENABLED" or "EventPattern" not in props:
                continue
            if any(t.get("Arn") == fn_arn for t in props.get("Targets", [])) and matches(
                    props["EventPattern"], event):
                out.add(lid)
        for lid, res in self.stack.resources("AWS::Scheduler::Schedule").items():
            props = res["Properties"]
            target = props["Target"]
            if props.get("State", "ENABLED") == "ENABLED" and target["Arn"] == fn_arn and \
                    json.loads(target.get("Input", "{}")) == event:
                out.add(lid)
        return out

    def test_one_sample_per_trigger(self):
        names = sorted(n for n in os.listdir(EVENTS_DIR) if n.endswith(".json"))
        self.assertEqual(names, sorted(DELIVERED_BY))

    def test_every_sample_is_delivered_by_its_rule(self):
        for name, rule in DELIVERED_BY.items():
            with self.subTest(name):
                event = read_json(os.path.join(EVENTS_DIR, name))
                self.assertEqual(self.delivering(event), {rule})

    def test_samples_are_of_the_account_and_region_of_env_json(self):
        _, _, _, region, account, _ = self.topic.split(":", 5)
        for name in DELIVERED_BY:
            with self.subTest(name):
                event = read_json(os.path.join(EVENTS_DIR, name))
                text = json.dumps(event)
                if "account" in event:
                    self.assertEqual((event["account"], event["region"]), (account, region))
                others = set(re.findall(r"arn:aws:[a-z0-9-]+:([a-z]{2}(?:-[a-z]+)+-\d):(\d{12})", text))
                self.assertLessEqual(others, {(region, account)}, "ARNs of another region/account")

    def test_readme_gives_the_source_of_every_sample(self):
        with open(os.path.join(EVENTS_DIR, "README.md"), encoding="utf-8") as f:
            readme = f.read()
        for name in DELIVERED_BY:
            self.assertIn("`%s`" % name, readme)


if __name__ == "__main__":
    unittest.main()
