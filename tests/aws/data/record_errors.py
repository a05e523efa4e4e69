#!/usr/bin/env python3
"""Records real error answers from moto_server (IAM auth on) into tests/aws/data/errors/.

Run by hand when moto changes (python3 tests/aws/data/record_errors.py); the test
test_aws_errors replays every file in that folder. Each file holds the protocol, the
HTTP status, the headers that matter, the body, and what the parser must extract
(filled in from what botocore itself parsed from the same answer)."""
import json
import os
import sys
import urllib.error
import urllib.request

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import botocore.session

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "peers"))
from moto_peer import MotoPeer  # noqa: E402

KEEP = ("x-amzn-requestid", "x-amzn-errortype", "x-amz-request-id", "content-type")


def send(moto, creds, service, path, body, headers):
    url = moto.endpoint_url + path
    req = botocore.awsrequest.AWSRequest(method="POST", url=url, data=body, headers=headers)
    c = botocore.credentials.Credentials(creds["AccessKeyId"], creds["SecretAccessKey"],
                                         creds.get("SessionToken"))
    botocore.auth.SigV4Auth(c, service, moto.region).add_auth(req)
    prepared = urllib.request.Request(url, data=body.encode(), method="POST",
                                      headers=dict(req.headers.items()))
    try:
        with urllib.request.urlopen(prepared) as r:
            return r.status, r.headers, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers, e.read().decode()


def record(name, protocol, status, headers, body, expect):
    kept = {k: v for k, v in headers.items() if k.lower() in KEEP}
    with open(os.path.join(HERE, "errors", name + ".json"), "w", encoding="utf-8") as f:
        json.dump({"source": "moto 5.2 (recorded)", "protocol": protocol, "status": status,
                   "headers": kept, "body": body, "expect": expect}, f, indent=1)
        f.write("\n")


def main():
    with MotoPeer() as moto:
        topic, _ = moto.create_topic_with_queue("rec")
        nothing = moto.role_credentials("nothing", {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "sts:GetCallerIdentity", "Resource": "*"}]})
        wrong = dict(moto.admin, SecretAccessKey="not-the-secret")
        cases = [
            ("moto-inspector2-signature-mismatch", "restJson1", wrong, "inspector2",
             "/status/batch/get", '{"accountIds":["123456789012"]}',
             {"Content-Type": "application/json"}),
            ("moto-inspector2-access-denied", "restJson1", nothing, "inspector2", "/enable",
             '{"resourceTypes":["ECR"],"accountIds":["123456789012"]}',
             {"Content-Type": "application/json"}),
            ("moto-inspector2-get-configuration-404", "restJson1", moto.admin, "inspector2",
             "/configuration/get", "{}", {"Content-Type": "application/json"}),
            ("moto-ecr-access-denied", "awsJson1_1", nothing, "ecr", "/", "{}",
             {"Content-Type": "application/x-amz-json-1.1",
              "X-Amz-Target": "AmazonEC2ContainerRegistry_V20150921.GetRegistryScanningConfiguration"}),
            ("moto-ecr-repository-not-found", "awsJson1_1", moto.admin, "ecr", "/",
             '{"repositoryNames":["missing"]}',
             {"Content-Type": "application/x-amz-json-1.1",
              "X-Amz-Target": "AmazonEC2ContainerRegistry_V20150921.DescribeRepositories"}),
            ("moto-sns-not-found", "awsQuery", moto.admin, "sns", "/",
             "Action=Publish&Version=2010-03-31&TopicArn=" + topic.replace(":", "%3A") + "-missing"
             "&Message=hi", {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"}),
            ("moto-sns-invalid-parameter", "awsQuery", moto.admin, "sns", "/",
             "Action=Publish&Version=2010-03-31&TopicArn=" + topic.replace(":", "%3A") +
             "&Message=" + "x" * (262145), {"Content-Type": "application/x-www-form-urlencoded"}),
            ("moto-sns-access-denied", "awsQuery", nothing, "sns", "/",
             "Action=Publish&Version=2010-03-31&TopicArn=" + topic.replace(":", "%3A") +
             "&Message=hi", {"Content-Type": "application/x-www-form-urlencoded"}),
        ]
        for name, protocol, creds, service, path, body, headers in cases:
            status, hdrs, text = send(moto, creds, service, path, body, headers)
            expect = expected(service, status, hdrs, text)
            record(name, protocol, status, hdrs, text, expect)
            print(name, status, expect)


def expected(service, status, headers, text):
    """What botocore's own parser makes of the answer (code, message, request id)."""
    session = botocore.session.get_session()
    model = session.get_service_model(service)
    from botocore.parsers import create_parser
    parser = create_parser(model.metadata["protocol"])
    op = model.operation_model(model.operation_names[0])
    parsed = parser.parse({"status_code": status, "headers": dict(headers.items()),
                           "body": text.encode()}, op.output_shape)
    err = parsed.get("Error", {})
    meta = parsed.get("ResponseMetadata", {})
    out = {"code": err.get("Code", ""), "message": err.get("Message", ""),
           "request_id": meta.get("RequestId", "")}
    # scanwarden takes the request id from x-amzn-RequestId first (botocore's query
    # parser reads only the XML <RequestId>)
    header_id = {k.lower(): v for k, v in headers.items()}.get("x-amzn-requestid")
    if header_id:
        out["request_id"] = header_id
    if not out["code"].isdigit():
        return out
    # botocore's JSON parsers do not read XML bodies (docs/emulator-notes.md §5) and give the
    # status; scanwarden reads the XML <Error>, else names the status and describes the body.
    import xml.etree.ElementTree as ET
    try:
        root = ET.fromstring(text)
        error = root.find(".//Error")
        out["code"] = error.findtext("Code")
        out["message"] = error.findtext("Message")
    except ET.ParseError:
        out["code"] = "HTTP %d" % status
        out["message_contains"] = headers.get("Content-Type", "").split(";")[0]
        del out["message"]
    return out


if __name__ == "__main__":
    main()
