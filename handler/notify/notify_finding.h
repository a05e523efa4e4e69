/* sw_notify_finding: the notification about one Inspector2 Finding (docs/contract.md §1.3, §4).
 *
 * A pure builder: subject "[SEVERITY] CVE-... in repo:tag", the e-mail text with the
 * response deadline, packages and console links, the attributes and the JSON document.
 * Whether a finding notifies, and the other finding-side kinds, are in notify_event.h;
 * priority marking is in notify_document.h; publishing is left to the caller. */
#ifndef SW_NOTIFY_FINDING_H
#define SW_NOTIFY_FINDING_H

#include "handler/core/error.h"
#include "handler/parse/events.h"
#include "handler/core/notification.h"

#include <stdint.h>

/* n must be initialised (sw_notification_init); it is filled and finished
 * (sw_notification_finish). now_ms is "now" for the overdue note. Returns 0, or SW_ENOMEM /
 * SW_ELIMIT / SW_EINVAL (not a finding) with err set. */
int sw_notify_finding_build(const struct sw_event *ev, int64_t now_ms, struct sw_notification *n,
                            struct sw_error *err);

#endif
