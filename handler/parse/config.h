/* sw_cfg: the function's configuration, read and validated once at start (docs/contract.md §3, §8).
 *
 * Values come from a getenv-like callback so tests need not touch the process
 * environment. Enum values are case-insensitive and trimmed; an invalid value is
 * SW_ECONFIG with a message naming the variable, the bad value and the allowed
 * values. The enums and their name/parse functions are shared by the other parts. */
#ifndef SW_CONFIG_H
#define SW_CONFIG_H

#include "handler/core/error.h"
#include "handler/core/ids.h"
#include "handler/core/mode.h"
#include "handler/core/scan_names.h"

#include <stdbool.h>
#include <stddef.h>

/* Severity, ordered: a larger value is more severe. SW_SEVERITY_NONE marks "absent". */
enum sw_severity {
    SW_SEVERITY_NONE = -1,
    SW_SEVERITY_UNTRIAGED = 0,
    SW_SEVERITY_INFORMATIONAL = 1,
    SW_SEVERITY_LOW = 2,
    SW_SEVERITY_MEDIUM = 3,
    SW_SEVERITY_HIGH = 4,
    SW_SEVERITY_CRITICAL = 5
};
#define SW_SEVERITY_COUNT 6 /* UNTRIAGED..CRITICAL, usable as array index */

enum sw_scope { SW_SCOPE_ACCOUNT = 0, SW_SCOPE_ORGANIZATION };

enum sw_chat_format { SW_CHAT_FORMAT_NONE = 0, SW_CHAT_FORMAT_CHATBOT };

/* Limits on the configuration itself. */
#define SW_CFG_ARN_MAX 1024       /* SNS_TOPIC_ARN bytes */
#define SW_CFG_TOPIC_NAME_MAX 256 /* SNS topic names are 1-256 characters */
#define SW_CFG_REGION_MAX 32      /* bytes of a region name */
#define SW_CFG_FILTERS_MAX 100    /* ECR: at most 100 repository filters per rule */
#define SW_CFG_FILTER_MAX SW_REPOSITORY_FILTER_LEN_MAX /* ECR: a filter is 1-255 characters */
#define SW_CFG_REGIONS_MAX 32                          /* REGIONS entries */
#define SW_CFG_VALUE_MAX 32768                         /* any variable's raw value */
#define SW_CFG_MAX_NOTIFICATIONS_LIMIT 10000           /* ceiling of both MAX_NOTIFICATIONS_PER_* */
#define SW_CFG_QUEUE_URL_MAX 511                       /* DEAD_LETTER_QUEUE_URL bytes */
#define SW_CFG_EXEMPT_MAX 1000                         /* EXEMPT_ACCOUNTS entries */
#define SW_CFG_MAX_AWS_REQUESTS_PER_SECOND_LIMIT 1000  /* = SW_RATE_MAX_PER_SECOND_LIMIT */

/* Defaults (docs/contract.md §3, §8). */
#define SW_CFG_DEFAULT_MIN_SEVERITY SW_SEVERITY_HIGH
#define SW_CFG_DEFAULT_EPSS_ALERT 0.1
#define SW_CFG_DEFAULT_MAX_NOTIFICATIONS 20
#define SW_CFG_DEFAULT_MAX_NOTIFICATIONS_PER_MINUTE 60
#define SW_CFG_DEFAULT_ORG_REGION_CONCURRENCY 8
#define SW_CFG_DEFAULT_MAX_AWS_REQUESTS_PER_SECOND 40

struct sw_config {
    char sns_topic_arn[SW_CFG_ARN_MAX + 1];
    char sns_partition[16];                 /* aws, aws-cn, aws-us-gov (from the ARN) */
    char sns_region[SW_CFG_REGION_MAX + 1]; /* the topic's region (from the ARN) */
    char sns_account[13];                   /* the topic's account (from the ARN) */
    enum sw_severity min_severity;
    enum sw_mode mode;
    enum sw_scan_frequency scan_frequency;
    /* Lower-cased, validated against ECR's pattern, duplicates dropped, in given order. */
    char repository_filters[SW_CFG_FILTERS_MAX][SW_CFG_FILTER_MAX + 1];
    size_t repository_filter_count; /* >= 1 ("*" by default) */
    enum sw_rescan_duration rescan_duration;
    /* docs/contract.md §8 (parsed and validated here). */
    enum sw_scope scope;
    char regions[SW_CFG_REGIONS_MAX][SW_CFG_REGION_MAX + 1];
    size_t region_count; /* 0: REGIONS unset, meaning the function's own region */
    enum sw_chat_format chat_format;
    double epss_alert;                         /* 0..1 */
    unsigned max_notifications_per_invocation; /* 1..SW_CFG_MAX_NOTIFICATIONS_LIMIT */
    /* Finding-side notifications past this in one minute are suppressed and summarised by the
     * next invocation (handler/notify/rate_window.h). 1..SW_CFG_MAX_NOTIFICATIONS_LIMIT. */
    unsigned max_notifications_per_minute;
    /* AFFECTED_WORKLOADS on: CRITICAL/HIGH image findings name the ECS/EKS clusters running
     * the image (Inspector2 GetClustersForImage). Default off. */
    bool affected_workloads;
    /* DEAD_LETTER_QUEUE_URL: where a notification SNS refused after the retries is parked
     * (docs/operations.md); "" when unset (the failure is then only logged). */
    char dead_letter_queue_url[SW_CFG_QUEUE_URL_MAX + 1];
    /* FINDING_REPOSITORY_FILTERS: only findings of repositories matching one of these ECR
     * wildcard filters (lower-cased, validated) are notified; count 0 (unset): every one. */
    char finding_repository_filters[SW_CFG_FILTERS_MAX][SW_CFG_FILTER_MAX + 1];
    size_t finding_repository_filter_count;
    /* FINDING_FIX_AVAILABLE_ONLY on: only findings with a fix (fixAvailable YES or PARTIAL)
     * are notified. Default off. */
    bool finding_fix_available_only;
    /* EXEMPT_ACCOUNTS (organization scope): member accounts left alone, never read or enabled,
     * listed as exempt (12-digit ids, duplicates dropped). */
    char exempt_accounts[SW_CFG_EXEMPT_MAX][13];
    size_t exempt_account_count;
    /* ORG_REGION_CONCURRENCY (organization scope): regions checked at the same time, each on
     * its own connections (docs/organization.md, "Concurrency"). 1..SW_CFG_REGIONS_MAX, 8. */
    unsigned org_region_concurrency;
    /* MAX_AWS_REQUESTS_PER_SECOND (organization scope): attempts per second per service and
     * region, never exceeded (handler/aws/rate_gate.h). 1..1000, default 40. */
    unsigned max_aws_requests_per_second;
};

/* True when account is one of cfg's EXEMPT_ACCOUNTS. */
bool sw_cfg_exempt(const struct sw_config *cfg, const char *account);

/* Looks up a variable: returns its value, or NULL when unset. getenv-like, with a context. */
typedef const char *(*sw_cfg_lookup_fn)(void *ctx, const char *name);

/* Reads and validates every variable through lookup(ctx, name) into cfg (fully overwritten).
 * Returns 0, or SW_ECONFIG with err->msg like
 * `REMEDIATION_MODE: "enfoce" is not one of enforce, dry-run, off`.
 * A variable set to an empty (or blank) value counts as unset. */
int sw_cfg_load(struct sw_config *cfg, sw_cfg_lookup_fn lookup, void *ctx, struct sw_error *err);

/* sw_cfg_load over the process environment (getenv). */
int sw_cfg_load_env(struct sw_config *cfg, struct sw_error *err);

/* Canonical names ("CRITICAL", "dry-run", "CONTINUOUS_SCAN", "DAYS_14", "account", "chatbot").
 * Unknown values give "UNKNOWN"; SW_SEVERITY_NONE gives "NONE"; SW_RESCAN_UNMANAGED gives
 * "UNMANAGED". Never NULL. (The mode's: sw_mode_name, handler/core/mode.h.) */
const char *sw_severity_name(enum sw_severity s);
const char *sw_scope_name(enum sw_scope s);
const char *sw_chat_format_name(enum sw_chat_format c);

/* Parse s[0..len), trimmed and case-insensitive. Return true and set *out when it is one of
 * the names above (never accepting NONE/UNMANAGED/UNKNOWN). */
bool sw_severity_parse(const char *s, size_t len, enum sw_severity *out);
bool sw_mode_parse(const char *s, size_t len, enum sw_mode *out);

#endif
