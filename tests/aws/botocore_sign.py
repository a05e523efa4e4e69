#!/usr/bin/env python3
"""Signs the requests described in a JSON file with botocore's own SigV4 signer.

Used by test_sigv4_botocore: the C test writes generated requests, this script signs
each with botocore.auth.SigV4Auth (or S3SigV4Auth for the S3-style cases) at the
case's fixed time, and writes the Authorization header and canonical request back,
so the C signer is compared with the reference implementation, not with itself.

A case's "query_mode" says how botocore gets the query:
- "url" (default): in the URL, as an SDK sends it. botocore then signs the query string
  verbatim (split on '&' and '=', sorted, not re-encoded): right for the canonically
  encoded queries an SDK serializer produces, which is what the generated cases hold.
- "decoded": as the parameters a service reads from the wire query: split on '&', then
  on the first '=', each side percent-decoded per RFC 3986 (urllib.parse.unquote: '+'
  stays a plus, a '%' without two hex digits stays a literal '%'). botocore then
  URI-encodes each name and value itself and sorts them, which is the canonical query
  string the AWS documentation defines ("Create a signed AWS API request", IAM User
  Guide: UriEncode every byte but A-Z a-z 0-9 - . _ ~, uppercase hex, space as %20,
  names and values encoded separately, sorted after encoding) and that the service
  recomputes to verify. Used for non-canonical queries (lowercase or needless escapes,
  invalid escapes, '+', spaces, '=' in values), where verbatim signing would not match
  what the service computes.

usage: botocore_sign.py CASES.json OUT.json
"""
import datetime
import hashlib
import json
import sys
from unittest import mock
from urllib.parse import unquote

import botocore.auth
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials


def decoded_params(query):
    """The (name, value) pairs a service reads from a wire query string (see above)."""
    if not query:
        return []
    pairs = []
    for segment in query.split("&"):
        name, _, value = segment.partition("=")
        pairs.append((unquote(name, errors="strict"), unquote(value, errors="strict")))
    return pairs


def sign(case):
    url = f"{case['scheme']}://{case['host']}{case['path']}"
    params = None
    if case.get("query_mode", "url") == "decoded":
        params = decoded_params(case["query"])
    elif case["query"]:
        url += "?" + case["query"]
    body = bytes.fromhex(case["body_hex"])
    request = AWSRequest(method=case["method"], url=url, data=body, params=params)
    for name, value in case["headers"]:
        request.headers[name] = value  # HTTPHeaders appends: duplicates kept in order
    if case["content_sha256"] and case["style"] != "s3":
        request.headers["X-Amz-Content-SHA256"] = hashlib.sha256(body).hexdigest()
    creds = Credentials(case["access_key_id"], case["secret_access_key"], case["session_token"])
    signer_class = S3SigV4Auth if case["style"] == "s3" else SigV4Auth
    signer = signer_class(creds, case["service"], case["region"])
    captured = {}
    original = signer.canonical_request

    def spy(req):
        captured["canonical_request"] = original(req)
        return captured["canonical_request"]

    signer.canonical_request = spy
    when = datetime.datetime.fromtimestamp(case["time"], datetime.timezone.utc).replace(tzinfo=None)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=when):
        signer.add_auth(request)
    return {
        "authorization": request.headers["Authorization"],
        "canonical_request": captured["canonical_request"],
    }


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        cases = json.load(f)
    results = []
    for case in cases:
        try:
            results.append(sign(case))
        except Exception as e:  # reported per case by the C test
            results.append({"error": f"{type(e).__name__}: {e}"})
    with open(sys.argv[2], "w", encoding="utf-8") as f:
        json.dump(results, f)


if __name__ == "__main__":
    main()
