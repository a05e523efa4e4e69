/* sw_notify_drift: the one remediation / dry-run notification of a drift check.
 *
 * A pure builder (docs/contract.md §1.2, §4): from the plan, the event that triggered the check
 * and the result of each action, it writes the subject, the plain-text message and
 * the attributes. Enforce mode gives event_kind "remediation", dry-run gives "drift".
 * Publishing is left to the caller. */
#ifndef SW_NOTIFY_DRIFT_H
#define SW_NOTIFY_DRIFT_H

#include "handler/decide/drift.h"
#include "handler/core/error.h"
#include "handler/core/notification.h"

#include <stdbool.h>
#include <stddef.h>

/* What made the function look. */
enum sw_change_trigger {
    SW_TRIGGER_SCHEDULE = 0,            /* Scheduled Event or {"trigger":"schedule"} */
    SW_TRIGGER_CLOUDTRAIL,              /* AWS API Call via CloudTrail */
    SW_TRIGGER_SECURITY_HUB,            /* Security Hub Findings - Imported */
    SW_TRIGGER_CONFIG,                  /* Config Rules Compliance Change */
    SW_TRIGGER_ECR_SCAN_RESOURCE_CHANGE /* ECR Scan Resource Change */
};

/* The event's account of the change. All strings borrowed; NULL or "" = not in the event,
 * and then left out of the message. */
struct sw_change_context {
    enum sw_change_trigger trigger;
    const char *event_source;  /* CloudTrail eventSource, e.g. "inspector2.amazonaws.com" */
    const char *event_name;    /* CloudTrail eventName, e.g. "Disable" */
    const char *actor_arn;     /* CloudTrail userIdentity.arn */
    const char *source_ip;     /* CloudTrail sourceIPAddress */
    const char *event_time;    /* CloudTrail eventTime, else the envelope's time */
    const char *error_code;    /* CloudTrail errorCode: the call was denied or failed */
    const char *error_message; /* CloudTrail errorMessage */
    const char *signal;        /* Security Hub control / Config rule / ECR change, free text */
};

/* Builds the notification for a non-empty, checked plan into n (initialised by the caller
 * with sw_notification_init; finished with sw_notification_finish here). results[i] are
 * matched to the plan's actions by api name; an action without a result is reported as
 * not attempted. In dry-run, results are ignored. Returns 0, SW_EINVAL (empty or unchecked
 * plan), SW_ENOMEM or SW_ELIMIT, with err set. */
int sw_notify_drift_build(const struct sw_drift_plan *plan, const struct sw_change_context *ctx,
                          const struct sw_action_result *results, size_t result_count,
                          struct sw_notification *n, struct sw_error *err);

/* True when the plan is executed and some action has no successful result: the state is
 * not (fully) restored. */
bool sw_notify_drift_failed(const struct sw_drift_plan *plan,
                            const struct sw_action_result *results, size_t result_count);

/* Appends the "What triggered the check" section (trigger, API call, who, from where, when,
 * signal) to b; shared with the organization notification (org.c). 0, SW_ENOMEM or SW_ELIMIT. */
int sw_notify_drift_append_trigger(struct sw_buf *b, const struct sw_change_context *ctx);

/* Adds the document's "trigger" object (docs/notification.schema.json) for ctx to body;
 * shared with the organization notification (org.c). False when out of memory. */
struct cJSON;
bool sw_notify_drift_document_trigger(struct cJSON *body, const struct sw_change_context *ctx);

#endif
