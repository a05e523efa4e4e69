"""The dead-letter queue (docs/operations.md, "The dead-letter queue"): no notification is
lost when SNS refuses it.

Against moto_server with IAM authentication and only template.yaml's policy for the function
(tests/peers/template_policy.py, with this test's queue): the topic is deleted, so every
sns:Publish fails (NotFound, after the AWS client's retries); the drift and finding
notifications are then parked in the dead-letter queue with the reason and the event id, the
answers say "parked":true, delivering the same events again parks nothing more, and
bootstrap --replay-dlq, run by an operator holding only the permissions docs/operations.md
lists, republishes them once the topic exists again, deletes them, and leaves a failed Lambda
event in the queue untouched and reported."""

import json
import subprocess
import sys
import unittest

import harness
from harness import run_function

sys.path.insert(0, harness.PEERS_DIR)
import template_policy  # noqa: E402  (tests/peers)

TOPIC_NAME = "scanwarden-alerts"  # harness.World's topic


def peek(sqs, queue_url):
    """Every message of queue_url with its attributes, left in the queue."""
    out, seen = [], set()
    for _ in range(50):  # bounded
        msgs = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10,
                                   VisibilityTimeout=0, MessageAttributeNames=["All"],
                                   WaitTimeSeconds=0).get("Messages", [])
        new = [m for m in msgs if m["MessageId"] not in seen]
        if not new:
            break
        for m in new:
            seen.add(m["MessageId"])
            out.append(m)
    return out


def attr(m, name):
    return m.get("MessageAttributes", {}).get(name, {}).get("StringValue")


class DeadLetterQueue(harness.WorldTestCase):
    made = 0  # queues made: each test has its own

    def setUp(self):
        super().setUp()
        w = self.world
        self.sns, self.sqs = w.moto.client("sns"), w.moto.client("sqs")
        DeadLetterQueue.made += 1
        self.name = "scanwarden-dlq-%d" % DeadLetterQueue.made
        self.dlq_url = self.sqs.create_queue(QueueName=self.name)["QueueUrl"]
        self.dlq_arn = self.sqs.get_queue_attributes(
            QueueUrl=self.dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        policy = template_policy.function_policy(w.topic_arn, account=w.account,
                                                 region=harness.REGION, env={},
                                                 queue_arn=self.dlq_arn)
        self.env = w.function_env(creds=w.creds_for_policy(policy),
                                  DEAD_LETTER_QUEUE_URL=self.dlq_url)
        # SNS fails on every publish: the topic is gone (sns:Publish answers NotFound).
        self.sns.delete_topic(TopicArn=w.topic_arn)

    def tearDown(self):
        self.restore_topic()
        self.sqs.delete_queue(QueueUrl=self.dlq_url)

    def restore_topic(self):
        """The topic again (same name, same ARN) with the test queue subscribed."""
        w = self.world
        topic = self.sns.create_topic(Name=TOPIC_NAME)["TopicArn"]
        self.assertEqual(topic, w.topic_arn)
        subs = self.sns.list_subscriptions_by_topic(TopicArn=topic)["Subscriptions"]
        if not subs:
            arn = self.sqs.get_queue_attributes(
                QueueUrl=w.queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            self.sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=arn)

    def replay(self):
        """bootstrap --replay-dlq as an operator holding only what docs/operations.md lists."""
        w = self.world
        policy = {"Version": "2012-10-17", "Statement": [
            {"Sid": "ReadAndDeleteParked", "Effect": "Allow",
             "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility"],
             "Resource": self.dlq_arn},
            {"Sid": "Republish", "Effect": "Allow", "Action": "sns:Publish",
             "Resource": w.topic_arn}]}
        if not hasattr(self, "operator"):
            self.operator = w.moto.user_credentials(
                "operator-" + self.name,
                template_policy.for_moto(policy, w.topic_arn))
        env = w.moto.env(self.operator, base={"PATH": "/usr/bin:/bin"})
        env.update(SNS_TOPIC_ARN=w.topic_arn, DEAD_LETTER_QUEUE_URL=self.dlq_url,
                   AWS_LAMBDA_LOG_LEVEL="INFO")
        p = subprocess.run(harness.WRAPPER + [harness.BOOTSTRAP, "--replay-dlq"], env=env,
                           capture_output=True, text=True, timeout=60 * harness.TIMEOUT_FACTOR)
        for m in harness.SANITIZER_MARKERS:
            self.assertNotIn(m, p.stderr)
        return p

    def test_refused_notifications_are_parked_once_then_replayed_and_deleted(self):
        w = self.world
        w.break_state()
        drift_ev, finding_ev = w.scheduled_event(), w.finding_event(finding_id="f-dlq")
        # The same events delivered again (EventBridge retries, a replayed archive) park nothing
        # more: the drift was restored, so the check finds nothing; the finding is a duplicate.
        run = run_function(w, [drift_ev, finding_ev, drift_ev, finding_ev], env=self.env)
        self.assertEqual(len(run.invocations), 4, run.log)
        drift, finding, drift2, finding2 = run.invocations
        for inv in (drift, finding):
            self.assertTrue(inv.ok, inv.raw)
            self.assertIs(inv.body["notified"], False, inv.raw)
            self.assertIs(inv.body["parked"], True, inv.raw)
        self.assertEqual(w.inspector_ecr_status(), "ENABLED")
        self.assertTrue(drift2.ok and finding2.ok, run.log)
        self.assertNotIn("parked", drift2.body)
        self.assertNotIn("parked", finding2.body)
        # ... nor does a new process (a cold start) given the drift event again.
        again = run_function(w, [drift_ev], env=self.env)
        self.assertNotIn("parked", again.invocations[0].body, again.log)

        parked = peek(self.sqs, self.dlq_url)
        self.assertEqual(len(parked), 2, parked)
        by_event = {attr(m, "scanwarden-event-id"): m for m in parked}
        self.assertEqual(set(by_event), {drift_ev["id"], finding_ev["id"]})
        for m in parked:
            self.assertEqual(attr(m, "scanwarden-parked"), "1")
            self.assertIn("sns:Publish", attr(m, "scanwarden-reason"))
            self.assertIn("NotFound", attr(m, "scanwarden-reason"))
            doc = json.loads(m["Body"])  # what SQS subscribers of the topic receive
            harness.validate_document(doc)
            structure = json.loads(attr(m, "scanwarden-sns-message"))
            self.assertEqual(json.loads(structure["sqs"]), doc)
            self.assertTrue(attr(m, "scanwarden-subject"))
        # enforce mode: the drift was restored, so the notification is a remediation one
        self.assertEqual(json.loads(by_event[drift_ev["id"]]["Body"])["kind"], "remediation")
        self.assertEqual(json.loads(by_event[finding_ev["id"]]["Body"])["kind"], "finding")
        self.assertEqual(w.notifications(), [])

        # A failed Lambda event in the same queue (what Lambda's on-failure destination sends).
        self.sqs.send_message(QueueUrl=self.dlq_url, MessageBody=json.dumps(drift_ev),
                              MessageAttributes={
                                  "ErrorCode": {"DataType": "String", "StringValue": "200"},
                                  "ErrorMessage": {"DataType": "String",
                                                   "StringValue": "RemediationFailed"}})

        # While SNS still fails, the replay republishes nothing and deletes nothing.
        still = self.replay()
        self.assertEqual(still.returncode, 1, still.stderr)
        report = json.loads(still.stdout)
        self.assertEqual((report["republished"], report["failed"], report["events_left"]),
                         (0, 2, 1), report)
        self.assertEqual(len(peek(self.sqs, self.dlq_url)), 3)

        self.restore_topic()
        done = self.replay()
        self.assertEqual(done.returncode, 0, done.stderr)
        report = json.loads(done.stdout)
        self.assertEqual((report["republished"], report["failed"], report["events_left"]),
                         (2, 0, 1), report)
        got = w.notifications(expect=2)
        self.assertEqual(len(got), 2, got)
        self.assertEqual(sorted(n.subject for n in got),
                         sorted(attr(m, "scanwarden-subject") for m in parked))
        self.assertEqual(sorted(json.loads(n.message)["kind"] for n in got),
                         ["finding", "remediation"])
        for n in got:
            # The SQS subscriber gets the document that was parked, with its SNS attributes.
            harness.validate_document(json.loads(n.message))
            self.assertEqual(n.attributes.get("event_kind"), json.loads(n.message)["kind"])
        left = peek(self.sqs, self.dlq_url)
        self.assertEqual(len(left), 1, left)
        self.assertEqual(attr(left[0], "ErrorCode"), "200")
        self.assertEqual(report["events"], [left[0]["MessageId"]])

        # Nothing left to republish: a second replay publishes nothing.
        once = self.replay()
        self.assertEqual(json.loads(once.stdout)["republished"], 0, once.stdout)
        self.assertEqual(w.notifications(), [])

    def test_a_notification_that_cannot_be_parked_either_is_an_error_answer(self):
        w = self.world
        w.break_state()
        env = dict(self.env, DEAD_LETTER_QUEUE_URL=self.dlq_url + "-missing")
        run = run_function(w, [w.scheduled_event()], env=env)
        (inv,) = run.invocations
        self.assertEqual(inv.error_type, "NotificationFailed", inv.raw)
        self.assertIn("neither published nor parked", inv.body["errorMessage"])
        self.assertIn("sqs:SendMessage", inv.body["errorMessage"])
        self.assertEqual(peek(self.sqs, self.dlq_url), [])


if __name__ == "__main__":
    unittest.main()
