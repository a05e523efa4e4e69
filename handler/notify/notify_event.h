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
    SW_NOTIFY_NOT_ACTIVE,      /* finding status is not ACTIVE */
    SW_NOTIFY_BELOW_THRESHOLD, /* severity (or every non-zero count) below MIN_SEVERITY */
    SW_NOTIFY_STILL_SCANNED,   /* coverage status ACTIVE (or absent) */
    SW_NOTIFY_DUPLICATE,       /* same findingArn and updatedAt already notified */
    SW_NOTIFY_NOT_APPLICABLE   /* not a finding-side event */
};

/* "notify", "not-active", "below-threshold", "still-scanned", "duplicate", "not-applicable". */
const char *sw_notify_verdict_name(enum sw_notify_verdict v);

/* A finding notifies when status is ACTIVE and severity >= min (a missing or unknown
 * severity ranks as UNTRIAGED). Pure. */
enum sw_notify_verdict sw_notify_finding_verdict(const struct sw_finding *f, enum sw_severity min);

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
