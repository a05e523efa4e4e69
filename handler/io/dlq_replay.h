/* sw_dlq_replay: republishes the notifications parked in the dead-letter queue
 * (bootstrap --replay-dlq; docs/operations.md, "The dead-letter queue").
 *
 * Receives the queue's messages ten at a time, each hidden from other receivers for
 * SW_DLQ_REPLAY_VISIBILITY_S while it is handled. A parked notification
 * (handler/notify/parked.h) is published to SNS_TOPIC_ARN as it was to be published, and
 * deleted only after the publish succeeded; a second copy of one already republished in the
 * same run (same scanwarden-dedup-key) is deleted without publishing. Anything else (a
 * failed Lambda event, a message of another version) is left in the queue untouched and
 * reported; every message left is made visible again when the run ends
 * (sqs:ChangeMessageVisibility to 0), so a second run or a person sees it at once. */
#ifndef SW_DLQ_REPLAY_H
#define SW_DLQ_REPLAY_H

#include "handler/aws/client.h"
#include "handler/aws/sqs.h"
#include "handler/parse/config.h"

#include <stddef.h>

#define SW_DLQ_REPLAY_VISIBILITY_S 120  /* the whole run fits in it for a few hundred messages */
#define SW_DLQ_REPLAY_RECEIVES_MAX 1000 /* receives per run: at most 10000 messages */
#define SW_DLQ_REPLAY_LISTED_MAX 50     /* message ids of events left, reported by id */
#define SW_DLQ_REPLAY_KEYS_MAX 10000

struct sw_dlq_replay_report {
    size_t republished; /* parked notifications published and deleted */
    size_t duplicates;  /* second copies deleted without publishing */
    size_t failed;      /* parked notifications whose publish (or delete) failed: left */
    size_t unreadable;  /* scanwarden-parked, but not readable by this version: left */
    size_t events_left; /* other messages (failed Lambda events): left */
    char events[SW_DLQ_REPLAY_LISTED_MAX][SW_SQS_MESSAGE_ID_MAX]; /* their MessageIds */
    char last_failure[SW_ERROR_MSG_MAX]; /* why the last publish or delete failed */
};

/* Replays cfg->dead_letter_queue_url into cfg->sns_topic_arn through aws. Returns 0 (the
 * report says what was done, failures included), or SW_EINVAL (no queue configured) /
 * the sqs:ReceiveMessage failure, with err set. */
int sw_dlq_replay(struct sw_aws_client *aws, const struct sw_config *cfg,
                  struct sw_dlq_replay_report *report, struct sw_error *err);

#endif
