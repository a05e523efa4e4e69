/* sw_regions_run: REGIONS (docs/contract.md §1.5), one notification for a check that ran
 * in several regions.
 *
 * The account check runs in the function's region and then in every other one; each
 * drifted region's notification is held here (home first) and sent as one when the check
 * ends: one as it is, two or more combined (notify_regions.c). In organization scope the
 * members' notification is held too, and the administrator's drift in every region is
 * folded into it. State lives for one invocation (struct sw_regions_hold). */
#ifndef SW_REGIONS_RUN_H
#define SW_REGIONS_RUN_H

#include "handler/delivery.h"
#include "handler/core/notification.h"

#include <stdbool.h>
#include <stddef.h>

/* One check's held notifications. Without other regions (or out of memory) nothing is
 * held: sw_regions_take says no and each notification goes out by itself. */
struct sw_regions_hold {
    struct sw_notification *parts; /* the drifted regions' account notifications (owned) */
    size_t count;
    size_t cap;
    struct sw_notification org_note; /* organization scope: the members' one */
    bool org_note_held;
};

/* Starts holding for a check over the function's region and other_regions more. */
void sw_regions_hold_begin(struct sw_regions_hold *h, size_t other_regions);

/* Whether a region's notification can still be held. */
bool sw_regions_has_room(const struct sw_regions_hold *h);

/* Moves n into the hold when there is room (true); false leaves n to the caller. */
bool sw_regions_take(struct sw_regions_hold *h, struct sw_notification *n);

/* Organization scope: moves the members' notification n into the hold, for the
 * administrator's drift of every region to be folded into it. */
void sw_regions_take_org(struct sw_regions_hold *h, struct sw_notification *n);

/* Sends what was held as one notification through d (failures logged), and empties h. */
void sw_regions_deliver(struct sw_regions_hold *h, struct sw_delivery *d);

#endif
