"""template.yaml, translated offline and resolved for one set of parameter values.

The tests need the CloudFormation that `sam deploy` would create, with the
intrinsic functions worked out, to check rule patterns and policies as AWS will
see them. This module runs the SAM translator locally (no AWS call: the managed
policy loader refuses to be used, CodeUri gets the S3 location `sam package`
would give it) and then resolves Ref, Fn::GetAtt, Fn::Sub, Fn::If, Fn::FindInMap,
conditions and AWS::NoValue against parameters and made-up physical ids. It
does not deploy anything, and it only knows the resource types the template uses.
"""

import copy
import functools
import json
import logging
import os
import re

SOURCE_DIR = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
TEMPLATE = os.path.join(SOURCE_DIR, "template.yaml")
FUNCTION_ID = "ScanwardenFunction"

DEFAULT_ACCOUNT = "123456789012"
DEFAULT_REGION = "us-east-1"
DEFAULT_STACK = "scanwarden"

# The translator's metrics go to a dummy publisher; its "unpublished metrics"
# warning is noise here.
logging.getLogger("samtranslator.metrics.metrics").setLevel(logging.ERROR)

# Physical ids CloudFormation would generate, as "<stack>-<LogicalId>-<suffix>".
_SUFFIX = "EXAMPLE1A2B3"


class NoValue:
    """AWS::NoValue: the property or list item it stands for disappears."""


class _ManagedPolicyLoaderThatRefuses:
    """The template names no AWS managed policy; asking IAM would be a network call."""

    def load(self):
        raise RuntimeError("template.yaml must not need AWS managed policies (offline translation)")


def _partition(region):
    if region.startswith("cn-"):
        return "aws-cn"
    if region.startswith("us-gov-"):
        return "aws-us-gov"
    return "aws"


def parameter_accepts(decl, value):
    """Whether CloudFormation accepts value for a parameter declared as decl."""
    value = str(value)
    if "AllowedValues" in decl and value not in [str(v) for v in decl["AllowedValues"]]:
        return False
    if "AllowedPattern" in decl and re.fullmatch(decl["AllowedPattern"], value) is None:
        return False
    if not decl.get("MinLength", 0) <= len(value) <= decl.get("MaxLength", 4096):
        return False
    return True


def load_sam_template(path=TEMPLATE):
    """The template as the SAM translator parses it (its YAML loader knows the ! tags)."""
    from samtranslator.yaml_helper import yaml_parse

    with open(path, encoding="utf-8") as f:
        return yaml_parse(f.read())


@functools.lru_cache(maxsize=32)
def _translate_cached(path, params_json, region):
    from samtranslator.translator.transform import transform

    template = load_sam_template(path)
    # What `sam package` does: the code is uploaded and CodeUri becomes an S3 URI.
    for res in template.get("Resources", {}).values():
        if res.get("Type") == "AWS::Serverless::Function":
            res.setdefault("Properties", {})["CodeUri"] = "s3://scanwarden-artifacts/scanwarden.zip"
    params = json.loads(params_json)
    params.setdefault("AWS::Region", region)
    params.setdefault("AWS::Partition", _partition(region))
    # The translator opens a boto3 session only to learn the region: give it one.
    old = os.environ.get("AWS_DEFAULT_REGION")
    os.environ["AWS_DEFAULT_REGION"] = region
    try:
        out = transform(template, params, _ManagedPolicyLoaderThatRefuses())
    finally:
        if old is None:
            del os.environ["AWS_DEFAULT_REGION"]
        else:
            os.environ["AWS_DEFAULT_REGION"] = old
    return json.dumps(out)


def translate(parameters=None, region=DEFAULT_REGION, path=TEMPLATE):
    """The translated (plain CloudFormation) template, intrinsics left in place."""
    return json.loads(_translate_cached(path, json.dumps(parameters or {}, sort_keys=True), region))


class Stack:
    """The translated template resolved as CloudFormation would for one deployment.

    parameters: template parameter values (the template's defaults fill the rest).
    refs / attrs: physical values to use instead of the made-up ones, keyed by
    logical id ("NotificationTopic") and "LogicalId.Attribute" ("NotificationKey.Arn").
    """

    def __init__(self, parameters=None, account=DEFAULT_ACCOUNT, region=DEFAULT_REGION,
                 stack_name=DEFAULT_STACK, refs=None, attrs=None, path=TEMPLATE):
        self.account = account
        self.region = region
        self.partition = _partition(region)
        self.stack_name = stack_name
        self.template = translate(parameters, region, path)
        self.params = {}
        for name, decl in self.template.get("Parameters", {}).items():
            if "Default" in decl:
                self.params[name] = str(decl["Default"])
        for name, value in (parameters or {}).items():
            decl = self.template.get("Parameters", {}).get(name)
            if decl is None:
                raise KeyError(f"template.yaml has no parameter {name!r}")
            if not parameter_accepts(decl, value):
                raise ValueError(f"CloudFormation would refuse {name}={value!r}")
            self.params[name] = str(value)
        self.params.update({
            "AWS::AccountId": account,
            "AWS::Region": region,
            "AWS::Partition": self.partition,
            "AWS::StackName": stack_name,
            "AWS::StackId": f"arn:{self.partition}:cloudformation:{region}:{account}:stack/{stack_name}/"
                            "00000000-0000-0000-0000-000000000000",
            "AWS::URLSuffix": "amazonaws.com",
        })
        self._refs = dict(refs or {})
        self._attrs = dict(attrs or {})
        self._conditions = {}
        for name in self.template.get("Conditions", {}):
            self.condition(name)

    # ---------------------------------------------------------------- values
    def _physical_name(self, logical_id):
        # CloudFormation shortens the stack-name part to fit the type's limit
        # (64 characters for IAM roles; 80 for SQS queues; 64 for rules).
        limit = 64 if self._resource(logical_id)["Type"] in ("AWS::IAM::Role", "AWS::Events::Rule") else 80
        tail = f"-{logical_id}-{_SUFFIX}"
        return self.stack_name[:max(1, limit - len(tail))] + tail

    def _resource(self, logical_id):
        try:
            return self.template["Resources"][logical_id]
        except KeyError:
            raise KeyError(f"no resource {logical_id!r} in the translated template") from None

    def ref(self, logical_id):
        """Ref of a parameter, pseudo parameter or resource."""
        if logical_id in self.params:
            return self.params[logical_id]
        if logical_id == "AWS::NoValue":
            return NoValue
        if logical_id in self._refs:
            return self._refs[logical_id]
        rtype = self._resource(logical_id)["Type"]
        name = self._physical_name(logical_id)
        p, r, a = self.partition, self.region, self.account
        if rtype == "AWS::SNS::Topic":
            return f"arn:{p}:sns:{r}:{a}:{name}"
        if rtype == "AWS::SQS::Queue":
            return f"https://sqs.{r}.amazonaws.com/{a}/{name}"
        if rtype == "AWS::KMS::Key":
            return self.attr(logical_id, "KeyId")
        if rtype == "AWS::Logs::LogGroup":
            props = self.resolve(self._resource(logical_id).get("Properties", {}))
            return props.get("LogGroupName", name)
        if rtype == "AWS::CloudTrail::Trail":
            props = self.resolve(self._resource(logical_id).get("Properties", {}))
            return props.get("TrailName", name)
        if rtype == "AWS::S3::Bucket":
            return name.lower()
        return name

    def attr(self, logical_id, attribute):
        """Fn::GetAtt of a resource."""
        key = f"{logical_id}.{attribute}"
        if key in self._attrs:
            return self._attrs[key]
        rtype = self._resource(logical_id)["Type"]
        p, r, a = self.partition, self.region, self.account
        name = self._physical_name(logical_id)
        table = {
            ("AWS::IAM::Role", "Arn"): lambda: f"arn:{p}:iam::{a}:role/{name}",
            ("AWS::KMS::Key", "Arn"): lambda: f"arn:{p}:kms:{r}:{a}:key/{self.attr(logical_id, 'KeyId')}",
            ("AWS::KMS::Key", "KeyId"): lambda: "1234abcd-12ab-34cd-56ef-1234567890ab",
            ("AWS::SQS::Queue", "Arn"): lambda: f"arn:{p}:sqs:{r}:{a}:{self.attr(logical_id, 'QueueName')}",
            ("AWS::SQS::Queue", "QueueName"): lambda: self.ref(logical_id).rsplit("/", 1)[1],
            ("AWS::SNS::Topic", "TopicArn"): lambda: self.ref(logical_id),
            ("AWS::Events::Rule", "Arn"): lambda: f"arn:{p}:events:{r}:{a}:rule/{name}",
            ("AWS::Logs::LogGroup", "Arn"): lambda: f"arn:{p}:logs:{r}:{a}:log-group:{self.ref(logical_id)}:*",
            ("AWS::Lambda::Function", "Arn"): lambda: f"arn:{p}:lambda:{r}:{a}:function:{name}",
            ("AWS::S3::Bucket", "Arn"): lambda: f"arn:{p}:s3:::{self.ref(logical_id)}",
            ("AWS::CloudWatch::Alarm", "Arn"): lambda: f"arn:{p}:cloudwatch:{r}:{a}:alarm:{name}",
            ("AWS::CloudTrail::Trail", "Arn"):
                lambda: f"arn:{p}:cloudtrail:{r}:{a}:trail/{self.ref(logical_id)}",
        }
        try:
            return table[(rtype, attribute)]()
        except KeyError:
            raise KeyError(f"no made-up value for {rtype} {key}") from None

    # ------------------------------------------------------------ conditions
    def condition(self, name):
        if name not in self._conditions:
            self._conditions[name] = None  # a cycle would show up as None below
            value = self._eval_condition(self.template["Conditions"][name])
            if not isinstance(value, bool):
                raise ValueError(f"condition {name} is not a boolean")
            self._conditions[name] = value
        value = self._conditions[name]
        if value is None:
            raise ValueError(f"condition {name} refers to itself")
        return value

    def _eval_condition(self, node):
        if isinstance(node, dict) and len(node) == 1:
            (fn, arg), = node.items()
            if fn == "Condition":
                return self.condition(arg)
            if fn == "Fn::Equals":
                a, b = (self.resolve(x) for x in arg)
                return str(a) == str(b)
            if fn == "Fn::Not":
                return not self._eval_condition(arg[0])
            if fn == "Fn::And":
                return all(self._eval_condition(x) for x in arg)
            if fn == "Fn::Or":
                return any(self._eval_condition(x) for x in arg)
        raise ValueError(f"unsupported condition {node!r}")

    def has(self, logical_id):
        """Whether the resource exists in this deployment (its Condition holds)."""
        res = self.template["Resources"].get(logical_id)
        if res is None:
            return False
        return "Condition" not in res or self.condition(res["Condition"])

    # -------------------------------------------------------------- resolve
    def resolve(self, node):
        """node with every intrinsic function replaced by its value."""
        if isinstance(node, list):
            out = [self.resolve(x) for x in node]
            return [x for x in out if x is not NoValue]
        if not isinstance(node, dict):
            return node
        if len(node) == 1:
            (key, arg), = node.items()
            if key == "Ref":
                return self.ref(arg)
            if key == "Fn::GetAtt":
                logical_id, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.attr(logical_id, attribute)
            if key == "Fn::Sub":
                return self._sub(arg)
            if key == "Fn::If":
                cond, yes, no = arg
                return self.resolve(yes if self.condition(cond) else no)
            if key == "Fn::FindInMap":
                m, k1, k2 = (self.resolve(x) for x in arg)
                return copy.deepcopy(self.template["Mappings"][m][k1][k2])
            if key == "Fn::Join":
                sep, items = arg
                return sep.join(str(x) for x in self.resolve(items))
            if key == "Fn::Select":
                index, items = arg
                return self.resolve(items)[int(self.resolve(index))]
            if key == "Fn::Split":
                sep, text = arg
                return self.resolve(text).split(sep)
            if key.startswith("Fn::") or key == "Condition":
                raise ValueError(f"unsupported intrinsic {key}")
        out = {}
        for k, v in node.items():
            value = self.resolve(v)
            if value is not NoValue:
                out[k] = value
        return out

    def _sub(self, arg):
        if isinstance(arg, list):
            text, local = arg[0], {k: self.resolve(v) for k, v in arg[1].items()}
        else:
            text, local = arg, {}

        def one(m):
            name = m.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in local:
                return str(local[name])
            if "." in name and name.split(".", 1)[0] in self.template["Resources"]:
                return str(self.attr(*name.split(".", 1)))
            return str(self.ref(name))

        return re.sub(r"\$\{([^}]+)\}", one, text)

    # ------------------------------------------------------------- shortcuts
    def resources(self, rtype=None):
        """{logical id: resolved resource} of the resources this deployment creates."""
        out = {}
        for logical_id, res in self.template["Resources"].items():
            if (rtype is None or res["Type"] == rtype) and self.has(logical_id):
                out[logical_id] = self.resolve(res)
        return out

    def properties(self, logical_id):
        return self.resolve(self._resource(logical_id).get("Properties", {}))
