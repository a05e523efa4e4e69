/* sw_notify_event: the pipeline's entry to finding-side notifications (docs/contract.md §1.3).
 *
 * For a parsed Inspector2 Finding, Scan or Coverage event or an ECR basic scan: whether it
 * notifies (the verdict, pure) and its notification (dispatch to notify_finding.c and
 * notify_scan.c). Duplicate findings are caught by the caller with handler/notify/finding_cache.h;
 * priority marking is in handler/notify/notify_document.h. */
#ifndef SW_NOTIFY_EVENT_H
#define SW_NOTIFY_EVENT_H

#include "handler/core/error.h"
#include "handler/parse/events.h"
#include "handler/core/notification.h"

#include <stdint.h>

/* Why a finding-side event does (not) notify. */
enum sw_notify_verdict {
    SW_NOTIFY_YES = 0,
    SW_NOTIFY_NOT_ACTIVE,          /* finding status is not ACTIVE */
    SW_NOTIFY_BELOW_THRESHOLD,     /* severity (or every non-zero count) below MIN_SEVERITY */
    SW_NOTIFY_STILL_SCANNED,       /* coverage status ACTIVE (or absent) */
    SW_NOTIFY_DUPLICATE,           /* same findingArn and updatedAt already notified */
    SW_NOTIFY_NOT_APPLICABLE,      /* not a finding-side event */
    SW_NOTIFY_REPOSITORY_FILTERED, /* its repository matches no FINDING_REPOSITORY_FILTERS */
    SW_NOTIFY_NO_FIX               /* FINDING_FIX_AVAILABLE_ONLY and no fix (not YES/PARTIAL) */
};

/* "notify", "not-active", "below-threshold", "still-scanned", "duplicate", "not-applicable",
 * "repository-filtered", "no-fix-available". */
const char *sw_notify_verdict_name(enum sw_notify_verdict v);

/* A finding notifies when status is ACTIVE and severity >= min (a missing or unknown
 * severity ranks as UNTRIAGED). Pure. */
enum sw_notify_verdict sw_notify_finding_verdict(const struct sw_finding *f, enum sw_severity min);

/* The security team's filters on a finding (docs/configuration.md): REPOSITORY_FILTERED when
 * filter_count > 0 and its repository (case-insensitive; a finding without one never
 * matches) matches none of the ECR wildcard filters ('*' any run of characters); NO_FIX when
 * fix_only and its fixAvailable is not YES or PARTIAL; else YES. Pure. */
enum sw_notify_verdict sw_notify_finding_filter(const struct sw_finding *f,
                                                const char (*filters)[SW_CFG_FILTER_MAX + 1],
                                                size_t filter_count, bool fix_only);

/* True when name matches the ECR wildcard filter (ASCII case-insensitive, '*' matching any
 * run of characters, '/' included). */
bool sw_notify_wildcard_match(const char *filter, const char *name);

/* Dispatches on ev->kind: a finding as above; a scan or basic scan notifies when any count
 * at or above min is non-zero; coverage notifies when the status is present and not ACTIVE;
 * NOT_APPLICABLE for other kinds. Does not consult the duplicate cache. Pure. */
enum sw_notify_verdict sw_notify_event_verdict(const struct sw_event *ev, enum sw_severity min);

/* Builds the notification for ev->kind (FINDING, SCAN, BASIC_SCAN, COVERAGE) into n
 * (initialised; filled and finished). now_ms is "now" for a finding's overdue note. Returns
 * 0, or SW_ENOMEM / SW_ELIMIT / SW_EINVAL (no finding-side notification) with err set. */
int sw_notify_event_build(const struct sw_event *ev, enum sw_severity min, int64_t now_ms,
                          struct sw_notification *n, struct sw_error *err);

#endif
