"""End-to-end tests of what an SQS subscriber of the topic receives (docs/contract.md §4): the
function publishes with MessageStructure=json, so SQS gets the versioned JSON document
(docs/notification.schema.json), not the e-mail text; findings with a known exploit or an EPSS at or
above EPSS_ALERT are marked high priority in subject, attribute and document.

moto (5.2) honours MessageStructure=json for SQS subscribers (it picks the "sqs" key, else
"default"); it cannot deliver to an https subscriber without a TLS peer, so the chat payload
(the "https" key) is checked in the unit tests (tests/handler/test_notify_wire.c and the
schema check) rather than here."""

import json
import unittest

import harness
from harness import run_function


class SubscriberDocuments(harness.WorldTestCase):
    def validate(self, doc):
        harness.validate_document(doc)  # fails, not skips, without jsonschema

    def test_sqs_subscriber_gets_the_json_document_and_priority(self):
        w = self.world
        exploited = w.finding_event("CRITICAL", finding_id="exploited-1")
        exploited["detail"]["exploitAvailable"] = "YES"
        quiet = w.finding_event("HIGH", finding_id="quiet-1")
        quiet["detail"]["epss"] = {"score": 0.01}
        run = run_function(w, [exploited, quiet], w.function_env(EPSS_ALERT="0.05"))
        self.assertTrue(all(inv.ok for inv in run.invocations), run.log)
        notes = w.notifications(expect=2)
        self.assertEqual(len(notes), 2, notes)
        docs = [json.loads(n.message) for n in notes]  # JSON, not the e-mail text
        for n, doc in zip(notes, docs):
            self.validate(doc)
            self.assertEqual(doc["kind"], "finding")
            self.assertEqual(doc["subject"], n.subject)
            self.assertEqual(doc["account"], w.account)
            self.assertEqual(doc["finding"]["vulnerability_id"], "CVE-2024-6119")
        high, normal = docs
        self.assertTrue(notes[0].subject.startswith("[CRITICAL][EXPLOIT] CVE-2024-6119"),
                        notes[0].subject)
        self.assertEqual(notes[0].attributes["priority"], "high")
        self.assertEqual(high["priority"], "high")
        self.assertEqual(high["finding"]["priority_reasons"], ["exploit_available"])
        self.assertEqual(high["finding"]["finding_arn"], exploited["detail"]["findingArn"])
        self.assertTrue(notes[1].subject.startswith("[HIGH] CVE-2024-6119"), notes[1].subject)
        self.assertEqual(notes[1].attributes["priority"], "normal")
        self.assertEqual(normal["finding"]["epss_score"], 0.01)

    def test_drift_document_reaches_sqs(self):
        w = self.world
        w.break_state()
        run = run_function(w, [w.scheduled_event()], w.function_env())
        self.assertTrue(run.invocations[0].ok, run.log)
        notes = w.notifications(expect=1)
        self.assertEqual(len(notes), 1)
        doc = json.loads(notes[0].message)
        self.validate(doc)
        self.assertEqual(doc["kind"], "remediation")
        self.assertEqual(doc["drift"]["outcome"], "restored")
        self.assertIn("inspector_ecr", [d["name"] for d in doc["drift"]["drifts"]])
        self.assertTrue(all(a["result"] == "ok" for a in doc["drift"]["actions"]))

    def test_invalid_epss_alert_is_an_init_error(self):
        w = self.world
        run = run_function(w, [w.scheduled_event()], w.function_env(EPSS_ALERT="1.5"))
        self.assertIsNotNone(run.init_error, run.log)
        body = run.init_error.body or {}
        self.assertEqual(body.get("errorType"), "Runtime.InvalidConfiguration")
        self.assertIn("EPSS_ALERT", body.get("errorMessage", ""))
        self.assertIn("1.5", body.get("errorMessage", ""))
        self.assertNotEqual(run.exit_code, 0)


if __name__ == "__main__":
    unittest.main()
