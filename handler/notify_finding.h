/* sw_notify_finding: the finding-side notifications (docs/contract.md §1.3, §2.3, §4).
 *
 * Pure functions over parsed events: "should this notify?" decisions and builders
 * for an Inspector2 Finding, an Inspector2 Scan summary, an Inspector2 Coverage change
 * and an ECR basic scan. The duplicate-finding cache is a small bounded struct the
 * caller owns (no globals). Publishing is left to the caller. */
#ifndef SW_NOTIFY_FINDING_H
#define SW_NOTIFY_FINDING_H

#include "handler/config.h"
#include "handler/error.h"
#include "handler/events.h"
#include "handler/notification.h"

#include <stdbool.h>
#include <stdint.h>

/* Response deadlines counted from firstObservedAt (docs/contract.md §1.3). */
#define SW_SLA_CRITICAL_MS ((int64_t)24 * 3600 * 1000)
#define SW_SLA_HIGH_MS ((int64_t)7 * 24 * 3600 * 1000)
#define SW_SLA_MEDIUM_MS ((int64_t)30 * 24 * 3600 * 1000)
#define SW_SLA_LOW_MS ((int64_t)30 * 24 * 3600 * 1000)

#define SW_NOTIFY_PACKAGES_LISTED 50 /* packages written out in a message; the rest counted */

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

/* Response window of a severity in ms; 0 for INFORMATIONAL, UNTRIAGED and NONE (no SLA). */
int64_t sw_notify_sla_ms(enum sw_severity s);

/* Decisions (pure). A finding notifies when status is ACTIVE and severity >= min (a missing
 * or unknown severity ranks as UNTRIAGED). A scan or basic scan notifies when any count at
 * or above min is non-zero. Coverage notifies when the status is present and not ACTIVE. */
enum sw_notify_verdict sw_notify_finding_verdict(const struct sw_finding *f, enum sw_severity min);
enum sw_notify_verdict sw_notify_scan_verdict(const struct sw_scan_summary *s,
                                              enum sw_severity min);
enum sw_notify_verdict sw_notify_coverage_verdict(const struct sw_coverage *c);

/* Dispatches on ev->kind (FINDING, SCAN, COVERAGE, BASIC_SCAN); NOT_APPLICABLE otherwise.
 * Does not consult the duplicate cache. */
enum sw_notify_verdict sw_notify_event_verdict(const struct sw_event *ev, enum sw_severity min);

/* Builders. n must be initialised (sw_notification_init); it is filled and finished
 * (sw_notification_finish). now_ms is "now" for the overdue note. Return 0, or SW_ENOMEM /
 * SW_ELIMIT / SW_EINVAL (wrong kind) with err set. */
int sw_notify_finding_build(const struct sw_event *ev, int64_t now_ms, struct sw_notification *n,
                            struct sw_error *err);
int sw_notify_scan_build(const struct sw_event *ev, enum sw_severity min, struct sw_notification *n,
                         struct sw_error *err);
int sw_notify_coverage_build(const struct sw_event *ev, struct sw_notification *n,
                             struct sw_error *err);
int sw_notify_basic_scan_build(const struct sw_event *ev, enum sw_severity min,
                               struct sw_notification *n, struct sw_error *err);

/* Dispatches to the builder for ev->kind. */
int sw_notify_event_build(const struct sw_event *ev, enum sw_severity min, int64_t now_ms,
                          struct sw_notification *n, struct sw_error *err);

/* Console link for a finding: written to out (cap bytes, NUL-terminated); returns the length,
 * 0 when the region is missing or invalid. See README "Events and notifications". */
size_t sw_notify_console_link(const struct sw_finding *f, char *out, size_t cap);

/* Duplicate-finding suppression (docs/contract.md §1.3, best effort): remembers the last
 * SW_FINDING_CACHE_SIZE (findingArn, updatedAt) pairs, as SHA-256 digests, oldest evicted
 * first. Zero-initialise (or sw_finding_cache_init) before use; nothing to free. */
#define SW_FINDING_CACHE_SIZE 256

struct sw_finding_cache {
    unsigned char keys[SW_FINDING_CACHE_SIZE][32];
    size_t count; /* entries in use */
    size_t next;  /* slot the next insert overwrites once full */
};

void sw_finding_cache_init(struct sw_finding_cache *c);

/* True when this finding's (findingArn, updatedAt) was added before. A finding without a
 * findingArn or updatedAt is never a duplicate. */
bool sw_finding_cache_contains(const struct sw_finding_cache *c, const struct sw_finding *f);

/* Remembers the finding (call after it was published). No-op without findingArn/updatedAt
 * or when already present. */
void sw_finding_cache_add(struct sw_finding_cache *c, const struct sw_finding *f);

#endif
