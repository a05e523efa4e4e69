/* sw_notify_regions: one notification for a drift check that ran in several regions.
 *
 * With REGIONS (account scope, docs/contract.md §1.5) the check runs once per region and each
 * drifted region yields its own drift notification (notify_drift.c). This folds two or more of them
 * into the one the check publishes: a subject over all, each region's text under its heading, and
 * the document's "drift" merged with every region's own under "regions". */
#ifndef SW_NOTIFY_REGIONS_H
#define SW_NOTIFY_REGIONS_H

#include "handler/core/error.h"
#include "handler/core/notification.h"

#include <stddef.h>

/* Bytes of the comma-joined region list in the "region" attribute and document field. */
#define SW_NOTIFY_REGIONS_LIST_MAX 200

/* Builds into out (initialised, empty) the one notification over parts[0..count) (count >= 2,
 * each from sw_notify_drift_build for the same account, home region first). The parts keep
 * their text; their documents' "drift" objects are taken. Returns 0, or SW_EINVAL (fewer
 * than 2 parts), SW_ENOMEM or SW_ELIMIT with err set. */
int sw_notify_regions_build(struct sw_notification *parts, size_t count,
                            struct sw_notification *out, struct sw_error *err);

#endif
