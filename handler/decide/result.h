/* sw_result: the invocation result (docs/contract.md §5).
 *
 * Builds the compact JSON success response that summarises what an invocation did,
 * and decides whether the invocation must instead fail with RemediationFailed (an AWS
 * failure left the state not restored; the notification was attempted before), so
 * that Lambda/EventBridge retries and the dead-letter queue take over. Pure. */
#ifndef SW_RESULT_H
#define SW_RESULT_H

#include "handler/core/buf.h"
#include "handler/decide/drift.h"
#include "handler/core/error.h"

#include <stdbool.h>
#include <stddef.h>

#define SW_RESULT_ERROR_REMEDIATION_FAILED "RemediationFailed"
#define SW_RESULT_JSON_MAX 8192    /* bytes of the success response */
#define SW_RESULT_MESSAGE_MAX 1024 /* bytes of the RemediationFailed message */
#define SW_RESULT_FIELD_MAX 256    /* bytes kept of event_kind, reason and error codes */

/* What an invocation did. All pointers borrowed. */
struct sw_result {
    bool handled;                     /* false: matched nothing (docs/contract.md §2.4) */
    const char *event_kind;           /* "config-change", "schedule", "finding", ... or NULL */
    const char *reason;               /* why not handled (or other remark), or NULL */
    const struct sw_drift_plan *plan; /* NULL when no drift check was due */
    const struct sw_action_result *results; /* results of the plan's actions (enforce) */
    size_t result_count;
    /* A read of the state that failed, so no decision could be made (api = e.g.
     * "inspector2:BatchGetAccountStatus"), or NULL. */
    const struct sw_action_result *read_failure;
    bool notified; /* a notification was published */
    /* SCOPE=organization: the members' summary (a JSON object, sw_org_report_json), put
     * under "organization"; NULL otherwise. */
    const char *organization_json;
    /* Its notification was suppressed by MAX_NOTIFICATIONS_PER_MINUTE (put as
     * "rate_limited":true; summarised by a later invocation). */
    bool rate_limited;
    /* The Security Hub finding that triggered the check, written back (docs/contract.md,
     * "Security Hub findings"): put as "securityhub":{"workflow":..,"updated":..,"error":..}
     * when securityhub_due. */
    bool securityhub_due;
    const char *securityhub_workflow; /* "RESOLVED", "NOTIFIED", or NULL (a note only) */
    bool securityhub_updated;
    const char *securityhub_error; /* why the update failed, or NULL */
    /* Whom the run concerned and who made it look (docs/contract.md §5.1): the account (the
     * one checked, else the event's), and for a CloudTrail event its userIdentity.arn and
     * sourceIPAddress; each NULL when not known. */
    const char *account;
    const char *actor_arn;
    const char *source_ip;
    /* A finding's Inspector severity as the parser normalised it (CRITICAL, HIGH, MEDIUM, LOW,
     * INFORMATIONAL; UNTRIAGED when absent or not a known name), put as "severity" after
     * event_kind; NULL for every other kind. The metrics count notified findings by it. */
    const char *severity;
};

/* Writes the compact JSON into out (reset first), e.g.
 * {"handled":true,"event_kind":"config-change","drift":["inspector_ecr"],
 *  "actions":[{"api":"inspector2:Enable","ok":true}],"notified":true}
 * or {"handled":true,"event_kind":"finding","severity":"HIGH","account":"...","notified":true}
 * Returns 0, SW_ENOMEM or SW_ELIMIT with err set. */
int sw_result_json(const struct sw_result *r, struct sw_buf *out, struct sw_error *err);

/* True when the invocation must be the error RemediationFailed: a drift check in enforce
 * mode whose plan had actions and one of them failed or was not attempted, or whose state
 * could not be read. Then message (reset first, at most SW_RESULT_MESSAGE_MAX bytes) says
 * where and which call failed with the AWS error code and message. */
bool sw_result_remediation_failed(const struct sw_result *r, struct sw_buf *message);

#endif
