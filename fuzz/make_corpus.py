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

    # fuzz_aws_response: selector byte, then the parser's input (see fuzz_aws_response.c).
    sel = {"inspector2-batch-get-account-status.json": 3, "inspector2-enable.json": 4,
           "inspector2-get-configuration.json": 5, "inspector2-list-members.json": 6,
           "ecr-get-registry-scanning-configuration.json": 7,
           "ecr-put-registry-scanning-configuration.json": 8, "sns-publish.xml": 9}
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/aws/data/responses/*"))):
        name = os.path.basename(path)
        if name in sel:
            write("fuzz_aws_response", name, bytes([sel[name]]) + open(path, "rb").read())
    write("fuzz_aws_response", "sns-publish-as-xml.xml",
          bytes([10]) + open(os.path.join(ROOT, "tests/aws/data/responses/sns-publish.xml"),
                             "rb").read())
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
    proto = {"restJson1": 0, "awsJson1_1": 1, "awsQuery": 2}
    for path in sorted(glob.glob(os.path.join(ROOT, "tests/aws/data/errors/*.json"))):
        case = json.load(open(path))
        status = int(case.get("status", 400))
        headers = {k.lower(): v for k, v in case.get("headers", {}).items()}
        data = bytes([proto.get(case.get("protocol"), 0), status >> 8, status & 0xFF])
        data += (headers.get("x-amzn-errortype", "") + "\n").encode()
        data += (headers.get("x-amzn-requestid", "") + "\n").encode()
        data += (headers.get("content-type", "") + "\n").encode()
        data += case.get("body", "").encode()
        write("fuzz_aws_response", os.path.basename(path), data)
    write("fuzz_aws_response", "json-object", bytes([11]) + b'{"a":"x","n":1.5,"l":[1,2]}')
    write("fuzz_aws_response", "creds-time", bytes([12]) + b"2016-02-25T06:03:31.123+01:00")
    # The shapes AWS documents for STS GetCallerIdentity (query protocol) and SQS
    # ReceiveMessage (JSON 1.0), as tests/aws/test_wire.c checks them.
    write("fuzz_aws_response", "sts-get-caller-identity.xml", bytes([13]) + (
        b'<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">'
        b"<GetCallerIdentityResult><Arn>arn:aws:iam::123456789012:user/alice</Arn>"
        b"<UserId>AIDAEXAMPLE</UserId><Account>123456789012</Account>"
        b"</GetCallerIdentityResult><ResponseMetadata><RequestId>01234567-89ab</RequestId>"
        b"</ResponseMetadata></GetCallerIdentityResponse>"))
    write("fuzz_aws_response", "sqs-receive-message.json", bytes([14]) + json.dumps({
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
    write("fuzz_aws_response", "securityhub-batch-update-findings.json", bytes([15]) + json.dumps({
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
