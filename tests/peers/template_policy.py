"""The function's IAM policy from template.yaml, ready to grant in moto (tests).

docs/contract.md §7.3: the end-to-end tests run the function with exactly the policy
template.yaml gives its role. This module translates the template offline
(sam_template.py), takes the inline policy of the function's role with the
test's topic ARN, key ARN, account and region substituted, and applies what
moto needs (docs/emulator-notes.md):
  6. moto matches most actions against Resource "*": every statement scoped to
     the topic gets a "*" copy (only those, so other scoping still counts);
  7. moto ignores Conditions, so a conditional Deny would deny everything: such
     statements are dropped. Conditional Allows stay and become unconditional in
     moto (iam:CreateServiceLinkedRole is then not limited to Inspector there,
     kms:ViaService not checked); the template tests check the conditions.

Python: function_policy(topic_arn=..., env={"REMEDIATION_MODE": "dry-run"}).
CLI:    template_policy.py --topic-arn ARN [--env NAME=VALUE]... [-o policy.json]
Without env/parameters the policy is the widest the template can grant
(enforce mode, rescan duration managed), so any configuration runs under it.
"""

import argparse
import copy
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sam_template  # noqa: E402

ROLE_ID = "ScanwardenFunctionRole"

# docs/contract.md §3 variable -> template parameter.
ENV_TO_PARAMETER = {
    "MIN_SEVERITY": "MinSeverity",
    "REMEDIATION_MODE": "RemediationMode",
    "SCAN_FREQUENCY": "ScanFrequency",
    "REPOSITORY_FILTERS": "RepositoryFilters",
    "ECR_RESCAN_DURATION": "EcrRescanDuration",
    "SCOPE": "Scope",
    "REGIONS": "Regions",
    "AFFECTED_WORKLOADS": "AffectedWorkloads",
}

# The deployment whose policy grants the most: every action the function can call.
WIDEST_PARAMETERS = {"RemediationMode": "enforce", "EcrRescanDuration": "DAYS_30",
                     "Scope": "organization"}


def parameters_from_env(env):
    """Template parameters for a function environment (docs/contract.md §3 names).

    Values are normalised as the function does (trimmed; case-insensitive), so
    "  Dry-Run " picks the dry-run policy. Unknown names are ignored, and so are
    values the template would refuse (the function refuses them at init too):
    the parameter keeps its default."""
    declared = sam_template.load_sam_template()["Parameters"]
    params = {}
    for name, value in env.items():
        param = ENV_TO_PARAMETER.get(name)
        if param is None:
            continue
        value = value.strip()
        if param in ("RemediationMode", "Scope", "Regions", "AffectedWorkloads"):
            value = value.lower()
        elif param != "RepositoryFilters":
            value = value.upper()
        if sam_template.parameter_accepts(declared[param], value):
            params[param] = value
    return params


def statements(policy):
    st = policy.get("Statement", [])
    return [st] if isinstance(st, dict) else list(st)


def exact_policy(topic_arn=None, key_arn=None, account=sam_template.DEFAULT_ACCOUNT,
                 region=sam_template.DEFAULT_REGION, parameters=None, queue_arn=None,
                 log_group_arn=None):
    """The inline policy document of the function's role, resolved, as AWS gets it."""
    attrs = {}
    refs = {}
    if topic_arn:
        refs["NotificationTopic"] = topic_arn
    if key_arn:
        attrs["NotificationKey.Arn"] = key_arn
    if queue_arn:
        attrs["DeadLetterQueue.Arn"] = queue_arn
    if log_group_arn:
        attrs["ScanwardenLogGroup.Arn"] = log_group_arn
    stack = sam_template.Stack(parameters=parameters, account=account, region=region,
                               refs=refs, attrs=attrs)
    role = stack.properties(ROLE_ID)
    policies = role.get("Policies", [])
    if len(policies) != 1 or role.get("ManagedPolicyArns"):
        raise ValueError("the function role must have exactly one inline policy and no managed policy")
    return policies[0]["PolicyDocument"]


def for_moto(policy, topic_arn):
    """docs/emulator-notes.md §6 and §7 applied to a policy document (a new document)."""
    doc = copy.deepcopy(policy)
    kept = []
    for st in statements(doc):
        if st.get("Effect") == "Deny" and st.get("Condition"):
            continue  # 7: moto would apply it unconditionally
        kept.append(st)
    extra = []
    for st in kept:
        res = st.get("Resource")
        if res == topic_arn or (isinstance(res, list) and topic_arn in res):
            star = copy.deepcopy(st)
            star["Resource"] = "*"
            star["Sid"] = st.get("Sid", "") + "MotoResourceStar"
            extra.append(star)  # 6: moto evaluates sns:Publish against "*"
    doc["Statement"] = kept + extra
    return doc


def function_policy(topic_arn, key_arn=None, account=sam_template.DEFAULT_ACCOUNT,
                    region=sam_template.DEFAULT_REGION, parameters=None, env=None, moto=True,
                    queue_arn=None):
    """The policy the tests grant the function's role.

    parameters (template names) or env (variable names) choose the deployment;
    neither: WIDEST_PARAMETERS. moto=False returns the exact AWS policy. queue_arn: the
    dead-letter queue the test created (default: the template's made-up one)."""
    if parameters is None and env is None:
        params = dict(WIDEST_PARAMETERS)
    else:
        params = dict(parameters or {})
        params.update(parameters_from_env(env or {}))
    if key_arn is None:
        key_arn = f"arn:aws:kms:{region}:{account}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    policy = exact_policy(topic_arn=topic_arn, key_arn=key_arn, account=account,
                          region=region, parameters=params, queue_arn=queue_arn)
    return for_moto(policy, topic_arn) if moto else policy


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--topic-arn", required=True, help="the SNS topic the function publishes to")
    ap.add_argument("--key-arn", help="the topic's KMS key (default: a made-up key in the account)")
    ap.add_argument("--account", default=sam_template.DEFAULT_ACCOUNT)
    ap.add_argument("--region", default=sam_template.DEFAULT_REGION)
    ap.add_argument("--env", action="append", default=[], metavar="NAME=VALUE",
                    help="function environment (variable names), e.g. REMEDIATION_MODE=dry-run")
    ap.add_argument("--parameter", action="append", default=[], metavar="NAME=VALUE",
                    help="template parameter, e.g. RemediationMode=off")
    ap.add_argument("--exact", action="store_true", help="the AWS policy, without the moto adjustments")
    ap.add_argument("-o", "--output", help="write here instead of stdout")
    args = ap.parse_args(argv)

    def pairs(items, what):
        out = {}
        for item in items:
            if "=" not in item:
                ap.error(f"{what} {item!r}: expected NAME=VALUE")
            k, v = item.split("=", 1)
            out[k] = v
        return out

    env = pairs(args.env, "--env")
    params = pairs(args.parameter, "--parameter")
    chosen = bool(env or params)
    policy = function_policy(args.topic_arn, key_arn=args.key_arn, account=args.account,
                             region=args.region, parameters=params if chosen else None,
                             env=env if chosen else None, moto=not args.exact)
    text = json.dumps(policy, indent=2, sort_keys=True) + "\n"
    if args.output:
        with open(args.output, "w", encoding="utf-8") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
