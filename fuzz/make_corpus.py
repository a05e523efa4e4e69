#!/usr/bin/env python3
"""Writes the seed corpora in fuzz/corpus/<target>/ from the project's sample data.

Seeds: tests/data/events (events), tests/aws/data (recorded AWS answers and error bodies),
tests/aws/sigv4-test-suite (requests), plus a few hand-written configuration and Runtime
API header inputs. Each file is small; rerun this script after the samples change.
Usage: python3 fuzz/make_corpus.py
"""
import glob
import json
import os
import re
import shutil

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EVENTS = os.path.join(ROOT, "tests", "data", "events")
SIGV4_SUITE = os.path.join(ROOT, "tests", "aws", "sigv4-test-suite")
OUT = os.path.join(ROOT, "fuzz", "corpus")


def write(target, name, data):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def selectors(source, enum):
    """The values of a C enum's members (NAME = 0, then one more each) in fuzz/<source>: the
    selector byte of each parser, so a seed keeps its parser when the enum grows."""
    text = open(os.path.join(ROOT, "fuzz", source)).read()
    body = re.search(r"enum %s \{(.*?)\};" % enum, text, re.S).group(1)
    values, nxt = {}, 0
    for item in body.split(","):
        m = re.match(r"\s*(\w+)\s*(?:=\s*(\d+))?\s*$", item)
        if m:
            nxt = int(m.group(2)) if m.group(2) else nxt
            values[m.group(1)] = nxt
            nxt += 1
    return values


def profile_seeds():
    """fuzz_profile: op byte (enum op in fuzz_profile.c), then its input; "$S" stands for the
    target's planted secret."""
    op = selectors("fuzz_profile.c", "op")

    def files(name, credentials, config=None, flags=0, index=0):
        data = bytes([op["OP_PROFILE"], flags, index]) + credentials
        if config is not None:
            data += b"\0" + config
        write("fuzz_profile", name, data)

    name_by_byte, name_from_input, first_is_config = 1 << 1, 2 << 1, 1
    files("static-keys",
          b"# comment\n; another\n[other]\naws_access_key_id = AKIAOTHER\n"
          b"aws_secret_access_key = other\n\n[default]\naws_access_key_id = AKIADEFAULT\n"
          b"aws_secret_access_key = $S\r\naws_session_token = tok\nregion = eu-west-1\n"
          b"unknown_key = ignored\n",
          b"[default]\nregion = eu-west-1\noutput = json\n")
    files("config-prefix-and-precedence", b"[dev]\naws_access_key_id = AKIACREDS\n",
          b"[dev]\naws_access_key_id = AKIAWRONG\n[profile dev]\naws_access_key_id = AKIACONFIG\n"
          b"aws_secret_access_key = $S\naws_session_token = configtoken\n"
          b"[profile\tdev]\nrole_arn = x\n[sso-session dev]\nsso_region = us-east-1\n",
          flags=name_by_byte, index=1)
    files("credential-process", b"",
          b"[profile ops]\ncredential_process = \"/opt/bin/creds helper\" --profile ops "
          b"\"a \\\"quoted\\\" arg\"\n",
          flags=name_by_byte, index=4)
    # the first line is the profile name (bits 1-2 = 2)
    write("fuzz_profile", "name-from-input",
          bytes([op["OP_PROFILE"], name_from_input, 0]) +
          b"prod west\n[prod west]\naws_access_key_id=AKIAPROD\naws_secret_access_key=$S\n"
          b"\0[profile prod west]\ncredential_process = /bin/creds\n")
    files("role-arn-source-profile",
          b"[default]\naws_access_key_id = AKIASOURCE\naws_secret_access_key = $S\n",
          b"[profile dev]\nrole_arn = arn:aws:iam::123456789012:role/ops\n"
          b"source_profile = default\nrole_session_name = ignored\n"
          b"s3 =\n  max_concurrent_requests = 20\n",
          flags=name_by_byte, index=1)
    files("config-first", b"[default]\naws_access_key_id = A\n[profile default]\n"
          b"aws_secret_access_key = $S\n", flags=first_is_config)
    files("malformed-header", b"[default\naws_access_key_id = A\naws_secret_access_key = $S\n")
    files("control-character", b"[default]\naws_secret_access_key = $S\x01\n"
          b"source_profile = dev\x1b[2J\n")
    files("long-line", b"[default]\naws_access_key_id = " + b"A" * 4100 + b"\n")
    files("long-secret", b"[default]\naws_secret_access_key = $S" + b"x" * 300 + b"\n")
    files("keys-half", b"[default]\naws_access_key_id = AKIAONLY\n", b"[default]\n")

    def process(name, doc):
        write("fuzz_profile", "process-" + name, bytes([op["OP_PROCESS_JSON"]]) + doc)

    process("full", b'{"Version": 1, "AccessKeyId": "AKIAPROC", "SecretAccessKey": "$S", '
            b'"SessionToken": "proctoken", "Expiration": "2999-01-01T00:00:00Z"}')
    process("minimal", b'{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "$S"}')
    process("version-2", b'{"Version": 2, "AccessKeyId": "A", "SecretAccessKey": "$S"}')
    process("no-secret", b'{"Version": 1, "AccessKeyId": "A"}')
    process("bad-expiration", b'{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "$S", '
            b'"Expiration": "$S"}')
    process("epoch-expiration", b'{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "$S", '
            b'"Expiration": "1970-01-01T00:00:00Z"}')
    process("control", b'{"Version": 1, "AccessKeyId": "A", "SecretAccessKey": "$S\\u0007"}')
    process("not-json", b"$S\n")

    def split(name, cap, max_, command):
        write("fuzz_profile", "split-" + name, bytes([op["OP_SPLIT"], cap, max_]) + command)

    full = 0x80  # the product's buffers (SW_PROFILE_MAX_VALUE + 1, SW_PROCESS_MAX_ARGS + 1)
    split("quoted", full, full, b'"/opt/my creds/bin" --flag "a \\"b\\" \\\\ c"\t""')
    split("unclosed", full, full, b'creds "unclosed')
    split("too-many-words", full, full, b" ".join([b"w"] * 65))
    split("full-then-empty-word", full, full, b"a" * 2048 + b' ""')
    split("small-then-empty-word", 4, 3, b'abc ""')


def events():
    return sorted(glob.glob(os.path.join(EVENTS, "**", "*.json"), recursive=True))


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    for path in events():
        data = open(path, "rb").read()
        name = os.path.basename(path)
        write("fuzz_events", name, data)
        # fuzz_function: config byte (mode, MIN_SEVERITY), state byte, payload.
        write("fuzz_function", "enforce-low-disabled-" + name, bytes([6, 2]) + data)
        write("fuzz_function", "dryrun-crit-basic-denied-" + name, bytes([16, 0x19]) + data)
    write("fuzz_events", "trigger-schedule.json", b'{"trigger":"schedule"}')
    write("fuzz_function", "trigger-schedule", bytes([0x80, 0x92]) + b'{"trigger":"schedule"}')

    # fuzz_aws_response: selector byte (enum parser in fuzz_aws_response.c), then the input.
    P = selectors("fuzz_aws_response.c", "parser")
    assert all(P[k] < P["P_COUNT"] for k in P if k != "P_COUNT")
    sel = {"inspector2-batch-get-account-status.json": P["P_INSPECTOR2_ACCOUNT_STATUS"],
           "inspector2-enable.json": P["P_INSPECTOR2_ENABLE"],
           "inspector2-get-configuration.json": P["P_INSPECTOR2_CONFIGURATION"],
           "inspector2-list-members.json": P["P_INSPECTOR2_MEMBERS"],
           "ecr-get-registry-scanning-configuration.json": P["P_ECR_GET"],
           "ecr-put-registry-scanning-configuration.json": P["P_ECR_PUT"],
           "sns-publish.xml": P["P_SNS_PUBLISH"]}
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/aws/data/responses/*"))):
        name = os.path.basename(path)
        if name in sel:
            write("fuzz_aws_response", name, bytes([sel[name]]) + open(path, "rb").read())
    write("fuzz_aws_response", "sns-publish-as-xml.xml",
          bytes([P["P_XML"]]) + open(os.path.join(ROOT, "tests/aws/data/responses/sns-publish.xml"),
                                     "rb").read())
    # STS AssumeRole (awsQuery): the answer tests/aws/test_credentials_profile.c reads, the
    # shape of the STS API reference's example (indented, AssumedRoleUser first), and one
    # without its SessionToken.
    assume = P["P_STS_ASSUME_ROLE"]
    write("fuzz_aws_response", "sts-assume-role.xml", bytes([assume]) + (
        b'<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        b"<AssumeRoleResult><Credentials><AccessKeyId>ASIAROLE</AccessKeyId>"
        b"<SecretAccessKey>rolesecret</SecretAccessKey><SessionToken>roletoken</SessionToken>"
        b"<Expiration>2999-01-01T00:00:00Z</Expiration></Credentials>"
        b"<AssumedRoleUser><Arn>x</Arn></AssumedRoleUser></AssumeRoleResult>"
        b"</AssumeRoleResponse>"))
    write("fuzz_aws_response", "sts-assume-role-reference.xml", bytes([assume]) + (
        b'<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">\n'
        b"<AssumeRoleResult>\n  <SourceIdentity>Alice</SourceIdentity>\n  <AssumedRoleUser>\n"
        b"    <Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn>\n"
        b"    <AssumedRoleId>ARO123EXAMPLE123:TestAR</AssumedRoleId>\n  </AssumedRoleUser>\n"
        b"  <Credentials>\n    <AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId>\n"
        b"    <SecretAccessKey>wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey>\n"
        b"    <SessionToken>AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQW"
        b"LWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp"
        b"2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38"
        b"xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oL"
        b"xBA==</SessionToken>\n    <Expiration>2019-11-09T13:34:41Z</Expiration>\n"
        b"  </Credentials>\n  <PackedPolicySize>6</PackedPolicySize>\n</AssumeRoleResult>\n"
        b"<ResponseMetadata>\n<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
        b"</ResponseMetadata>\n</AssumeRoleResponse>\n"))
    write("fuzz_aws_response", "sts-assume-role-no-token.xml", bytes([assume]) + (
        b"<AssumeRoleResponse><AssumeRoleResult><Credentials>"
        b"<AccessKeyId>A</AccessKeyId><SecretAccessKey>B</SecretAccessKey>"
        b"<Expiration>2999-01-01T00:00:00Z</Expiration></Credentials>"
        b"</AssumeRoleResult></AssumeRoleResponse>"))

    # fuzz_aws (every parser on the same bytes): the raw answers and error bodies.
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/aws/data/responses/*"))):
        write("fuzz_aws", os.path.basename(path), open(path, "rb").read())
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/aws/data/errors/*.json"))):
        write("fuzz_aws", "error-" + os.path.basename(path),
              json.load(open(path)).get("body", "").encode())
    # the same bytes are also read as the X-Ray trace header (handler/aws/xray.c)
    write("fuzz_aws", "trace-header-sampled.txt",
          b"Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;"
          b"Lineage=a87bd80c:1")
    proto = {"restJson1": P["P_ERROR_REST_JSON1"], "awsJson1_1": P["P_ERROR_JSON_1_1"],
             "awsQuery": P["P_ERROR_QUERY"]}
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/aws/data/errors/*.json"))):
        case = json.load(open(path))
        status = int(case.get("status", 400))
        headers = {k.lower(): v for k, v in case.get("headers", {}).items()}
        data = bytes([proto.get(case.get("protocol"), P["P_ERROR_REST_JSON1"]), status >> 8, status & 0xFF])
        data += (headers.get("x-amzn-errortype", "") + "\n").encode()
        data += (headers.get("x-amzn-requestid", "") + "\n").encode()
        data += (headers.get("content-type", "") + "\n").encode()
        data += case.get("body", "").encode()
        write("fuzz_aws_response", os.path.basename(path), data)
    write("fuzz_aws_response", "json-object", bytes([P["P_JSON_OBJECT"]]) + b'{"a":"x","n":1.5,"l":[1,2]}')
    write("fuzz_aws_response", "creds-time", bytes([P["P_CREDS_TIME"]]) + b"2016-02-25T06:03:31.123+01:00")
    # The shapes AWS documents for STS GetCallerIdentity (query protocol) and SQS
    # ReceiveMessage (JSON 1.0), as tests/aws/test_wire.c checks them.
    write("fuzz_aws_response", "sts-get-caller-identity.xml", bytes([P["P_STS_CALLER_IDENTITY"]]) + (
        b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        b"<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>"
        b"<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>"
        b"</GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab</RequestId>"
        b"</ResponseMetadata></GetCallerIdentityResponse>"))
    write("fuzz_aws_response", "sqs-receive-message.json", bytes([P["P_SQS_RECEIVE"]]) + json.dumps({
        "Messages": [{"MessageId": "5fea7756-0ea4-451a-a703-a558b933e274",
                      "ReceiptHandle": "MbZj6wDWli+JvwwJaBV+3dcjk2YW2vA3+STFFljTM8tJJg6HRG6PYSasuWXPJB+Cw",
                      "MD5OfBody": "fafb00f5732ab283681e124bf8747ed1",
                      "Body": "{\"version\":1}",
                      "MessageAttributes": {
                          "scanwarden-parked": {"DataType": "String", "StringValue": "1"},
                          "scanwarden-reason": {"DataType": "String",
                                                "StringValue": "sns:Publish: NotFound"}}}]
    }).encode())
    # Security Hub BatchUpdateFindings: the answer's documented shape, one finding unprocessed.
    write("fuzz_aws_response", "securityhub-batch-update-findings.json",
          bytes([P["P_SECURITYHUB_BATCH_UPDATE"]]) + json.dumps({
        "ProcessedFindings": [{
            "Id": "arn:aws:inspector2:us-east-1:111122223333:finding/0a1b2c3d4e5f",
            "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/inspector"}],
        "UnprocessedFindings": [{
            "FindingIdentifier": {
                "Id": "arn:aws:inspector2:us-east-1:111122223333:finding/ffffffffffff",
                "ProductArn": "arn:aws:securityhub:us-east-1::product/aws/inspector"},
            "ErrorCode": "FindingNotFound",
            "ErrorMessage": "The finding was not found"}]
    }).encode())

    # fuzz_sigv4: flags byte, method, path, query, headers, empty line, body.
    for case in sorted(glob.glob(os.path.join(SIGV4_SUITE, "v4/**/request.txt"),
                                 recursive=True)):
        text = open(case, "rb").read().replace(b"\r\n", b"\n")
        head, _, body = text.partition(b"\n\n")
        lines = head.split(b"\n")
        method, _, rest = lines[0].partition(b" ")
        target = rest.rsplit(b" ", 1)[0]
        path, _, query = target.partition(b"?")
        data = bytes([0x30]) + b"\n".join([method, path, query] + lines[1:]) + b"\n\n" + body
        name = os.path.basename(os.path.dirname(case))
        write("fuzz_sigv4", name, data)

    # fuzz_config: selector byte (index into NAMES in fuzz_config.c) + value, per line.
    configs = {
        "defaults": [(0, "arn:aws:sns:eu-west-1:123456789012:alerts")],
        "everything": [(0, "arn:aws-us-gov:sns:us-gov-west-1:123456789012:a-b_c"),
                       (1, " critical "), (2, "DRY-RUN"), (3, "scan_on_push"),
                       (4, "prod-*, Web/*,*"), (5, "days_14"), (6, "organization"),
                       (7, "eu-west-1,us-east-1"), (8, "chatbot"), (9, "0.25"), (10, "50")],
        "bad-mode": [(0, "arn:aws:sns:eu-west-1:123456789012:alerts"), (2, "enfoce\x1b[31m")],
        "bad-arn": [(0, "arn:aws:sqs:eu-west-1:123456789012:q")],
    }
    for name, pairs in configs.items():
        write("fuzz_config", name, b"\n".join(bytes([i]) + v.encode() for i, v in pairs))

    profile_seeds()

    # fuzz_runtime: a /next answer's header lines, as lr_http.c reads them.
    write("fuzz_runtime", "next-headers",
          b"HTTP/1.1 200 OK\r\nLambda-Runtime-Aws-Request-Id: 8476a536-e9f4-11e8-9739-2dfe598c3fcd\r\n"
          b"Lambda-Runtime-Deadline-Ms: 1542409706888\r\n"
          b"Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-2:123456789012:function:f\r\n"
          b"Lambda-Runtime-Trace-Id: Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1\r\n"
          b"Content-Length: 2\r\nContent-Type: application/json\r\n\r\n")
    write("fuzz_runtime", "bad-headers",
          b"lambda-runtime-aws-request-id:  ../x\r\nLambda-Runtime-Deadline-Ms: 99999999999999999999\r\n"
          b"Content-Length: -1\r\n")
    write("fuzz_runtime", "framing",
          b"HTTP/1.0 100 Continue\r\nTransfer-Encoding: gzip, chunked\r\nConnection: keep-alive, close\r\n"
          b"1a2b;ext=1\r\n0\r\nfffffffffffffff\r\n127.0.0.1:9001\n[::1]:9001\nlocalhost\nhost:65536\n")
    write("fuzz_runtime", "utf8", "Ünïcødé \u2028 \"quote\" \\ \x01 \xff".encode("utf-8", "surrogateescape"))


if __name__ == "__main__":
    main()
