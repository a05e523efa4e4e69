/* sw_function: one invocation of scanwarden, from payload to response (docs/contract.md §1-§5).
 *
 * The pipeline: parse and classify the event, then either run the drift check
 * (read state, decide, restore or describe, notify once when something drifted)
 * or decide and publish a finding-side notification, and summarise what was done.
 * All I/O goes through struct sw_function_io, so the pipeline runs the same against
 * AWS (handler/io/aws_io.c), a test double or the benchmark's sink. */
#ifndef SW_FUNCTION_H
#define SW_FUNCTION_H

#include "handler/core/buf.h"
#include "handler/parse/config.h"
#include "handler/decide/drift.h"
#include "handler/decide/sechub_close.h"
#include "handler/core/error.h"
#include "handler/notify/finding_cache.h"
#include "handler/core/ids.h"
#include "handler/core/notification.h"
#include "handler/notify/notify_event.h"
#include "handler/notify/outbox.h"
#include "handler/notify/rate_window.h"
#include "handler/notify/workloads.h"
#include "handler/decide/org.h"
#include "handler/org_run.h"
#include "handler/decide/outcome.h"

#include <stdbool.h>
#include <stddef.h>

#define SW_FUNCTION_ACCOUNT_MAX SW_ACCOUNT_ID_LEN /* AWS account ids are 12 digits */

/* The I/O the pipeline needs; ctx is passed back to every call. */
struct sw_function_io {
    void *ctx;
    /* Reads the actual state of account into *out (the rescan duration only when
     * read_rescan). Strings in *out stay valid until the next read_state call. On failure
     * returns a negative SW_E* and fills *failure (api, AWS error code and message; strings
     * valid until the next call). */
    int (*read_state)(void *ctx, const char *account, bool read_rescan, struct sw_actual_state *out,
                      struct sw_action_result *failure);
    /* Performs the plan's actions in order, one result each in results[0..action_count);
     * result strings stay valid until the next perform call. */
    void (*perform)(void *ctx, const struct sw_drift_plan *plan, struct sw_action_result *results);
    /* Publishes a finished notification. Returns 0, or a negative SW_E* with err set (the
     * AWS error code and message in err->msg). */
    int (*publish)(void *ctx, const struct sw_notification *n, struct sw_error *err);
    /* Optional (NULL: not available): the ECS/EKS clusters running an ECR image
     * (Inspector2 GetClustersForImage), within SW_WORKLOADS_TIMEOUT_MS and before
     * deadline_ms (0 = none), after which AWS calls get deadline_ms again. Returns 0, or a
     * negative SW_E* with err->msg saying why (the AWS error code and message). */
    int (*workloads)(void *ctx, const char *image_arn, long long deadline_ms,
                     struct sw_workloads *out, struct sw_error *err);
    /* Optional (NULL: not available): the function's own account when the invoked function
     * ARN has none (the operator command line: sts:GetCallerIdentity). Returns 0, or a
     * negative SW_E* with err set. */
    int (*own_account)(void *ctx, char out[SW_FUNCTION_ACCOUNT_MAX + 1], struct sw_error *err);
    /* Optional (NULL: no dead-letter queue): parks n, whose publish failed with reason (after
     * the AWS client's retries), in the dead-letter queue with event_id (NULL for none), to
     * be republished later (docs/operations.md). Returns 0, or a negative SW_E* with err set. */
    int (*park)(void *ctx, const struct sw_notification *n, const char *event_id,
                const char *reason, struct sw_error *err);
    /* Optional (NULL: not available): writes c (status and note) back on the Security Hub
     * finding (finding_id, product_arn) that triggered the check, with
     * securityhub:BatchUpdateFindings (docs/contract.md, "Security Hub findings"). Returns
     * 0, or a negative SW_E* with err set (the AWS error code and message, or why Security
     * Hub did not update the finding). */
    int (*close_finding)(void *ctx, const char *finding_id, const char *product_arn,
                         const struct sw_sechub_close *c, struct sw_error *err);
};

/* REGIONS beyond the function's own: the account check runs there too, through io. */
struct sw_function_region {
    char region[SW_CFG_REGION_MAX + 1];
    struct sw_function_io io;
};

/* All the I/O of the function, given once to sw_function_init. */
struct sw_function_wiring {
    struct sw_function_io io;                 /* the function's own region */
    struct sw_function_org_io org;            /* SCOPE=organization; all zero otherwise */
    const struct sw_function_region *regions; /* REGIONS beyond its own (copied by init) */
    size_t region_count;                      /* at most SW_CFG_REGIONS_MAX */
};

/* Everything that lives from one invocation to the next (owned by main). Per-invocation
 * state lives in function.c's struct invocation, never here. */
struct sw_function {
    const struct sw_config *cfg; /* borrowed, validated */
    struct sw_function_io io;
    char region[SW_CFG_REGION_MAX + 1];      /* AWS_REGION */
    const char *filters[SW_CFG_FILTERS_MAX]; /* views into cfg->repository_filters */
    struct sw_finding_cache seen;            /* duplicate findings (docs/contract.md §1.3) */
    struct sw_function_org_io org_io;        /* organization scope, else all zero */
    struct sw_function_region extra[SW_CFG_REGIONS_MAX]; /* REGIONS beyond AWS_REGION */
    size_t extra_count;
    /* MAX_NOTIFICATIONS_PER_MINUTE across invocations: finding-side notifications past it
     * are suppressed; the next invocation after the minute publishes their summary first. */
    struct sw_rate_window rate;
};

/* Sets up fn (zeroed first) over cfg (borrowed; must outlive fn), the function's region
 * and all its I/O (w, copied). Returns 0 or SW_EINVAL (bad region, too many regions) with
 * err set. */
int sw_function_init(struct sw_function *fn, const struct sw_config *cfg, const char *region,
                     const struct sw_function_wiring *w, struct sw_error *err);

/* One invocation, as the runtime hands it over. */
struct sw_function_call {
    const char *payload; /* payload[0..len) */
    size_t len;
    const char *function_arn; /* the invoked function ARN; may be NULL or "" */
    long long now_ms;         /* the current time (Unix epoch ms) */
    long long deadline_ms;    /* the deadline AWS calls must keep (0 = none) */
};

/* Handles one invocation call (without a function ARN the account comes from
 * io.own_account). A drift check acts on the function's own account only (in organization
 * scope also its current members), in its region and REGIONS: an event naming another
 * account or region makes no AWS call and is answered {"handled":false,"reason":..} with a
 * WARN log line. Always fills *out (reset first): a success JSON (docs/contract.md §5), or
 * an error InvalidEvent (not a JSON object), RemediationFailed (state not restored, or the own
 * account or membership could not be told; notified first), NotificationFailed (a finding
 * could not be published, or a notification could neither be published nor parked in the
 * dead-letter queue) or InternalError (out of memory). A notification parked instead of
 * published puts "parked":true in the success JSON. */
void sw_function_handle(struct sw_function *fn, const struct sw_function_call *call,
                        struct sw_outcome *out);

/* Reads the state of account and decides, without acting (the operator's --check): fills
 * *actual (valid until the next read) and *plan (cleared by the caller with
 * sw_drift_plan_clear). Returns 0; SW_EAWS (or another read failure) with *read_failure
 * naming the API, AWS error code and message; or SW_EINVAL/SW_ENOMEM from deciding. */
int sw_function_drift_plan(const struct sw_function *fn, const char *account,
                           struct sw_actual_state *actual, struct sw_drift_plan *plan,
                           struct sw_action_result *read_failure, struct sw_error *err);

/* The account in a Lambda function ARN (arn:PARTITION:lambda:REGION:ACCOUNT:function:NAME)
 * copied into out; false when there is none. */
bool sw_function_arn_account(const char *arn, char out[SW_FUNCTION_ACCOUNT_MAX + 1]);

#endif
