"""The EventBridge pattern matcher (tests/peers/eventpattern.py) against the documented syntax.

The template's rule tests are only as good as this matcher, so each operator
is checked with the examples of the EventBridge user guide (content filtering,
comparison operators, arrays) and with the cases where a loose matcher would
over-match: type of values, missing fields, arrays of objects.
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "peers"))
from eventpattern import PatternError, matches  # noqa: E402

EC2_EVENT = {
    "version": "0",
    "id": "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": "EC2 Instance State-change Notification",
    "source": "aws.ec2",
    "account": "111122223333",
    "time": "2017-12-22T18:43:48Z",
    "region": "us-west-1",
    "resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
    "detail": {
        "instance-id": "i-1234567890abcdef0",
        "state": "terminated",
        "c-count": 5,
        "d-count": 3,
        "x-limit": 301.8,
        "source-ip": "10.0.0.123",
        "is-enabled": False,
        "nothing": None,
        "empty": "",
        "ports": [80, 443],
        "findings": [
            {"Compliance": {"Status": "PASSED"}, "ControlId": "EC2.7"},
            {"Compliance": {"Status": "FAILED"}, "ControlId": "S3.1"},
        ],
    },
}


def m(pattern, event=EC2_EVENT):
    return matches(pattern, event)


class ExactAndTypes(unittest.TestCase):
    def test_exact_string_and_and_of_fields(self):
        self.assertTrue(m({"source": ["aws.ec2"], "detail": {"state": ["terminated"]}}))
        self.assertFalse(m({"source": ["aws.ec2"], "detail": {"state": ["running"]}}))
        self.assertTrue(m({"detail": {"state": ["running", "terminated"]}}))  # list = OR

    def test_strings_and_numbers_are_different(self):
        self.assertTrue(m({"detail": {"c-count": [5]}}))
        self.assertFalse(m({"detail": {"c-count": ["5"]}}))
        self.assertTrue(m({"detail": {"x-limit": [301.8]}}))

    def test_null_empty_and_boolean(self):
        self.assertTrue(m({"detail": {"nothing": [None]}}))
        self.assertFalse(m({"detail": {"missing": [None]}}))
        self.assertTrue(m({"detail": {"empty": [""]}}))
        self.assertTrue(m({"detail": {"is-enabled": [False]}}))
        self.assertFalse(m({"detail": {"is-enabled": [True]}}))

    def test_missing_field_never_matches_a_value(self):
        self.assertFalse(m({"detail": {"no-such-field": ["terminated"]}}))
        self.assertFalse(m({"nosuch": {"state": ["terminated"]}}))

    def test_leaf_pattern_does_not_match_an_object(self):
        self.assertFalse(m({"detail": ["terminated"]}))


class StringOperators(unittest.TestCase):
    def test_prefix(self):
        self.assertTrue(m({"time": [{"prefix": "2017-12-22"}]}))
        self.assertFalse(m({"time": [{"prefix": "2017-10-02"}]}))
        self.assertTrue(m({"region": [{"prefix": {"equals-ignore-case": "US-"}}]}))

    def test_suffix_and_ignore_case(self):
        self.assertTrue(m({"detail": {"instance-id": [{"suffix": "def0"}]}}))
        self.assertFalse(m({"detail": {"instance-id": [{"suffix": "DEF0"}]}}))
        self.assertTrue(m({"detail": {"instance-id": [{"suffix": {"equals-ignore-case": "DEF0"}}]}}))
        self.assertTrue(m({"detail": {"state": [{"equals-ignore-case": "TERMINATED"}]}}))

    def test_wildcard(self):
        self.assertTrue(m({"resources": [{"wildcard": "arn:aws:ec2:*:instance/*"}]}))
        self.assertFalse(m({"resources": [{"wildcard": "arn:aws:s3:*"}]}))
        self.assertTrue(m({"detail": {"state": [{"wildcard": "*minat*"}]}}))
        self.assertFalse(m({"detail": {"state": [{"wildcard": "minat*"}]}}))
        self.assertTrue(matches({"f": [{"wildcard": "a\\*b"}]}, {"f": "a*b"}))
        self.assertFalse(matches({"f": [{"wildcard": "a\\*b"}]}, {"f": "axb"}))

    def test_string_operators_ignore_numbers(self):
        self.assertFalse(m({"detail": {"c-count": [{"prefix": "5"}]}}))


class AnythingBut(unittest.TestCase):
    def test_value_and_list(self):
        self.assertTrue(m({"detail": {"state": [{"anything-but": "initializing"}]}}))
        self.assertFalse(m({"detail": {"state": [{"anything-but": "terminated"}]}}))
        self.assertFalse(m({"detail": {"state": [{"anything-but": ["stopped", "terminated"]}]}}))
        self.assertTrue(m({"detail": {"c-count": [{"anything-but": 4}]}}))
        self.assertFalse(m({"detail": {"c-count": [{"anything-but": [5, 6]}]}}))

    def test_prefix_suffix_wildcard_ignore_case(self):
        self.assertTrue(m({"region": [{"anything-but": {"prefix": "eu-"}}]}))
        self.assertFalse(m({"region": [{"anything-but": {"prefix": "us-"}}]}))
        self.assertFalse(m({"detail": {"instance-id": [{"anything-but": {"suffix": "def0"}}]}}))
        self.assertFalse(m({"detail": {"state": [{"anything-but": {"equals-ignore-case": "TERMINATED"}}]}}))
        self.assertFalse(m({"detail": {"state": [{"anything-but": {"wildcard": "term*"}}]}}))
        self.assertTrue(m({"detail": {"state": [{"anything-but": {"wildcard": "run*"}}]}}))

    def test_needs_the_field(self):
        self.assertFalse(m({"detail": {"no-such-field": [{"anything-but": "x"}]}}))


class NumericCidrExists(unittest.TestCase):
    def test_numeric_from_the_guide(self):
        self.assertTrue(m({"detail": {
            "c-count": [{"numeric": [">", 0, "<=", 5]}],
            "d-count": [{"numeric": ["<", 10]}],
            "x-limit": [{"numeric": ["=", 3.018e2]}],
        }}))
        self.assertFalse(m({"detail": {"c-count": [{"numeric": [">", 5]}]}}))
        self.assertFalse(m({"detail": {"state": [{"numeric": [">", 0]}]}}))

    def test_cidr(self):
        self.assertTrue(m({"detail": {"source-ip": [{"cidr": "10.0.0.0/24"}]}}))
        self.assertFalse(m({"detail": {"source-ip": [{"cidr": "10.0.1.0/24"}]}}))

    def test_exists(self):
        self.assertTrue(m({"detail": {"state": [{"exists": True}]}}))
        self.assertFalse(m({"detail": {"state": [{"exists": False}]}}))
        self.assertTrue(m({"detail": {"no-such-field": [{"exists": False}]}}))
        self.assertTrue(m({"nosuch": {"deeper": [{"exists": False}]}}))
        # exists works on leaves only: an object is not an existing leaf.
        self.assertFalse(m({"detail": [{"exists": True}]}))


class OrAndArrays(unittest.TestCase):
    def test_or_from_the_guide(self):
        pattern = {"detail": {"$or": [
            {"c-count": [{"numeric": [">", 10]}]},
            {"d-count": [{"numeric": ["<", 10]}]},
        ]}}
        self.assertTrue(m(pattern))
        pattern["detail"]["$or"][1] = {"d-count": [{"numeric": [">", 10]}]}
        self.assertFalse(m(pattern))

    def test_or_at_top_level_with_other_fields(self):
        p = {"source": ["aws.ec2"], "$or": [{"region": ["eu-west-1"]}, {"detail": {"state": ["terminated"]}}]}
        self.assertTrue(m(p))
        p["source"] = ["aws.s3"]
        self.assertFalse(m(p))

    def test_array_of_scalars_matches_any_element(self):
        self.assertTrue(m({"resources": ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"]}))
        self.assertTrue(m({"detail": {"ports": [443]}}))
        self.assertFalse(m({"detail": {"ports": [22]}}))

    def test_array_of_objects_matches_one_element_as_a_whole(self):
        self.assertTrue(m({"detail": {"findings": {"Compliance": {"Status": ["FAILED"]}, "ControlId": ["S3.1"]}}}))
        self.assertFalse(m({"detail": {"findings": {"Compliance": {"Status": ["FAILED"]}, "ControlId": ["EC2.7"]}}}))
        self.assertFalse(m({"detail": {"findings": {"Compliance": {"Status": ["SUPPRESSED"]}}}}))


class InvalidPatterns(unittest.TestCase):
    def test_rejected(self):
        for bad in ({}, {"source": "aws.ec2"}, {"source": []}, {"source": [{"startswith": "a"}]},
                    {"$or": [{"source": ["a"]}]}, {"a": [{"numeric": [">", "1"]}]},
                    {"a": [{"wildcard": "a**b"}]}, {"a": [{"exists": "yes"}]},
                    {"a": [{"prefix": "x", "suffix": "y"}]}):
            with self.subTest(pattern=bad), self.assertRaises(PatternError):
                matches(bad, EC2_EVENT)


if __name__ == "__main__":
    unittest.main()
