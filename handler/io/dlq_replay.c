/* sw_dlq_replay: the dead-letter queue back into the topic (see dlq_replay.h). */
#include "handler/io/dlq_replay.h"

#include "handler/aws/sns.h"
#include "handler/notify/parked.h"
#include "runtime/lr_log.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Strings kept during a run (a growing array; the run is short): the dedup keys republished,
 * the receipts of the messages left. */
struct keys {
    char **items;
    size_t count;
};

static bool keys_has(const struct keys *k, const char *key)
{
    for (size_t i = 0; i < k->count; i++) {
        if (strcmp(k->items[i], key) == 0)
            return true;
    }
    return false;
}

static void keys_add(struct keys *k, const char *key)
{
    if (k->count >= SW_DLQ_REPLAY_KEYS_MAX)
        return; /* past it a copy is republished: a duplicate, never a loss */
    char **grown = realloc(k->items, (k->count + 1) * sizeof(*grown));
    size_t n = strlen(key);
    char *copy = malloc(n + 1);
    if (!grown || !copy) {
        free(copy);
        if (grown)
            k->items = grown;
        return;
    }
    memcpy(copy, key, n + 1);
    k->items = grown;
    k->items[k->count++] = copy;
}

static void keys_clear(struct keys *k)
{
    for (size_t i = 0; i < k->count; i++)
        free(k->items[i]);
    free(k->items);
    memset(k, 0, sizeof(*k));
}

static const char *message_attr(const void *msg, const char *name)
{
    return sw_sqs_message_attribute(msg, name);
}

static void failure(struct sw_dlq_replay_report *r, const char *what, const char *id,
                    const struct sw_aws_error *aerr, const struct sw_error *err)
{
    snprintf(r->last_failure, sizeof(r->last_failure), "%s of message %.128s: %.300s", what, id,
             aerr->code[0] ? aerr->message : err->msg);
    if (aerr->code[0]) {
        size_t used = strlen(r->last_failure);
        snprintf(r->last_failure + used, sizeof(r->last_failure) - used, " (%s)", aerr->code);
    }
    lr_log(LR_LOG_ERROR, "%s", r->last_failure);
}

/* One message: republish and delete, delete a copy, or leave it. */
static void replay_one(struct sw_aws_client *aws, const struct sw_config *cfg,
                       const struct sw_sqs_message *m, struct keys *keys, struct keys *left,
                       struct sw_dlq_replay_report *r)
{
    struct sw_error err = {0};
    struct sw_aws_error aerr;
    char sns_id[SW_SNS_MESSAGE_ID_MAX];
    const char *queue = cfg->dead_letter_queue_url;
    sw_aws_error_clear(&aerr);
    if (!sw_sqs_message_attribute(m, SW_PARKED_ATTR_MARKER)) {
        if (r->events_left < SW_DLQ_REPLAY_LISTED_MAX)
            snprintf(r->events[r->events_left], sizeof(r->events[0]), "%s", m->message_id);
        r->events_left++;
        lr_log(LR_LOG_WARN, "message %s is not a parked notification (a failed event?): left",
               m->message_id);
        keys_add(left, m->receipt);
        return;
    }
    const char *key = sw_sqs_message_attribute(m, SW_PARKED_ATTR_DEDUP_KEY);
    if (key && keys_has(keys, key)) {
        if (sw_sqs_delete(aws, queue, m->receipt, &aerr, &err) == SW_OK) {
            r->duplicates++;
        } else {
            r->failed++;
            failure(r, "sqs:DeleteMessage", m->message_id, &aerr, &err);
            keys_add(left, m->receipt);
        }
        return;
    }
    struct sw_notification wire;
    sw_notification_init(&wire);
    if (sw_parked_restore(message_attr, m, &wire, &err) != SW_OK) {
        r->unreadable++;
        lr_log(LR_LOG_WARN, "message %s: %s: left", m->message_id, err.msg);
        keys_add(left, m->receipt);
    } else if (sw_sns_publish(aws, cfg->sns_topic_arn, &wire, true, sns_id, &aerr, &err) != SW_OK) {
        r->failed++;
        failure(r, "sns:Publish", m->message_id, &aerr, &err);
        keys_add(left, m->receipt);
    } else if (sw_sqs_delete(aws, queue, m->receipt, &aerr, &err) != SW_OK) {
        /* Published but still queued: the next run republishes it (a duplicate, not a loss). */
        r->republished++;
        r->failed++;
        failure(r, "sqs:DeleteMessage (published already)", m->message_id, &aerr, &err);
        keys_add(left, m->receipt);
        if (key)
            keys_add(keys, key);
    } else {
        r->republished++;
        lr_log(LR_LOG_INFO, "message %s republished as %s: %s", m->message_id, sns_id,
               wire.subject);
        if (key)
            keys_add(keys, key);
    }
    sw_notification_clear(&wire);
}

/* The messages left are visible again at once, as they were before the run. */
static void show_again(struct sw_aws_client *aws, const char *queue, const struct keys *left)
{
    struct sw_error err = {0};
    struct sw_aws_error aerr;
    for (size_t i = 0; i < left->count; i++) {
        if (sw_sqs_change_visibility(aws, queue, left->items[i], 0, &aerr, &err) != SW_OK)
            lr_log(LR_LOG_WARN, "a message left in the queue stays hidden for up to %d s: %s",
                   SW_DLQ_REPLAY_VISIBILITY_S, aerr.code[0] ? aerr.code : err.msg);
    }
}

int sw_dlq_replay(struct sw_aws_client *aws, const struct sw_config *cfg,
                  struct sw_dlq_replay_report *report, struct sw_error *err)
{
    struct keys keys = {0}, left = {0};
    struct sw_sqs_received got;
    struct sw_aws_error aerr;
    int rc = SW_OK;
    memset(report, 0, sizeof(*report));
    if (!cfg->dead_letter_queue_url[0])
        return sw_error_set(err, SW_EINVAL,
                            "DEAD_LETTER_QUEUE_URL is not set: the queue to replay (the stack's "
                            "DeadLetterQueue output) is unknown");
    for (int i = 0; i < SW_DLQ_REPLAY_RECEIVES_MAX; i++) {
        rc = sw_sqs_receive(aws, cfg->dead_letter_queue_url, SW_DLQ_REPLAY_VISIBILITY_S, &got,
                            &aerr, err);
        if (rc != SW_OK) {
            if (rc == SW_EAWS && aerr.code[0])
                sw_error_set(err, rc, "sqs:ReceiveMessage: %s: %s", aerr.code, aerr.message);
            break;
        }
        size_t count = got.count;
        for (size_t m = 0; m < count; m++)
            replay_one(aws, cfg, &got.messages[m], &keys, &left, report);
        sw_sqs_received_clear(&got);
        if (count == 0)
            break; /* the rest is hidden by this run, or there is none */
    }
    show_again(aws, cfg->dead_letter_queue_url, &left);
    keys_clear(&keys);
    keys_clear(&left);
    return rc;
}
