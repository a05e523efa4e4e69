/* sw_notify_scan: the notifications about an image scan and about scanning that stopped.
 *
 * Pure builders (docs/contract.md §2.3, §4) for an Inspector2 Scan summary, an ECR basic
 * scan (which also says the registry is not on enhanced scanning) and an Inspector2
 * Coverage change (the image is no longer scanned, and why). Whether such an event
 * notifies is decided in notify_event.c; publishing is left to the caller. */
#ifndef SW_NOTIFY_SCAN_H
#define SW_NOTIFY_SCAN_H

#include "handler/core/error.h"
#include "handler/parse/events.h"
#include "handler/core/notification.h"

/* n must be initialised (sw_notification_init); it is filled and finished
 * (sw_notification_finish). min is MIN_SEVERITY: counts below it are not reported. Return 0,
 * or SW_ENOMEM / SW_ELIMIT / SW_EINVAL (wrong kind) with err set. */
int sw_notify_scan_build(const struct sw_event *ev, enum sw_severity min, struct sw_notification *n,
                         struct sw_error *err);
int sw_notify_basic_scan_build(const struct sw_event *ev, enum sw_severity min,
                               struct sw_notification *n, struct sw_error *err);
int sw_notify_coverage_build(const struct sw_event *ev, struct sw_notification *n,
                             struct sw_error *err);

#endif
