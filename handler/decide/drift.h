/* sw_drift: the pure drift decision (docs/contract.md §1.1, §1.2).
 *
 * Compares the desired state (configuration) with the actual state read back from
 * Inspector2 and ECR, and returns a plan: the drifts (name, before -> after) and the
 * AWS writes that restore the state, each with its ready-to-send JSON request body.
 * No I/O here: the caller reads the state into these structs and performs the actions.
 * An empty plan means "no write, no notification". */
#ifndef SW_DRIFT_H
#define SW_DRIFT_H

#include "handler/core/error.h"
#include "handler/core/ids.h"
#include "handler/core/mode.h"
#include "handler/core/scan_names.h"

#include <stdbool.h>
#include <stddef.h>

/* ECR limits (API reference: RegistryScanningRule, ScanningRepositoryFilter,
 * PutRegistryScanningConfiguration). */
#define SW_DRIFT_FILTERS_MAX 100                             /* filters per rule */
#define SW_DRIFT_FILTER_LEN_MAX SW_REPOSITORY_FILTER_LEN_MAX /* bytes per filter (ids.h) */
#define SW_DRIFT_RULES_MAX 2                                 /* rules per registry configuration */
/* Bounds on what a read-back may hold (moto accepts more than AWS; see docs/emulator-notes.md §10).
 * Past them sw_drift_decide fails with SW_ELIMIT instead of trusting the input. */
#define SW_DRIFT_READ_RULES_MAX 16
#define SW_DRIFT_READ_FILTERS_MAX 1000
/* Texts of the plan (before/after, action summaries); longer texts end in "...". */
#define SW_DRIFT_TEXT_MAX 1024
#define SW_DRIFT_ITEMS_MAX 4
#define SW_DRIFT_ACTIONS_MAX 3

/* The desired state, from the configuration. All strings are borrowed. */
struct sw_desired_state {
    enum sw_mode mode;
    enum sw_scan_frequency scan_frequency;
    const char *const *filters; /* REPOSITORY_FILTERS, 1..SW_DRIFT_FILTERS_MAX, each valid */
    size_t filter_count;
    const char *rescan_duration; /* NULL: not managed; else LIFETIME, DAYS_3 ... DAYS_180 */
    const char *account_id;      /* 12 digits */
    const char *region;          /* e.g. eu-west-1 */
};

/* One repository filter as ECR returns it. filter_type NULL means WILDCARD. */
struct sw_drift_filter {
    const char *filter;
    const char *filter_type;
};

/* One registry scanning rule as ECR returns it. */
struct sw_drift_rule {
    const char *scan_frequency; /* CONTINUOUS_SCAN, SCAN_ON_PUSH, MANUAL, or unknown */
    const struct sw_drift_filter *filters;
    size_t filter_count;
};

/* The actual state, read back from the APIs. All strings are borrowed; NULL = absent. */
struct sw_actual_state {
    /* BatchGetAccountStatus accounts[].resourceState.ecr.status. NULL (account not listed)
     * counts as DISABLED. ENABLED and ENABLING are fine; anything else, unknown values
     * included, is not enabled. */
    const char *inspector_ecr_status;
    /* GetRegistryScanningConfiguration scanningConfiguration.scanType; NULL counts as BASIC. */
    const char *scan_type;
    const struct sw_drift_rule *rules; /* scanningConfiguration.rules */
    size_t rule_count;
    /* GetConfiguration ecrConfiguration.rescanDurationState.rescanDuration; NULL when not
     * read or absent (only compared when the desired state manages it). */
    const char *rescan_duration;
};

/* Drift names, as they appear in the result JSON (docs/contract.md §5) and the notification. */
enum sw_drift_name {
    SW_DRIFT_INSPECTOR_ECR = 0,  /* "inspector_ecr": Inspector2 ECR scanning not enabled */
    SW_DRIFT_REGISTRY_SCAN_TYPE, /* "registry_scan_type": registry scanType not ENHANCED */
    SW_DRIFT_REGISTRY_RULE,  /* "registry_rule": no rule of SCAN_FREQUENCY covering the filters */
    SW_DRIFT_RESCAN_DURATION /* "rescan_duration": rescan duration differs (when managed) */
};

/* The AWS writes a plan may hold, in the order they must run. */
enum sw_drift_api {
    SW_DRIFT_API_INSPECTOR2_ENABLE = 0,          /* "inspector2:Enable" */
    SW_DRIFT_API_ECR_PUT_REGISTRY_SCANNING,      /* "ecr:PutRegistryScanningConfiguration" */
    SW_DRIFT_API_INSPECTOR2_UPDATE_CONFIGURATION /* "inspector2:UpdateConfiguration" */
};

struct sw_drift_item {
    enum sw_drift_name name;
    char before[SW_DRIFT_TEXT_MAX]; /* e.g. "DISABLED" */
    char after[SW_DRIFT_TEXT_MAX];  /* e.g. "ENABLED" */
};

/* To perform an action with the AWS client (handler/aws/), take its typed parameters from
 * the plan: inspector2:Enable -> plan->account_id and resource type "ECR";
 * ecr:PutRegistryScanningConfiguration -> plan->target.scan_type and plan->target.rules;
 * inspector2:UpdateConfiguration -> plan->target.rescan_duration. The AWS I/O adapter
 * (aws_io.c) builds each request once from these with the builders of handler/aws/. */
struct sw_drift_action {
    enum sw_drift_api api;
    char summary[SW_DRIFT_TEXT_MAX]; /* "inspector2:Enable (resourceTypes [ECR], accountIds [...])"
                                      */
};

/* The result of one action as the caller performed it (borrowed strings). */
struct sw_action_result {
    const char *api;           /* sw_drift_api_name() of the action */
    bool ok;                   /* the call succeeded */
    const char *error_code;    /* AWS error code when !ok ("AccessDeniedException"), or NULL */
    const char *error_message; /* AWS error message when !ok, or NULL */
};

struct sw_drift_plan {
    bool checked; /* false in mode off: nothing was compared */
    bool execute; /* true in enforce, false in dry-run */
    enum sw_mode mode;
    char account_id[16];
    char region[32];
    struct sw_drift_item items[SW_DRIFT_ITEMS_MAX];
    size_t item_count; /* 0: nothing drifted, nothing to do */
    struct sw_drift_action actions[SW_DRIFT_ACTIONS_MAX];
    size_t action_count;
    /* The state once every action has succeeded: what the plan rewrites is owned by the
     * plan, the rest is borrowed from the actual state (valid while both live). Deciding
     * again from it yields an empty plan. */
    struct sw_actual_state target;
    /* Private storage behind target. */
    struct sw_drift_rule target_rules[SW_DRIFT_RULES_MAX];
    struct sw_drift_filter *target_filters[SW_DRIFT_RULES_MAX];
};

/* Decides. Fills *out (which must be zeroed or cleared; it is cleared first) and returns 0,
 * or returns SW_EINVAL (bad desired state: invalid filter, rescan value, account, region),
 * SW_ELIMIT (read-back larger than SW_DRIFT_READ_*), SW_ENOMEM, with err set and *out empty. */
int sw_drift_decide(const struct sw_desired_state *desired, const struct sw_actual_state *actual,
                    struct sw_drift_plan *out, struct sw_error *err);

/* Frees what the plan owns; the plan is empty afterwards. Safe on a zeroed plan. */
void sw_drift_plan_clear(struct sw_drift_plan *plan);

/* True for LIFETIME, DAYS_3, DAYS_7, DAYS_14, DAYS_30, DAYS_60, DAYS_90, DAYS_180. */
bool sw_drift_rescan_valid(const char *value);

/* "inspector_ecr", "registry_scan_type", "registry_rule", "rescan_duration". */
const char *sw_drift_name_str(enum sw_drift_name name);

/* "inspector2:Enable", "ecr:PutRegistryScanningConfiguration", "inspector2:UpdateConfiguration". */
const char *sw_drift_api_name(enum sw_drift_api api);

#endif
