/* sw_parked: a notification SNS refused, as it is parked in the dead-letter queue and read
 * back to be republished (docs/operations.md, "The dead-letter queue").
 *
 * The queue message's body is the versioned JSON document SQS subscribers of the topic
 * receive (docs/notification.schema.json); its String message attributes say why it is
 * there and carry what republishing needs:
 *   scanwarden-parked         SW_PARKED_VERSION: tells a parked notification from a failed
 *                             Lambda event (those carry RequestID, ErrorCode, ErrorMessage)
 *   scanwarden-reason         why sns:Publish failed (after the AWS client's retries)
 *   scanwarden-event-id       the id of the event that produced it ("none" for summaries
 *                             of earlier invocations)
 *   scanwarden-dedup-key      event id, kind and a hash of the subject: the same
 *                             notification of the same event always has the same key
 *   scanwarden-subject        the SNS Subject
 *   scanwarden-sns-message    the MessageStructure=json message, as it was to be published
 *   scanwarden-sns-attributes the SNS message attributes, a JSON object of strings
 * Pure. */
#ifndef SW_PARKED_H
#define SW_PARKED_H

#include "handler/core/buf.h"
#include "handler/core/error.h"
#include "handler/core/notification.h"

#include <stddef.h>

#define SW_PARKED_VERSION "1"
#define SW_PARKED_ATTR_MARKER "scanwarden-parked"
#define SW_PARKED_ATTR_REASON "scanwarden-reason"
#define SW_PARKED_ATTR_EVENT_ID "scanwarden-event-id"
#define SW_PARKED_ATTR_DEDUP_KEY "scanwarden-dedup-key"
#define SW_PARKED_ATTR_SUBJECT "scanwarden-subject"
#define SW_PARKED_ATTR_SNS_MESSAGE "scanwarden-sns-message"
#define SW_PARKED_ATTR_SNS_ATTRIBUTES "scanwarden-sns-attributes"
#define SW_PARKED_ATTRIBUTES 7
#define SW_PARKED_REASON_MAX 1024 /* bytes of the reason kept */
#define SW_PARKED_KEY_MAX 320

/* A parked notification: body and attributes (names static, values owned). */
struct sw_parked {
    struct sw_buf body;
    struct sw_buf values[SW_PARKED_ATTRIBUTES];
    const char *names[SW_PARKED_ATTRIBUTES];
    size_t count;
};

void sw_parked_init(struct sw_parked *p);
void sw_parked_clear(struct sw_parked *p);

/* The deduplication key of the notification of kind (e.g. "drift") produced by event_id
 * (NULL or "": "none") with that subject: "<event id>/<kind>/<16 hex digits>". */
void sw_parked_dedup_key(const char *event_id, const char *kind, const char *subject,
                         char out[SW_PARKED_KEY_MAX]);

/* Fills p (reset first) from wire, a notification as sw_wire_build makes it (the message a
 * MessageStructure=json object with an "sqs" member), the event id and the failure reason
 * (cut to SW_PARKED_REASON_MAX bytes). Returns 0, SW_EINVAL when wire's message has no
 * "sqs" document, or SW_ENOMEM, with err set. */
int sw_parked_build(const struct sw_notification *wire, const char *event_id, const char *reason,
                    struct sw_parked *p, struct sw_error *err);

/* Looks up a message attribute by name (NULL when absent). */
typedef const char *(*sw_parked_attr_fn)(const void *msg, const char *name);

/* Restores into wire (initialised) the notification to republish from a queue message's
 * attributes: subject, the MessageStructure=json message and the SNS attributes. Returns 0;
 * SW_EINVAL when the message is not a parked notification of this version (no marker, or
 * a missing or malformed member: err says which), or SW_ENOMEM. */
int sw_parked_restore(sw_parked_attr_fn attr, const void *msg, struct sw_notification *wire,
                      struct sw_error *err);

#endif
