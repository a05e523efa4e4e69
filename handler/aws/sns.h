/* sw_sns: SNS Publish (awsQuery) of one struct sw_notification.
 *
 * Form-encodes TopicArn, Subject, Message, MessageStructure and the String
 * MessageAttributes as botocore does (space as '+', every other byte but
 * A-Z a-z 0-9 - _ . ~ as %XX; AWS accepts it, and moto checks signatures
 * against exactly this form), and
 * reads MessageId from the XML answer. The notification must already satisfy
 * docs/contract.md §4 (sw_notification_finish); this checks it again rather than trust. */
#ifndef SW_SNS_H
#define SW_SNS_H

#include "handler/aws/client.h"
#include "handler/core/buf.h"
#include "handler/core/notification.h"

#include <stdbool.h>
#include <stddef.h>

#define SW_SNS_MESSAGE_ID_MAX 128
#define SW_SNS_TOPIC_ARN_MAX 256
#define SW_SNS_BODY_MAX ((size_t)2 * 1024 * 1024) /* 256 KiB message, encoded x3, + the rest */

/* Publishes n to topic_arn. message_structure_json sends MessageStructure=json (the message
 * is then a JSON object of per-protocol messages). On success message_id (cap
 * SW_SNS_MESSAGE_ID_MAX) holds the MessageId. SW_EINVAL when the notification breaks
 * docs/contract.md §4 (empty message, subject not ASCII / over 99 characters / with line breaks,
 * message over 256 KiB or not UTF-8) or the topic ARN is empty/too long. aerr (may be NULL) is
 * cleared first; it is filled only with SW_EAWS (or SW_ETIMEOUT after an AWS error). */
int sw_sns_publish(struct sw_aws_client *c, const char *topic_arn, const struct sw_notification *n,
                   bool message_structure_json, char message_id[SW_SNS_MESSAGE_ID_MAX],
                   struct sw_aws_error *aerr, struct sw_error *err);

/* ---- Wire format (pure) ---- */
/* Action=Publish&Version=2010-03-31&TopicArn=..&Subject=..&Message=..[&MessageStructure=json]
 * &MessageAttributes.entry.N.Name=..&...DataType=String&...StringValue=.. (out reset first).
 * Subject is left out when empty. */
int sw_sns_publish_body(const char *topic_arn, const struct sw_notification *n,
                        bool message_structure_json, struct sw_buf *out, struct sw_error *err);
/* MessageId from <PublishResponse><PublishResult><MessageId>. */
int sw_sns_parse_publish(const char *xml, size_t len, char *message_id, size_t cap,
                         struct sw_error *err);
/* Appends s[0..len) form-encoded: unreserved bytes kept, space as '+', others %XX. */
int sw_sns_form_encode(struct sw_buf *out, const char *s, size_t len);

#endif
