/* sw_sqs: SendMessage, ReceiveMessage, DeleteMessage and ChangeMessageVisibility on one queue
 * (awsJson1_0, X-Amz-Target AmazonSQS.<Operation>), for the dead-letter queue (docs/operations.md).
 *
 * Messages carry String message attributes only. The wire format is pure and tested
 * apart from the call. */
#ifndef SW_SQS_H
#define SW_SQS_H

#include "handler/aws/client.h"
#include "handler/core/buf.h"

#include <stddef.h>

#define SW_SQS_QUEUE_URL_MAX 512
#define SW_SQS_ATTRIBUTES_MAX 10      /* SQS accepts at most 10 message attributes */
#define SW_SQS_ATTRIBUTE_NAME_MAX 256 /* SQS's limit for a name */
#define SW_SQS_MESSAGE_MAX_BYTES ((size_t)256 * 1024) /* body and attributes together */
#define SW_SQS_RECEIVE_MAX 10 /* messages one ReceiveMessage returns at most */
#define SW_SQS_MESSAGE_ID_MAX 128
#define SW_SQS_RECEIPT_MAX 1024

/* One String message attribute (both borrowed). */
struct sw_sqs_attribute {
    const char *name;
    const char *value;
};

/* A message to send: body[0..body_len) and attributes[0..attribute_count). */
struct sw_sqs_outgoing {
    const char *body;
    size_t body_len;
    const struct sw_sqs_attribute *attributes;
    size_t attribute_count;
};

/* A received message: its id, receipt handle, body and String attributes (owned by the
 * list, see sw_sqs_received_clear). */
struct sw_sqs_message {
    char message_id[SW_SQS_MESSAGE_ID_MAX];
    char receipt[SW_SQS_RECEIPT_MAX];
    char *body;
    char *names[SW_SQS_ATTRIBUTES_MAX];
    char *values[SW_SQS_ATTRIBUTES_MAX];
    size_t attribute_count;
};

struct sw_sqs_received {
    struct sw_sqs_message messages[SW_SQS_RECEIVE_MAX];
    size_t count;
};

void sw_sqs_received_clear(struct sw_sqs_received *r);

/* The value of attribute name of m, or NULL. */
const char *sw_sqs_message_attribute(const struct sw_sqs_message *m, const char *name);

/* sqs:SendMessage of m to queue_url; message_id (may be NULL) gets its MessageId. SW_EINVAL
 * when the queue URL is empty or too long, an attribute is empty or there are too many, or
 * body and attributes are over SW_SQS_MESSAGE_MAX_BYTES. aerr as sw_aws_call's. */
int sw_sqs_send(struct sw_aws_client *c, const char *queue_url, const struct sw_sqs_outgoing *m,
                char message_id[SW_SQS_MESSAGE_ID_MAX], struct sw_aws_error *aerr,
                struct sw_error *err);

/* sqs:ReceiveMessage: up to SW_SQS_RECEIVE_MAX messages with all their attributes, hidden
 * from other receivers for visibility_s seconds, without waiting. out is cleared first. */
int sw_sqs_receive(struct sw_aws_client *c, const char *queue_url, int visibility_s,
                   struct sw_sqs_received *out, struct sw_aws_error *aerr, struct sw_error *err);

/* sqs:DeleteMessage of the message received with receipt. */
int sw_sqs_delete(struct sw_aws_client *c, const char *queue_url, const char *receipt,
                  struct sw_aws_error *aerr, struct sw_error *err);

/* sqs:ChangeMessageVisibility of the message received with receipt to visibility_s seconds
 * (0: visible to every receiver again at once). */
int sw_sqs_change_visibility(struct sw_aws_client *c, const char *queue_url, const char *receipt,
                             int visibility_s, struct sw_aws_error *aerr, struct sw_error *err);

/* ---- Wire format (pure) ---- */
/* The SendMessage request body (out reset first). */
int sw_sqs_send_body(const char *queue_url, const struct sw_sqs_outgoing *m, struct sw_buf *out,
                     struct sw_error *err);
/* The ReceiveMessage answer into out (cleared first). */
int sw_sqs_parse_receive(const char *json, size_t len, struct sw_sqs_received *out,
                         struct sw_error *err);

#endif
