/* struct sw_event: one invocation payload as the event parsers fill it, with the named
 * limits every copied string and list is held to (docs/contract.md §2). Types only: the
 * parsing and classification are events.h's; the Inspector2 kinds are read by
 * event_finding.c and every string lives in the event's arena (event_read.c). */
#ifndef SW_EVENT_H
#define SW_EVENT_H

#include "handler/parse/config.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Limits, checked before anything is trusted. */
#define SW_EVENT_MAX_BYTES ((size_t)6 * 1024 * 1024 + 64 * 1024) /* Lambda's 6 MB + slack */
#define SW_EVENT_MAX_DEPTH 64            /* JSON nesting, checked before cJSON parses */
#define SW_EVENT_MAX_VALUES 200000       /* JSON values, checked before cJSON parses */
#define SW_EVENT_STR_MAX 2048            /* bytes kept of an ordinary string field */
#define SW_EVENT_TEXT_MAX 16384          /* bytes kept of a description / remediation text */
#define SW_EVENT_SUMMARY_MAX 1024        /* bytes of the CloudTrail requestParameters summary */
#define SW_EVENT_PACKAGES_MAX 1000       /* vulnerable packages kept per finding */
#define SW_EVENT_TAGS_MAX 100            /* image tags kept */
#define SW_EVENT_REPOSITORIES_MAX 100    /* repositories kept of an ECR Scan Resource Change */
#define SW_EVENT_SECHUB_FINDINGS_MAX 100 /* Security Hub findings examined per event */

/* Cut strings end with SW_EVENT_CUT_MARKER ("...", handler/parse/event_read.h), within
 * the byte limit, on a UTF-8 boundary. */

/* What the payload is (docs/contract.md §2). */
enum sw_event_kind {
    SW_EVENT_UNKNOWN = 0,              /* a JSON object matching no kind below */
    SW_EVENT_CLOUDTRAIL,               /* "AWS API Call via CloudTrail" (aws.inspector2, aws.ecr) */
    SW_EVENT_ECR_SCAN_RESOURCE_CHANGE, /* "ECR Scan Resource Change" */
    SW_EVENT_SCHEDULE,                 /* "Scheduled Event" or {"trigger":"schedule"} */
    SW_EVENT_SECURITYHUB,              /* "Security Hub Findings - Imported" */
    SW_EVENT_CONFIG_COMPLIANCE,        /* "Config Rules Compliance Change" */
    SW_EVENT_FINDING,                  /* "Inspector2 Finding" */
    SW_EVENT_SCAN,                     /* "Inspector2 Scan" */
    SW_EVENT_COVERAGE,                 /* "Inspector2 Coverage" */
    SW_EVENT_BASIC_SCAN                /* "ECR Image Scan" (basic scanning) */
};

/* Which bucket of docs/contract.md §2 it falls in. */
enum sw_event_class {
    SW_CLASS_UNHANDLED = 0, /* §2.4: {"handled":false}, one log line, no AWS call */
    SW_CLASS_DRIFT_CHECK,   /* §2.1, §2.2: run the drift check */
    SW_CLASS_NOTIFY         /* §2.3: a finding-side notification may follow */
};

/* The EventBridge envelope. Strings are NULL when absent (or not strings). Every account and
 * region in a parsed event (here and below) is a valid account id or region name
 * (handler/core/ids.h), or NULL: a malformed one is dropped at parse time. */
struct sw_event_envelope {
    const char *id;
    const char *source;
    const char *detail_type;
    const char *account; /* 12 digits */
    const char *region;  /* a region name */
    const char *time;
    int64_t time_ms; /* SW_TIME_NONE when absent */
};

struct sw_cloudtrail {
    const char *event_source; /* inspector2.amazonaws.com */
    const char *event_name;   /* Disable, PutRegistryScanningConfiguration, ... */
    const char *event_time;
    int64_t event_time_ms;
    const char *user_arn;   /* userIdentity.arn */
    const char *user_type;  /* userIdentity.type */
    const char *invoked_by; /* userIdentity.invokedBy (AWS services) */
    const char *source_ip;  /* sourceIPAddress */
    const char *user_agent;
    const char *aws_region;
    const char *error_code; /* present when the call failed */
    const char *error_message;
    /* requestParameters as compact JSON, at most SW_EVENT_SUMMARY_MAX bytes (cut with the
     * marker); NULL when absent or null. */
    const char *request_summary;
};

struct sw_ecr_repository_change {
    const char *name;
    const char *arn;
    const char *scan_frequency;
    const char *previous_scan_frequency;
};

struct sw_ecr_scan_resource_change {
    const char *action_type;   /* SCAN_FREQUENCY_CHANGE, SCAN_TYPE_CHANGE, ... */
    const char *scan_type;     /* BASIC, ENHANCED */
    const char *resource_type; /* REPOSITORY, REGISTRY */
    struct sw_ecr_repository_change *repositories;
    size_t repository_count;
    size_t repositories_omitted; /* past SW_EVENT_REPOSITORIES_MAX */
};

struct sw_schedule {
    bool constant_input;  /* true for the {"trigger":"schedule"} input */
    const char *rule_arn; /* resources[0] of a Scheduled Event */
};

struct sw_securityhub {
    size_t finding_count; /* findings examined (at most SW_EVENT_SECHUB_FINDINGS_MAX) */
    /* The first finding with control Inspector.2 or ECR.1 and compliance FAILED: */
    const char *control_id;  /* "Inspector.2" or "ECR.1"; NULL when none matched */
    const char *finding_id;  /* its Id */
    const char *product_arn; /* its ProductArn (with Id, how BatchUpdateFindings names it) */
    const char *account_id;  /* its AwsAccountId */
    const char *title;
};

struct sw_config_compliance {
    const char *rule_name;       /* configRuleName */
    const char *compliance_type; /* newEvaluationResult.complianceType */
    const char *old_compliance_type;
    const char *resource_type;
    const char *resource_id;
    const char *account_id;
    const char *aws_region;
};

struct sw_vulnerable_package {
    const char *name;
    const char *version;          /* installed: [epoch:]version[-release] */
    const char *fixed_in_version; /* NULL when absent; Inspector's "NotAvailable" kept */
    const char *package_manager;
    const char *file_path;
};

struct sw_finding {
    const char *finding_arn;
    const char *account_id; /* detail.awsAccountId, else the envelope's */
    /* resources[0].region, else the envelope's, else the finding ARN's, else the resource
     * ARN's (AWS's 2021 sample sends "N/A" there: not a region, so it is skipped) */
    const char *region;
    const char *status; /* ACTIVE, SUPPRESSED, CLOSED or unknown (kept) */
    const char *type;   /* PACKAGE_VULNERABILITY, ... */
    const char *title;
    const char *description;
    const char *severity_text; /* as sent */
    enum sw_severity severity; /* SW_SEVERITY_NONE when absent or not a known name */
    bool has_inspector_score;
    double inspector_score;
    bool has_cvss;
    double cvss_base_score;
    const char *cvss_vector;
    const char *cvss_source;  /* NVD, vendor... */
    const char *cvss_version; /* 3.1 */
    bool has_epss;
    double epss_score;
    const char *exploit_available; /* YES, NO (kept as sent) */
    const char *fix_available;     /* YES, NO, PARTIAL (kept as sent) */
    const char *vulnerability_id;  /* CVE-2024-6119 */
    const char *vendor_severity;
    const char *source_url;
    struct sw_vulnerable_package *packages;
    size_t package_count;
    size_t packages_omitted; /* past SW_EVENT_PACKAGES_MAX */
    /* The image (awsEcrContainerImage, or the provider-agnostic image details). */
    const char *resource_type; /* AWS_ECR_CONTAINER_IMAGE, ... */
    const char *resource_id;   /* resources[0].id: the image ARN for ECR */
    const char *repository;
    const char *registry;
    const char *image_digest;
    const char **image_tags;
    size_t image_tag_count;
    size_t image_tags_omitted;
    const char *first_observed_text;
    int64_t first_observed_ms; /* SW_TIME_NONE when absent or unparseable */
    const char *last_observed_text;
    int64_t last_observed_ms;
    const char *updated_at_text;
    int64_t updated_at_ms;
    const char *remediation; /* remediation.recommendation.text */
};

/* Counts by severity; index with enum sw_severity (0..SW_SEVERITY_COUNT-1). */
struct sw_severity_counts {
    bool present[SW_SEVERITY_COUNT];
    int64_t count[SW_SEVERITY_COUNT];
    bool has_total;
    int64_t total;
};

/* Inspector2 Scan and ECR Image Scan (basic) share this shape. */
struct sw_scan_summary {
    const char *scan_status; /* INITIAL_SCAN_COMPLETE, COMPLETE, FAILED, ... */
    const char *repository;  /* repository name (taken from an ARN when one is sent) */
    const char *image_digest;
    const char **image_tags;
    size_t image_tag_count;
    size_t image_tags_omitted;
    struct sw_severity_counts counts; /* basic scanning's UNDEFINED counts as UNTRIAGED */
};

struct sw_coverage {
    const char *status;      /* scanStatus.statusCodeValue: ACTIVE, INACTIVE, ... */
    const char *reason;      /* scanStatus.reason: SCAN_ELIGIBILITY_EXPIRED, ... */
    const char *scan_type;   /* PACKAGE, ... */
    const char *resource_id; /* resources[0]: an ECR repository or image ARN */
    const char *repository;  /* parsed from the ARN when it is an ECR one */
    const char *image_digest;
    const char *account_id; /* providerAccountId, else the envelope's */
    const char *region;     /* providerRegion, else the envelope's */
    const char *event_timestamp;
    int64_t event_time_ms;
    const char *resource_type; /* detail.resourceType when sent (AWS_ECR_REPOSITORY, ...) */
};

struct sw_event_arena; /* private: the memory behind the strings */

struct sw_event {
    enum sw_event_kind kind;
    enum sw_event_class cls;
    /* Why an event is unhandled (static text for the log line); NULL when handled. */
    const char *unhandled_reason;
    struct sw_event_envelope env;
    /* Only the member matching kind is filled; the others stay zeroed. */
    struct sw_cloudtrail cloudtrail;
    struct sw_ecr_scan_resource_change scan_change;
    struct sw_schedule schedule;
    struct sw_securityhub securityhub;
    struct sw_config_compliance config_compliance;
    struct sw_finding finding;
    struct sw_scan_summary scan; /* SW_EVENT_SCAN and SW_EVENT_BASIC_SCAN */
    struct sw_coverage coverage;
    struct sw_event_arena *arena;
};

#endif
